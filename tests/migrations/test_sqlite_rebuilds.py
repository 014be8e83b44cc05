"""Upgrading a database that holds data keeps every row: on SQLite, Alembic's batch mode
rebuilds a table by dropping it, and with foreign keys on, SQLite's DROP TABLE deletes the rows
first and fires ON DELETE CASCADE on the tables that point at it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.database import MIGRATIONS_DIR
from app.extensions import db
from tests.conftest import temporary_app

pytestmark = pytest.mark.integration

#: The parent of the revision that rebuilds `events` (and `households`) in batch mode to add
#: check constraints; `shifts` points at `events` with ON DELETE CASCADE.
BEFORE_EVENTS_REBUILD = "51786bf89449"
WHEN = "2026-12-01 08:00:00+00:00"
LATER = "2026-12-01 10:00:00+00:00"


def test_an_upgrade_through_table_rebuilds_keeps_the_rows_that_point_at_them(
        empty_database_url):
    with temporary_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=BEFORE_EVENTS_REBUILD)
        with db.engine.begin() as conn:
            neighbourhood = conn.execute(sa.text(
                "INSERT INTO neighbourhoods (town, name) VALUES ('金桥镇', '佳虹') RETURNING id"
            )).scalar_one()
            event = conn.execute(sa.text(
                "INSERT INTO events (neighbourhood_id, kind, title, start_at, end_at, is_public,"
                " status, waitlist_enabled, max_party_size, created_at, updated_at) VALUES"
                " (:n, 'service_day', '学雷锋服务日', :a, :b, :t, 'draft', :f, 1, :a, :a)"
                " RETURNING id"), {"n": neighbourhood, "a": WHEN, "b": LATER, "t": True,
                                   "f": False}).scalar_one()
            conn.execute(sa.text(
                "INSERT INTO shifts (event_id, title, start_at, end_at, min_volunteers,"
                " max_volunteers, priority, created_at, updated_at) VALUES"
                " (:e, '量血压', :a, :b, 1, 2, 1, :a, :a)"), {"e": event, "a": WHEN, "b": LATER})

        upgrade(directory=str(MIGRATIONS_DIR))

        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT title FROM shifts")).scalars().all() == ["量血压"]
            assert conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one() == 1
            if db.engine.dialect.name == "sqlite":
                # The connection goes back to the pool with its integrity rules on again.
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
