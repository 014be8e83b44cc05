"""hours rules: a town's rounding step and per-shift cap for credited service hours

Revision ID: h0125a1e5103
Revises: c0a5ec3e7102
Create Date: 2026-12-02 11:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "h0125a1e5103"
down_revision = "c0a5ec3e7102"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hours_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("town", sa.String(length=80), nullable=False),
        sa.Column("step_minutes", sa.Integer(), nullable=False),
        sa.Column(
            "rounding",
            sa.Enum("down", "nearest", "up", name="hours_rounding",
                    native_enum=False, create_constraint=True, length=15),
            nullable=False,
        ),
        sa.Column("max_minutes_per_shift", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("step_minutes IN (1, 5, 10, 15, 30, 60)",
                           name=op.f("ck_hours_rules_step_allowed")),
        sa.CheckConstraint("max_minutes_per_shift IS NULL OR max_minutes_per_shift BETWEEN 1 AND "
                           "10080", name=op.f("ck_hours_rules_cap_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours_rules")),
        sa.UniqueConstraint("town", name=op.f("uq_hours_rules_town")),
    )


def downgrade():
    op.drop_table("hours_rules")
