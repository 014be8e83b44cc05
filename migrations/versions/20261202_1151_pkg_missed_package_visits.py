"""Missed package visits: when a visit was escalated, and the make-up visit of a missed one.

Revision ID: pkg5m1s5e2d1
Revises: n0t1f7c1d2e3
Create Date: 2026-12-02 11:51:00

"""
import sqlalchemy as sa
from alembic import op

revision = "pkg5m1s5e2d1"
down_revision = "n0t1f7c1d2e3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("package_visits") as batch:
        batch.add_column(sa.Column("missed_alerted_at", sa.DateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column("makeup_of_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_package_visits_makeup_of_id_package_visits"),
                                 "package_visits", ["makeup_of_id"], ["id"],
                                 ondelete="SET NULL")
        batch.create_unique_constraint(op.f("uq_package_visits_makeup_of_id"),
                                       ["makeup_of_id"])


def downgrade():
    with op.batch_alter_table("package_visits") as batch:
        batch.drop_constraint(op.f("uq_package_visits_makeup_of_id"), type_="unique")
        batch.drop_constraint(op.f("fk_package_visits_makeup_of_id_package_visits"),
                              type_="foreignkey")
        batch.drop_column("makeup_of_id")
        batch.drop_column("missed_alerted_at")
