"""SQLite with a background writer: a user's request waits for another connection's write
transaction (within the busy timeout) instead of failing with "database is locked", and a
lock held too long is a 503 with Retry-After and a message, never a 500 (issue 10).

The database is a SQLite file of its own, whatever TEST_DATABASE_URL says: this is about
SQLite's single write lock. The writer is a real second connection in another thread.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade

from app.database import MIGRATIONS_DIR
from app.enums import Role
from app.extensions import db
from tests.conftest import make_test_app
from tests.factories import PASSWORD, make_neighbourhood, make_user
from tests.helpers import csrf_token

pytestmark = pytest.mark.integration

BUSY_TIMEOUT_MS = 3000


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[tuple[Flask, Path]]:
    path = tmp_path / "locks.db"
    app = make_test_app(f"sqlite:///{path}", SQLITE_BUSY_TIMEOUT_MS=BUSY_TIMEOUT_MS)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        make_user(db.session, Role.coordinator, username="busy-coordinator",
                  neighbourhoods=[make_neighbourhood(db.session)])
        db.session.commit()
    yield app, path
    with app.app_context():
        db.engine.dispose()


class Writer(threading.Thread):
    """A background job: one write transaction held for `seconds`, like a scheduler run
    writing its results."""

    def __init__(self, path: Path, seconds: float) -> None:
        super().__init__(daemon=True)
        self.path, self.seconds = path, seconds
        self.holding = threading.Event()
        self.released_at = 0.0

    def run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("UPDATE users SET display_name = display_name")
            connection.execute("INSERT INTO skills (code, name_zh, name_en, active) "
                               "VALUES ('job', '后台任务', 'Job', 1)")
            self.holding.set()
            time.sleep(self.seconds)
            connection.execute("COMMIT")
            self.released_at = time.monotonic()
        finally:
            connection.close()


def _login_while_writing(app: Flask, path: Path, seconds: float):  # type: ignore[no-untyped-def]
    client = app.test_client()
    token = csrf_token(client, "/login")
    writer = Writer(path, seconds)
    writer.start()
    assert writer.holding.wait(10)
    response = client.post("/login", data={"username": "busy-coordinator",
                                           "password": PASSWORD, "csrf_token": token})
    answered_at = time.monotonic()
    writer.join(30)
    return response, writer, answered_at


def test_login_waits_for_a_background_write_and_succeeds(sqlite_app) -> None:
    app, path = sqlite_app
    response, writer, answered_at = _login_while_writing(app, path, seconds=1.0)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert answered_at >= writer.released_at  # it waited for the lock, then wrote
    with app.app_context():
        from app.models import User

        user = db.session.scalars(db.select(User).filter_by(username="busy-coordinator")).one()
        assert user.last_login_at is not None


def test_lock_held_too_long_is_a_503_with_retry_after(sqlite_app) -> None:
    app, path = sqlite_app
    response, _writer, _ = _login_while_writing(
        app, path, seconds=BUSY_TIMEOUT_MS / 1000 + 2)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "系统正忙" in response.get_data(as_text=True)
    # Once the writer is done, the same login works.
    client = app.test_client()
    again = client.post("/login", data={"username": "busy-coordinator", "password": PASSWORD,
                                        "csrf_token": csrf_token(client, "/login")})
    assert again.status_code == 302


def test_api_sign_up_busy_answer_carries_retry_after(sqlite_app) -> None:
    app, path = sqlite_app
    with app.app_context():
        from app.enums import EventStatus
        from tests.factories import make_event

        event = make_event(db.session, capacity=5, status=EventStatus.published)
        db.session.commit()
        event_id = event.id
    client = app.test_client()
    writer = Writer(path, BUSY_TIMEOUT_MS / 1000 + 2)
    writer.start()
    assert writer.holding.wait(10)
    response = client.post(f"/api/v1/events/{event_id}/registrations", json={
        "name": "王五", "phone": "13900000002", "consent": True, "party_size": 1})
    writer.join(30)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json()["status"] == 503
