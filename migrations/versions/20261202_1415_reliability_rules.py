"""reliability rules: how much a town's scheduler weighs a volunteer's no-shows

Revision ID: r3l1ab1l1ty1
Revises: d0n0rnamed01
Create Date: 2026-12-02 14:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "r3l1ab1l1ty1"
down_revision = "d0n0rnamed01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reliability_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("town", sa.String(length=80), nullable=False),
        sa.Column("no_show_weight", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("no_show_weight BETWEEN 0 AND 100",
                           name=op.f("ck_reliability_rules_weight_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reliability_rules")),
        sa.UniqueConstraint("town", name=op.f("uq_reliability_rules_town")),
    )


def downgrade():
    op.drop_table("reliability_rules")
