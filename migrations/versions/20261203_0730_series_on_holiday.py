"""event series: on_holiday (skip / move / keep) instead of skip_holidays; True becomes skip,
False keep; "move" runs a holiday's occurrence on the next working day

SQLite: batch mode rebuilds `event_series`; `events.series_id` points at it with ON DELETE SET
NULL, which the rebuild does not fire, as migrations run with foreign keys off (env.py).

Revision ID: s3r1e5h0l1d4
Revises: s3r1e5s0urc3
Create Date: 2026-12-03 07:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "s3r1e5h0l1d4"
down_revision = "s3r1e5s0urc3"
branch_labels = None
depends_on = None

CHECK_NAME = "ck_event_series_series_on_holiday"
VALUES = ("skip", "move", "keep")


def upgrade():
    op.add_column("event_series", sa.Column("on_holiday", sa.String(length=12), nullable=True))
    op.execute("UPDATE event_series SET on_holiday ="
               " CASE WHEN skip_holidays THEN 'skip' ELSE 'keep' END")
    with op.batch_alter_table("event_series", schema=None) as batch_op:
        batch_op.alter_column("on_holiday", existing_type=sa.String(length=12), nullable=False)
        batch_op.drop_column("skip_holidays")
        batch_op.create_check_constraint(
            op.f(CHECK_NAME), "on_holiday IN ({})".format(", ".join(f"'{v}'" for v in VALUES)))


def downgrade():
    op.add_column("event_series", sa.Column("skip_holidays", sa.Boolean(), nullable=True))
    # A moved day was not skipped, but the old column has no "move": the nearer of the two.
    op.execute("UPDATE event_series SET skip_holidays = (on_holiday <> 'keep')")
    with op.batch_alter_table("event_series", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHECK_NAME), type_="check")
        batch_op.alter_column("skip_holidays", existing_type=sa.Boolean(), nullable=False)
        batch_op.drop_column("on_holiday")
