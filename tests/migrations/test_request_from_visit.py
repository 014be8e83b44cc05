"""The migration that points a request at the visit it was raised on keeps every request and
its history (SQLite rebuilds the table), puts back the reports' triggers, and the link lets go
of a visit that is deleted (SET NULL) without touching the request."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.database import MIGRATIONS_DIR
from app.extensions import db
from tests.conftest import temporary_app
from tests.migrations import revision_before

pytestmark = pytest.mark.integration

REVISION = "rqv1s1tf0rm1"
NOW = "2026-12-01 08:00:00"


def _insert(conn: sa.Connection) -> tuple[int, int]:
    place = conn.execute(sa.text(
        "INSERT INTO neighbourhoods (town, name) VALUES ('金桥镇', '永业') RETURNING id")
    ).scalar_one()
    household = conn.execute(sa.text(
        "INSERT INTO households (neighbourhood_id, address, unit, contact_name, members_count,"
        " created_at, updated_at) VALUES (:n, '永业路1号', '', '王阿婆', 1, :now, :now)"
        " RETURNING id"), {"n": place, "now": NOW}).scalar_one()
    visit = conn.execute(sa.text(
        "INSERT INTO visits (household_id, visited_at, kind, outcome, created_at, updated_at)"
        " VALUES (:h, :now, 'door', 'done', :now, :now) RETURNING id"),
        {"h": household, "now": NOW}).scalar_one()
    request = conn.execute(sa.text(
        "INSERT INTO resident_requests (neighbourhood_id, reference_code, follow_token, "
        "category, channel, status, text, received_at, me_too, household_id, created_at, "
        "updated_at) VALUES (:n, 'QVISIT01', 'token-visit', 'health', 'visit', 'received', "
        "'想请医生量血压', :now, 0, :h, :now, :now) RETURNING id"),
        {"n": place, "h": household, "now": NOW}).scalar_one()
    conn.execute(sa.text(
        "INSERT INTO resident_request_changes (request_id, at, to_status, actor) VALUES"
        " (:r, :now, 'received', '江洁志')"), {"r": request, "now": NOW})
    return visit, request


def _rows(conn: sa.Connection) -> list[tuple]:
    return [tuple(row) for row in conn.execute(sa.text(
        "SELECT r.reference_code, r.household_id IS NOT NULL, c.actor FROM resident_requests r"
        " JOIN resident_request_changes c ON c.request_id = r.id"))]


def test_requests_and_their_history_are_kept_and_a_deleted_visit_lets_go(
        empty_database_url: str) -> None:
    before = revision_before(REVISION)
    kept = [("QVISIT01", True, "江洁志")]
    with temporary_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=before)
        with db.engine.begin() as conn:
            visit, request = _insert(conn)

        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        with db.engine.begin() as conn:
            assert _rows(conn) == kept
            if conn.dialect.name == "sqlite":  # the reports see later writes to the table
                triggers = conn.execute(sa.text(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND"
                    " tbl_name = 'resident_requests' AND name LIKE 'report_data_changed_%'")
                ).scalar_one()
                assert triggers == 3
            conn.execute(sa.text("UPDATE resident_requests SET visit_id = :v WHERE id = :r"),
                         {"v": visit, "r": request})
        with db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM visits WHERE id = :v"), {"v": visit})
        with db.engine.connect() as conn:
            assert conn.execute(sa.text(
                "SELECT visit_id FROM resident_requests WHERE id = :r"), {"r": request}
            ).scalar_one() is None
            assert _rows(conn) == kept

        downgrade(directory=str(MIGRATIONS_DIR), revision=before)
        with db.engine.connect() as conn:
            assert _rows(conn) == kept
        upgrade(directory=str(MIGRATIONS_DIR))
        with db.engine.connect() as conn:
            assert _rows(conn) == kept
