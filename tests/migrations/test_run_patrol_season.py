"""A rota run's season moves from its JSON parameters into the `patrol_season_id` column (a
season gone leaves it empty), and back on downgrade; other runs are left as they were."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.database import MIGRATIONS_DIR
from app.extensions import db
from tests.conftest import temporary_app
from tests.migrations import revision_before

pytestmark = pytest.mark.integration

REVISION = "r0tase4s0n01"
WHEN = "2026-12-01 08:00:00+00:00"


def _run(conn, status: str, parameters: str) -> int:
    return conn.execute(sa.text(
        "INSERT INTO schedule_runs (status, scope, parameters, progress, metrics, created_at,"
        " updated_at) VALUES (:s, '{}', :p, 0, '{}', :w, :w) RETURNING id"),
        {"s": status, "p": parameters, "w": WHEN}).scalar_one()


def _season(conn) -> int:
    return conn.execute(sa.text(
        "INSERT INTO patrol_seasons (town, name, starts_on, ends_on, required_per_site,"
        " min_per_week) VALUES ('月浦镇', '暑期', '2027-07-01', '2027-08-31', 16, 1)"
        " RETURNING id")).scalar_one()


def _json(value: Any) -> Any:
    """A JSON column as read by raw SQL: text on SQLite, decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def _rows(conn) -> list[tuple]:
    return [(r[0], r[1], _json(r[2])) for r in conn.execute(sa.text(
        "SELECT id, patrol_season_id, parameters FROM schedule_runs ORDER BY id"))]


def test_the_season_moves_into_its_column_and_back(empty_database_url: str) -> None:
    previous = revision_before(REVISION)
    with temporary_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=previous)
        with db.engine.begin() as conn:
            season = _season(conn)
            live = _run(conn, "succeeded",
                        f'{{"patrol_season": {season}, "kind": "patrol_rota", "seconds": 8.0}}')
            gone = _run(conn, "discarded",
                        '{"patrol_season": 999, "kind": "patrol_rota"}')
            other = _run(conn, "succeeded", '{"seconds": 10.0, "workers": 2}')
        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        with db.engine.begin() as conn:
            assert _rows(conn) == [(live, season, {"kind": "patrol_rota", "seconds": 8.0}),
                                   (gone, None, {"kind": "patrol_rota"}),
                                   (other, None, {"seconds": 10.0, "workers": 2})]
            # The index is there: a second live rota of the season is refused.
            with pytest.raises(sa.exc.IntegrityError), conn.begin_nested():
                conn.execute(sa.text(
                    "UPDATE schedule_runs SET status = 'queued', patrol_season_id = :s"
                    " WHERE id = :id"), {"s": season, "id": other})
        downgrade(directory=str(MIGRATIONS_DIR), revision=previous)
        with db.engine.begin() as conn:
            params = {run_id: value for run_id, value in conn.execute(sa.text(
                "SELECT id, parameters FROM schedule_runs ORDER BY id"))}
            assert _json(params[live]) == {"kind": "patrol_rota", "seconds": 8.0,
                                           "patrol_season": season}
        upgrade(directory=str(MIGRATIONS_DIR))
        db.engine.dispose()


def test_two_live_rotas_of_a_season_stop_the_upgrade_saying_which(
        empty_database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    previous = revision_before(REVISION)
    with temporary_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=previous)
        with db.engine.begin() as conn:
            season = _season(conn)
            ids = [_run(conn, status, f'{{"patrol_season": {season}, "kind": "patrol_rota"}}')
                   for status in ("published", "queued")]
        with pytest.raises(SystemExit):  # Flask-Migrate's answer to the migration's error
            upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        assert f"(season: run ids): {{{season}: [{ids[0]}, {ids[1]}]}}" in caplog.text
        db.engine.dispose()
