"""event_series.on_holiday on data: skip_holidays True becomes "skip", False "keep"; the
database refuses another value; the downgrade gives skip_holidays back ("move", which the old
column cannot say, as True), and events pointing at a series keep it on SQLite's rebuild."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.database import MIGRATIONS_DIR
from app.extensions import db
from tests.conftest import temporary_app
from tests.migrations import revision_before

pytestmark = pytest.mark.integration

REVISION = "s3r1e5h0l1d4"
WHEN = "2026-12-01 08:00:00+00:00"


def _series(conn: sa.Connection, neighbourhood: int, title: str, skip: bool) -> int:
    return conn.execute(sa.text(
        "INSERT INTO event_series (neighbourhood_id, kind, title, is_public, publish,"
        " start_time, duration_minutes, frequency, repeat_interval, weekdays_mask, starts_on,"
        " skip_holidays, on_makeup_days, skipped_days, shift_title, min_volunteers,"
        " max_volunteers, created_at, updated_at) VALUES (:n, 'patrol', :t, :f, :y,"
        " '09:00:00', 90, 'weekly', 1, 1, '2026-11-30', :skip, :f, '[]', '巡查', 1, 1, :w, :w)"
        " RETURNING id"), {"n": neighbourhood, "t": title, "f": False, "y": True,
                           "skip": skip, "w": WHEN}).scalar_one()


def test_skip_holidays_becomes_on_holiday_and_comes_back(empty_database_url: str) -> None:
    with temporary_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=revision_before(REVISION))
        with db.engine.begin() as conn:
            hood = conn.execute(sa.text("INSERT INTO neighbourhoods (town, name) VALUES"
                                        " ('金桥镇', '永业') RETURNING id")).scalar_one()
            skipping = _series(conn, hood, "每周一巡查", True)
            keeping = _series(conn, hood, "每周二巡查", False)
            conn.execute(sa.text(
                "INSERT INTO events (neighbourhood_id, kind, title, start_at, end_at, is_public,"
                " status, waitlist_enabled, max_party_size, created_at, updated_at, series_id,"
                " series_day) VALUES (:n, 'patrol', '每周一巡查', :w, :e, :f, 'published', :f,"
                " 1, :w, :w, :s, '2026-11-30')"),
                {"n": hood, "w": WHEN, "e": "2026-12-01 09:30:00+00:00", "f": False,
                 "s": skipping})

        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        with db.engine.begin() as conn:
            assert dict(conn.execute(sa.text(
                "SELECT id, on_holiday FROM event_series")).tuples().all()) == {
                skipping: "skip", keeping: "keep"}
            assert conn.execute(sa.text("SELECT series_id FROM events")).scalar_one() == skipping
            conn.execute(sa.text("UPDATE event_series SET on_holiday = 'move' WHERE id = :s"),
                         {"s": keeping})
        with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE event_series SET on_holiday = 'sometimes'"))

        downgrade(directory=str(MIGRATIONS_DIR), revision=revision_before(REVISION))
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, skip_holidays FROM event_series")).all()
            assert {i: bool(skip) for i, skip in rows} == {skipping: True, keeping: True}
            assert conn.execute(sa.text("SELECT series_id FROM events")).scalar_one() == skipping
        upgrade(directory=str(MIGRATIONS_DIR))
