"""shifts: residents' places per confirmed volunteer (places that follow staffing)

Revision ID: n0t1f7f3a4b5
Revises: n0t1f7e1f2a3
Create Date: 2026-12-02 11:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "n0t1f7f3a4b5"
down_revision = "n0t1f7e1f2a3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("places_per_volunteer", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_shifts_places_per_volunteer_positive"),
            "places_per_volunteer IS NULL OR places_per_volunteer >= 1")


def downgrade():
    with op.batch_alter_table("shifts", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_shifts_places_per_volunteer_positive"), type_="check")
        batch_op.drop_column("places_per_volunteer")
