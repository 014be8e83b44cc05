"""assignments.released_by_handover: a seat cancelled by a change of its series' regular
volunteer (A → B), the only cancelled seat a change back (B → A) gives back

Existing rows get false: a seat already cancelled by a handover before this column existed is
not given back on a change back (the coordinator can put her on it again); better that than
giving back a seat a coordinator had cancelled. A plain added column, no table rebuild.

Revision ID: as7r3l3a5ed0
Revises: rq7r0ut3r07
Create Date: 2026-12-03 08:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "as7r3l3a5ed0"
down_revision = "rq7r0ut3r07"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("released_by_handover", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_column("released_by_handover")
