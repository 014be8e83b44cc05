"""The back-fill migration gives open requests without a deadline the one intake would have
given them (working days on the holiday calendar from the local day after receipt), leaves
handled requests and existing deadlines alone, and agrees with the service's rule."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy.orm import Session

from app.database import MIGRATIONS_DIR
from app.enums import RequestCategory
from app.extensions import db
from app.services.requests import deadlines
from tests.conftest import temporary_app
from tests.migrations import revision_before

pytestmark = pytest.mark.integration

REVISION = "rq5d3adl1n05"
NOW = "2026-12-01 08:00:00+00:00"
ZONE = ZoneInfo("Asia/Shanghai")
SET_BEFORE = datetime(2026, 12, 20, 16, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


#: code: (category, status, received (UTC), due_at before, due_at expected after)
ROWS = {
    # Friday 10:00 in Shanghai, two working days: Monday and Tuesday, due at Tuesday's end.
    "FRI-SAFETY": ("safety", "received", utc(2026, 11, 27, 2), None, utc(2026, 12, 1, 16)),
    # The National Day week does not count and its worked Saturday (10 October) does.
    "NATIONAL-DAY": ("environment", "handling", utc(2026, 9, 30, 2), None,
                     utc(2026, 10, 13, 16)),
    # 00:30 on Friday in Shanghai is still Thursday in UTC: counted from the local day.
    "LOCAL-DAY": ("property_repair", "council", utc(2026, 11, 26, 16, 30), None,
                  utc(2026, 12, 4, 16)),
    "IMPROVING": ("health", "improving", utc(2026, 11, 2, 2), None, utc(2026, 11, 16, 16)),
    # A deadline already set is kept.
    "HAS-ONE": ("safety", "handling", utc(2026, 11, 27, 2), SET_BEFORE, SET_BEFORE),
    # Handled ones are counted as they were handled: no deadline afterwards.
    "RESOLVED": ("safety", "resolved", utc(2026, 11, 27, 2), None, None),
    "EXPLAINED": ("safety", "explained", utc(2026, 11, 27, 2), None, None),
    # A category whose deadline row the town admin removed has none.
    "NO-ROW": ("other", "received", utc(2026, 11, 27, 2), None, None),
}


def _insert(conn: sa.Connection) -> None:
    place = conn.execute(sa.text(
        "INSERT INTO neighbourhoods (town, name) VALUES ('金桥镇', '佳虹') RETURNING id")
    ).scalar_one()
    conn.execute(sa.text("DELETE FROM request_deadlines WHERE category = 'other'"))
    sqlite = conn.dialect.name == "sqlite"
    for code, (category, status, received, due, _) in ROWS.items():
        conn.execute(sa.text(
            "INSERT INTO resident_requests (neighbourhood_id, reference_code, follow_token, "
            "category, channel, status, text, received_at, due_at, resolved_at, me_too, "
            "created_at, updated_at) VALUES (:n, :code, :token, :category, 'form', :status, "
            "'路灯坏了', :received, :due, :resolved, 0, :now, :now)"),
            {"n": place, "code": code[:12], "token": f"token-{code}", "category": category,
             "status": status, "now": NOW,
             "received": _stored(received, sqlite), "due": _stored(due, sqlite),
             "resolved": _stored(received, sqlite) if status == "resolved" else None})


def _stored(value: datetime | None, sqlite: bool) -> datetime | None:
    # As the app stores it (`UTCDateTime`): naive UTC on SQLite.
    return value.replace(tzinfo=None) if value is not None and sqlite else value


REQUESTS = sa.table("resident_requests", sa.column("reference_code", sa.String),
                    sa.column("due_at", sa.DateTime(timezone=True)))


def _due(conn: sa.Connection) -> dict[str, datetime | None]:
    return {code: None if due is None else (
        due.replace(tzinfo=UTC) if due.tzinfo is None else due.astimezone(UTC))
        for code, due in conn.execute(sa.select(REQUESTS.c.reference_code,
                                                REQUESTS.c.due_at))}


def test_open_requests_get_the_deadline_intake_would_have_given(
        empty_database_url: str) -> None:
    before = revision_before(REVISION)
    expected = {code[:12]: row[4] for code, row in ROWS.items()}
    with temporary_app(empty_database_url) as app, app.app_context():
        assert app.config["LINLI_TIMEZONE"] == "Asia/Shanghai"
        upgrade(directory=str(MIGRATIONS_DIR), revision=before)
        with db.engine.begin() as conn:
            _insert(conn)
            assert set(_due(conn).values()) == {None, SET_BEFORE}

        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        with db.engine.connect() as conn:
            assert _due(conn) == expected

        # Down and up again changes nothing: the deadlines stay as they were set.
        downgrade(directory=str(MIGRATIONS_DIR), revision=before)
        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        with db.engine.connect() as conn:
            assert _due(conn) == expected

        # The copied rule agrees with the service intake uses.
        upgrade(directory=str(MIGRATIONS_DIR))
        with Session(db.engine) as session:
            for code, (category, _, received, due, after) in ROWS.items():
                if due is None and after is not None:
                    assert deadlines.due_at(session, RequestCategory(category), received,
                                            ZONE) == after, code
