"""Reports: the weights of the five comparisons in the combined rank (one row, equal weights).

Revision ID: r18a0c0e0w01
Revises: p3a1r2i3n4g5
Create Date: 2026-12-02 01:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "r18a0c0e0w01"
down_revision = "p3a1r2i3n4g5"
branch_labels = None
depends_on = None

MEASURES = ("contacts", "breadth", "completeness", "promptness", "solved")


def upgrade():
    op.create_table(
        "comparison_weights",
        sa.Column("id", sa.Integer(), nullable=False),
        *(sa.Column(m, sa.Integer(), nullable=False) for m in MEASURES),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_comparison_weights_single_row")),
        *(sa.CheckConstraint(f"{m} BETWEEN 0 AND 10", name=op.f(f"ck_comparison_weights_{m}_range"))
          for m in MEASURES),
        sa.CheckConstraint(" + ".join(MEASURES) + " > 0",
                           name=op.f("ck_comparison_weights_some_weight")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparison_weights")),
    )
    weights = sa.table("comparison_weights", sa.column("id", sa.Integer()),
                       *(sa.column(m, sa.Integer()) for m in MEASURES),
                       sa.column("created_at", sa.DateTime(timezone=True)),
                       sa.column("updated_at", sa.DateTime(timezone=True)))
    op.execute(weights.insert().values(id=1, **dict.fromkeys(MEASURES, 1),
                                       created_at=sa.func.current_timestamp(),
                                       updated_at=sa.func.current_timestamp()))


def downgrade():
    op.drop_table("comparison_weights")
