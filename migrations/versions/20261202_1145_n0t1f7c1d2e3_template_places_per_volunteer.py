"""template items: residents' places per confirmed volunteer, passed to the stamped shift

Revision ID: n0t1f7c1d2e3
Revises: pkg5e7v1c3a1
Create Date: 2026-12-02 11:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "n0t1f7c1d2e3"
down_revision = "pkg5e7v1c3a1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("template_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("places_per_volunteer", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_template_items_places_per_volunteer_positive"),
            "places_per_volunteer IS NULL OR places_per_volunteer >= 1")


def downgrade():
    with op.batch_alter_table("template_items", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_template_items_places_per_volunteer_positive"),
                                 type_="check")
        batch_op.drop_column("places_per_volunteer")
