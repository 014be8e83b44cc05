"""service_package_items: whether an item's visits move off public holidays

Revision ID: sk1pheadays1
Revises: s3r1e5rep001
Create Date: 2026-12-02 15:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "sk1pheadays1"
down_revision = "s3r1e5rep001"
branch_labels = None
depends_on = None


# Plain ALTER TABLE with a default (off: visits keep their days), no batch rebuild.
def upgrade():
    op.add_column("service_package_items", sa.Column(
        "skip_holidays", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    op.execute("ALTER TABLE service_package_items DROP COLUMN skip_holidays")
