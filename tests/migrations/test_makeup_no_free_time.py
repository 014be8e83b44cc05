"""The package-visit reason "no_free_time" on data: after the upgrade the database takes it and
still refuses a reason it does not know, on SQLite without rebuilding the table (the rows and
the make-up's link to the missed visit stay); the downgrade turns it into "availability"."""

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

REVISION = "mk0f4eet1me0"
WHEN = "2026-12-01 08:00:00+00:00"
LATER = "2026-12-01 09:00:00+00:00"


def _visit(conn: Any, neighbourhood: int, left_reason: str | None,
           makeup_of: int | None = None) -> int:
    event = insert_row(conn, "events", neighbourhood_id=neighbourhood, kind="care_visit",
                       title="买菜送米 · 李阿婆", start_at=WHEN, end_at=LATER, is_public=False,
                       status="published", waitlist_enabled=False, max_party_size=1,
                       created_at=WHEN, updated_at=WHEN)
    return insert_row(conn, "package_visits", due_on="2026-12-01", event_id=event,
                      left_reason=left_reason, kept_after_change=False, makeup_of_id=makeup_of,
                      created_at=WHEN, updated_at=WHEN)


def _reasons(conn: Any) -> dict[int, str | None]:
    return dict(conn.execute(sa.text(
        "SELECT id, left_reason FROM package_visits")).tuples().all())


def test_no_free_time_is_taken_and_comes_back_as_availability(
        empty_database_url: str) -> None:
    with temporary_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=revision_before(REVISION))
        with db.engine.begin() as conn:
            neighbourhood = insert_row(conn, "neighbourhoods", town="金桥镇", name="永业")
            missed = _visit(conn, neighbourhood, None)
        with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as conn:
            _visit(conn, neighbourhood, "no_free_time")

        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        with db.engine.begin() as conn:
            makeup = _visit(conn, neighbourhood, "no_free_time", makeup_of=missed)
        with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE package_visits SET left_reason = 'robot' WHERE id = :v"),
                         {"v": missed})
        with db.engine.connect() as conn:
            assert _reasons(conn) == {missed: None, makeup: "no_free_time"}

        downgrade(directory=str(MIGRATIONS_DIR), revision=revision_before(REVISION))
        with db.engine.connect() as conn:
            assert _reasons(conn) == {missed: None, makeup: "availability"}
            assert conn.execute(sa.text(
                "SELECT makeup_of_id FROM package_visits WHERE id = :v"),
                {"v": makeup}).scalar_one() == missed
        with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as conn:
            conn.execute(sa.text(
                "UPDATE package_visits SET left_reason = 'no_free_time' WHERE id = :v"),
                {"v": makeup})
        upgrade(directory=str(MIGRATIONS_DIR))
