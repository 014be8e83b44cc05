"""holiday calendar: the State Council's days off and make-up working days, 2026 and 2027

Revision ID: h0l1day2026a
Revises: st1llc0m1ng1
Create Date: 2026-12-02 14:10:00

2026 is the notice of 4 November 2025 (国办发明电〔2025〕7号). 2027's notice was not out when
this was written: its rows are the statutory days of the holiday regulations (全国年节及纪念日
放假办法, 2024) on that year's lunar dates, marked unconfirmed, with no make-up days; the town
admin corrects them in the admin when the notice comes out.
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "h0l1day2026a"
down_revision = "st1llc0m1ng1"
branch_labels = None
depends_on = None

_NAMES = {
    "元旦": "New Year's Day", "春节": "Spring Festival", "清明节": "Qingming Festival",
    "劳动节": "Labour Day", "端午节": "Dragon Boat Festival", "中秋节": "Mid-Autumn Festival",
    "国庆节": "National Day",
}

#: (name, kind, first day, last day, confirmed)
SEED = [
    ("元旦", "holiday", date(2026, 1, 1), date(2026, 1, 3), True),
    ("元旦", "workday", date(2026, 1, 4), date(2026, 1, 4), True),
    ("春节", "workday", date(2026, 2, 14), date(2026, 2, 14), True),
    ("春节", "holiday", date(2026, 2, 15), date(2026, 2, 23), True),
    ("春节", "workday", date(2026, 2, 28), date(2026, 2, 28), True),
    ("清明节", "holiday", date(2026, 4, 4), date(2026, 4, 6), True),
    ("劳动节", "holiday", date(2026, 5, 1), date(2026, 5, 5), True),
    ("劳动节", "workday", date(2026, 5, 9), date(2026, 5, 9), True),
    ("端午节", "holiday", date(2026, 6, 19), date(2026, 6, 21), True),
    ("国庆节", "workday", date(2026, 9, 20), date(2026, 9, 20), True),
    ("中秋节", "holiday", date(2026, 9, 25), date(2026, 9, 27), True),
    ("国庆节", "holiday", date(2026, 10, 1), date(2026, 10, 7), True),
    ("国庆节", "workday", date(2026, 10, 10), date(2026, 10, 10), True),
    ("元旦", "holiday", date(2027, 1, 1), date(2027, 1, 1), False),
    ("春节", "holiday", date(2027, 2, 5), date(2027, 2, 8), False),
    ("清明节", "holiday", date(2027, 4, 5), date(2027, 4, 5), False),
    ("劳动节", "holiday", date(2027, 5, 1), date(2027, 5, 2), False),
    ("端午节", "holiday", date(2027, 6, 9), date(2027, 6, 9), False),
    ("中秋节", "holiday", date(2027, 9, 15), date(2027, 9, 15), False),
    ("国庆节", "holiday", date(2027, 10, 1), date(2027, 10, 3), False),
]


def upgrade():
    op.create_table(
        "holiday_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=True),
        sa.Column("kind", sa.Enum("holiday", "workday", name="holiday_kind", native_enum=False,
                                  create_constraint=True, length=15), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("last_day >= first_day",
                           name=op.f("ck_holiday_periods_last_after_first")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holiday_periods")),
    )
    op.create_index("ix_holiday_periods_days", "holiday_periods", ["first_day", "last_day"])
    table = sa.table(
        "holiday_periods", sa.column("name", sa.String), sa.column("name_en", sa.String),
        sa.column("kind", sa.String), sa.column("first_day", sa.Date),
        sa.column("last_day", sa.Date), sa.column("confirmed", sa.Boolean),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)))
    at = datetime(2026, 12, 2, 14, 10, tzinfo=UTC)
    op.bulk_insert(table, [
        {"name": name, "name_en": _NAMES[name], "kind": kind, "first_day": first,
         "last_day": last, "confirmed": confirmed, "created_at": at, "updated_at": at}
        for name, kind, first, last, confirmed in SEED])


def downgrade():
    op.drop_index("ix_holiday_periods_days", table_name="holiday_periods")
    op.drop_table("holiday_periods")
