"""notifications: the calendar file sent with a mail

Revision ID: n0t1f7e1f2a3
Revises: c3e71f1ca7e5
Create Date: 2026-12-02 02:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "n0t1f7e1f2a3"
down_revision = "c3e71f1ca7e5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ics", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("ics")
