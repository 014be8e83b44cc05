"""request_backfill_deadlines: a deadline for open requests received before deadlines existed

Revision ID: rq5d3adl1n05
Revises: s3r1e5h0l1d4
Create Date: 2026-12-03 08:00:00

Requests received before `request_deadlines` came in have no `due_at`, so they are never
counted overdue however long they wait. Each one still open gets the deadline intake would have
given it: its category's working days on the holiday calendar, from the day after it was
received (local time), due at the end of the last one. The rule is copied from
`app.services.requests.deadlines` (a migration stays as written; the test checks the two
agree). Resolved, explained and merged requests keep no deadline: the figures count them as
they were handled.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from flask import current_app, has_app_context

revision = "rq5d3adl1n05"
down_revision = "s3r1e5h0l1d4"
branch_labels = None
depends_on = None

OPEN = ("received", "handling", "improving", "council")

requests = sa.table(
    "resident_requests", sa.column("id", sa.Integer), sa.column("category", sa.String),
    sa.column("status", sa.String), sa.column("received_at", sa.DateTime(timezone=True)),
    sa.column("due_at", sa.DateTime(timezone=True)))
deadlines = sa.table("request_deadlines", sa.column("category", sa.String),
                     sa.column("working_days", sa.Integer))
holidays = sa.table("holiday_periods", sa.column("kind", sa.String),
                    sa.column("first_day", sa.Date), sa.column("last_day", sa.Date))


def _zone():
    name = current_app.config["LINLI_TIMEZONE"] if has_app_context() else "Asia/Shanghai"
    return ZoneInfo(name)


def _utc(value):
    # SQLite hands back the naive UTC the app stored; PostgreSQL an aware value.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _arranged_days(conn, first, last):
    """{day: kind} for the holiday and worked-weekend days from `first` to `last`."""
    days = {}
    for kind, start, end in conn.execute(
            sa.select(holidays.c.kind, holidays.c.first_day, holidays.c.last_day)
            .where(holidays.c.first_day <= last, holidays.c.last_day >= first)):
        start, end = _as_date(start), _as_date(end)
        day = max(start, first)
        while day <= min(end, last):
            days[day] = kind
            day += timedelta(days=1)
    return days


def _as_date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def _is_working_day(arranged, day):
    kind = arranged.get(day)
    return kind == "workday" if kind is not None else day.weekday() < 5


def upgrade():
    conn = op.get_bind()
    working_days = dict(conn.execute(
        sa.select(deadlines.c.category, deadlines.c.working_days)).all())
    rows = [(id_, category, _utc(received)) for id_, category, received in conn.execute(
        sa.select(requests.c.id, requests.c.category, requests.c.received_at)
        .where(requests.c.due_at.is_(None), requests.c.status.in_(OPEN),
               requests.c.category.in_(list(working_days)))
        .order_by(requests.c.id))]
    if not rows:
        return
    zone = _zone()
    received_days = [received.astimezone(zone).date() for _, _, received in rows]
    # Weekends plus the longest holiday surely hold the longest deadline's working days.
    margin = max(working_days.values()) * 2 + 14
    arranged = _arranged_days(conn, min(received_days),
                              max(received_days) + timedelta(days=margin))
    sqlite = conn.dialect.name == "sqlite"
    for (id_, category, _), day in zip(rows, received_days, strict=True):
        counted = 0
        while counted < working_days[category]:
            day += timedelta(days=1)
            if _is_working_day(arranged, day):
                counted += 1
        due = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
        conn.execute(requests.update().where(requests.c.id == id_).values(
            due_at=due.replace(tzinfo=None) if sqlite else due))


def downgrade():
    # Nothing to undo: which deadlines were back-filled is not known afterwards, and a
    # deadline is valid under the schema before this revision too.
    pass
