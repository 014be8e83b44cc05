"""hours_months: the service-hours ledger summed per volunteer and month, back-filled

Revision ID: h0ur5m0nth01
Revises: d3adl1n3s001
Create Date: 2026-12-02 19:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "h0ur5m0nth01"
down_revision = "d3adl1n3s001"
branch_labels = None
depends_on = None

#: The month's first day of a service day, as each engine spells it (SQLite keeps dates as
#: ISO text).
_MONTH = {"postgresql": "CAST(date_trunc('month', service_on) AS date)",
          "sqlite": "date(service_on, 'start of month')"}


def upgrade():
    op.create_table(
        "hours_months",
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("shifts", sa.Integer(), nullable=False),
        sa.Column("corrected_minutes", sa.Integer(), nullable=False),
        sa.CheckConstraint("shifts >= 0", name=op.f("ck_hours_months_shifts_non_negative")),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteers.id"],
                                name=op.f("fk_hours_months_volunteer_id_volunteers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("volunteer_id", "month", name=op.f("pk_hours_months")),
    )
    op.create_index("ix_hours_months_month", "hours_months", ["month"], unique=False)
    month = _MONTH[op.get_bind().dialect.name]
    # The ledger as it stands, summed the way each new entry adds itself from now on.
    op.execute(
        "INSERT INTO hours_months (volunteer_id, month, minutes, shifts, corrected_minutes) "
        f"SELECT volunteer_id, {month}, sum(minutes), "
        "sum(CASE WHEN kind = 'attendance' THEN 1 ELSE 0 END), "
        "sum(CASE WHEN kind = 'correction' THEN minutes ELSE 0 END) "
        f"FROM hours_entries GROUP BY volunteer_id, {month}")


def downgrade():
    op.drop_index("ix_hours_months_month", table_name="hours_months")
    op.drop_table("hours_months")
