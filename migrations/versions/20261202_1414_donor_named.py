"""donations: whether an individual donor agreed to be named on the public thank-you page

Revision ID: d0n0rnamed01
Revises: grp1s3rv1c3
Create Date: 2026-12-02 14:14:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d0n0rnamed01"
down_revision = "grp1s3rv1c3"
branch_labels = None
depends_on = None


# Plain ALTER TABLE (no batch rebuild): `donations` is read by the reports, and a rebuilt
# table would lose the report cache's triggers.
def upgrade():
    op.add_column("donations", sa.Column("donor_named", sa.Boolean(), nullable=False,
                                         server_default=sa.false()))


def downgrade():
    op.execute("ALTER TABLE donations DROP COLUMN donor_named")
