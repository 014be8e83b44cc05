"""site inspection counts: a patrol site may need its own number of certified group inspections
per season and per week (a café with past findings more than the others); empty, the season's
counts hold, so every site keeps what it had

Revision ID: s1tec0unt001
Revises: cv1v0tes0001
Create Date: 2026-12-03 18:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "s1tec0unt001"
down_revision = "cv1v0tes0001"
branch_labels = None
depends_on = None

TABLE = "patrol_sites"


def upgrade():
    # Batch mode: SQLite adds a CHECK constraint only by rebuilding the table (it has no
    # triggers to put back).
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.add_column(sa.Column("required_per_season", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("min_per_week", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_patrol_sites_required_non_negative"),
            "required_per_season IS NULL OR required_per_season >= 0")
        batch_op.create_check_constraint(
            op.f("ck_patrol_sites_min_per_week_non_negative"),
            "min_per_week IS NULL OR min_per_week >= 0")


def downgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_patrol_sites_min_per_week_non_negative"),
                                 type_="check")
        batch_op.drop_constraint(op.f("ck_patrol_sites_required_non_negative"),
                                 type_="check")
        batch_op.drop_column("min_per_week")
        batch_op.drop_column("required_per_season")
