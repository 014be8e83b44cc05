"""The photo stage on data: the residents' own photos and the committee's photos of requests
still open become "before", the committee's photos of resolved requests "after"; the database
then refuses any other stage; the downgrade drops the column and keeps the photos."""

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

REVISION = "ph0705t4g3"
WHEN = "2026-12-01 08:00:00+00:00"


def _request(conn: Any, neighbourhood: int, code: str, status: str) -> int:
    return insert_row(
        conn, "resident_requests", neighbourhood_id=neighbourhood, reference_code=code,
        follow_token=f"token-{code}", category="public_facilities", channel="form",
        status=status, text="楼道灯坏了", received_at=WHEN,
        resolved_at=WHEN if status == "resolved" else None,
        created_at=WHEN, updated_at=WHEN)


def _photo(conn: Any, request: int, user: int | None) -> int:
    return insert_row(conn, "resident_request_photos", request_id=request, uploaded_at=WHEN,
                      uploaded_by_id=user, content_type="image/jpeg", width=400, height=300,
                      size=1000, data=b"\xff\xd8")


def _stages(conn: Any) -> dict[int, str]:
    return dict(conn.execute(sa.text(
        "SELECT id, stage FROM resident_request_photos")).tuples().all())


def test_existing_photos_get_their_stage_and_no_other_is_taken(
        empty_database_url: str) -> None:
    with temporary_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=revision_before(REVISION))
        with db.engine.begin() as conn:
            neighbourhood = insert_row(conn, "neighbourhoods", town="金桥镇", name="佳虹")
            coordinator = insert_row(conn, "users", username="coordinator", display_name="协调员",
                                     password_hash="x", role="coordinator", active=True,
                                     session_version=1, failed_logins=0,
                                     created_at=WHEN, updated_at=WHEN)
            open_request = _request(conn, neighbourhood, "QOPEN001", "improving")
            resolved = _request(conn, neighbourhood, "QDONE001", "resolved")
            residents_own = _photo(conn, resolved, None)
            committees_open = _photo(conn, open_request, coordinator)
            committees_result = _photo(conn, resolved, coordinator)

        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        with db.engine.connect() as conn:
            assert _stages(conn) == {residents_own: "before", committees_open: "before",
                                     committees_result: "after"}
        with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE resident_request_photos SET stage = 'during'"))

        downgrade(directory=str(MIGRATIONS_DIR), revision=revision_before(REVISION))
        with db.engine.connect() as conn:
            assert conn.execute(sa.text(
                "SELECT count(*) FROM resident_request_photos")).scalar_one() == 3
            columns = {c["name"] for c in sa.inspect(conn).get_columns("resident_request_photos")}
            assert "stage" not in columns
