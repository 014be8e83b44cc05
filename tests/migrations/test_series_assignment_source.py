"""The assignment source "series" on data: the seats a series made (its regular volunteer's,
on its occurrences, stored as "manual" until now) become "series", every other seat keeps its
source; the database then takes "series" and still refuses an unknown source; on SQLite the
table is not rebuilt (rows pointing at assignments stay); the downgrade gives "manual" back."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.database import MIGRATIONS_DIR
from app.extensions import db
from tests.conftest import temporary_app
from tests.migrations import insert_row, revision_before

pytestmark = pytest.mark.integration

REVISION = "s3r1e5s0urc3"
WHEN = "2026-12-01 08:00:00+00:00"
LATER = "2026-12-01 10:00:00+00:00"


def _volunteer(conn: Any, name: str, neighbourhood: int) -> int:
    return insert_row(conn, "volunteers", name=name, neighbourhood_id=neighbourhood,
                      max_minutes_per_week=600, max_shifts_per_week=3, is_party_member=False,
                      is_dual_registered=False, locale="zh_CN", feed_token=f"tok-{name}",
                      active=True, created_at=WHEN, updated_at=WHEN, name_sort=name)


def _shift(conn: Any, neighbourhood: int, series: int | None, day: str) -> int:
    event = insert_row(conn, "events", neighbourhood_id=neighbourhood, kind="patrol",
                       title="小区巡查", start_at=WHEN, end_at=LATER, is_public=False,
                       status="published", waitlist_enabled=False, max_party_size=1,
                       created_at=WHEN, updated_at=WHEN, series_id=series,
                       series_day=day if series else None)
    return insert_row(conn, "shifts", event_id=event, title="巡查", start_at=WHEN, end_at=LATER,
                      min_volunteers=1, max_volunteers=3, priority=1, created_at=WHEN,
                      updated_at=WHEN)


def _seat(conn: Any, shift: int, volunteer: int, source: str) -> int:
    return insert_row(conn, "assignments", shift_id=shift, volunteer_id=volunteer,
                      status="pending", source=source, pinned=True, sequence=0, created_at=WHEN,
                      updated_at=WHEN)


def _before(conn: Any) -> dict[str, int]:
    ids: dict[str, int] = {}
    neighbourhood = insert_row(conn, "neighbourhoods", town="金桥镇", name="永业")
    for name in ("江洁志", "王", "李"):
        ids[name] = _volunteer(conn, name, neighbourhood)
    series = insert_row(conn, "event_series", neighbourhood_id=neighbourhood, kind="patrol",
                        title="小区巡查", is_public=False, publish=True, start_time="09:00:00",
                        duration_minutes=120, frequency="weekly", repeat_interval=1,
                        weekdays_mask=1, starts_on="2026-11-30", skip_holidays=True,
                        on_makeup_days=False, skipped_days="[]", shift_title="巡查",
                        min_volunteers=1, max_volunteers=3, volunteer_id=ids["江洁志"],
                        created_at=WHEN, updated_at=WHEN)
    occurrence = _shift(conn, neighbourhood, series, "2026-11-30")
    one_off = _shift(conn, neighbourhood, None, "")
    ids["series_made"] = _seat(conn, occurrence, ids["江洁志"], "manual")
    ids["coordinators"] = _seat(conn, occurrence, ids["王"], "manual")
    ids["volunteers_own"] = _seat(conn, occurrence, ids["李"], "self")
    ids["not_a_series"] = _seat(conn, one_off, ids["江洁志"], "manual")
    ids["scheduler"] = _seat(conn, one_off, ids["王"], "solver")
    # A row pointing at an assignment with ON DELETE CASCADE: a rebuild would delete it.
    insert_row(conn, "attendances", assignment_id=ids["series_made"], status="present",
               late_minutes=0, early_leave_minutes=0, credited_minutes=120, created_at=WHEN,
               updated_at=WHEN)
    return ids


def _sources(conn: Any) -> dict[int, str]:
    return dict(conn.execute(sa.text("SELECT id, source FROM assignments")).tuples().all())


def test_series_made_seats_become_series_and_come_back(empty_database_url: str) -> None:
    with temporary_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=revision_before(REVISION))
        with db.engine.begin() as conn:
            ids = _before(conn)

        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        with db.engine.connect() as conn:
            assert _sources(conn) == {
                ids["series_made"]: "series", ids["coordinators"]: "manual",
                ids["volunteers_own"]: "self", ids["not_a_series"]: "manual",
                ids["scheduler"]: "solver"}
            assert conn.execute(sa.text("SELECT count(*) FROM attendances")).scalar_one() == 1
        # The database takes the new source and still refuses one it does not know.
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE assignments SET source = 'series' WHERE id = :a"),
                         {"a": ids["coordinators"]})
        with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE assignments SET source = 'robot' WHERE id = :a"),
                         {"a": ids["scheduler"]})

        downgrade(directory=str(MIGRATIONS_DIR), revision=revision_before(REVISION))
        with db.engine.connect() as conn:
            assert set(_sources(conn).values()) == {"manual", "self", "solver"}
        with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE assignments SET source = 'series' WHERE id = :a"),
                         {"a": ids["scheduler"]})
        upgrade(directory=str(MIGRATIONS_DIR))
