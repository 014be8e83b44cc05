"""Feed sequences: events and shifts count their own changes, so no feed's SEQUENCE goes back.

Revision ID: e841a69e09ae
Revises: 5e4c1d2b9f07
Create Date: 2026-12-01 06:02:35.015206

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e841a69e09ae"
down_revision = "5e4c1d2b9f07"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('shifts', schema=None) as batch_op:
        batch_op.drop_column('sequence')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('sequence')

