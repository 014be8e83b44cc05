"""events: approve volunteers' swaps and drops automatically (per event)

Revision ID: n0t1f7a6b7c8
Revises: rq1m3r6e7d01
Create Date: 2026-12-02 11:12:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "n0t1f7a6b7c8"
down_revision = "rq1m3r6e7d01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("swaps_auto_approve", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("swaps_auto_approve")
