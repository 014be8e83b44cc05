"""A database that cannot be reached: 503 with Retry-After, a page in the site's layout and
language (JSON on the API), nothing written, and the next request served once it is back.

The connection is really lost: the server refuses it (nothing listens on the port, or the
SQLite file cannot be opened), or it dies in the middle of a request (PostgreSQL: the
backend ended with pg_terminate_backend; SQLite: the driver's connection closed).
"""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, request
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from app.config import resolve_settings
from app.database import MIGRATIONS_DIR
from app.enums import EventStatus
from app.extensions import db
from app.models import Registration
from app.unavailable import RETRY_AFTER_DOWN
from tests.conftest import temporary_app
from tests.factories import make_event
from tests.live import NO_LIMITS, signup_body

pytestmark = pytest.mark.integration


def _unreachable(database_url: str, tmp_path: Path) -> str:
    """A URL of the same kind as the tests' database where nothing answers."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return f"sqlite:///{tmp_path / 'no-such-folder' / 'linli.db'}"
    with socket.socket() as probe:  # a port nobody listens on: the server is down
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return url.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)


@pytest.fixture
def down(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    with temporary_app(_unreachable(database_url, tmp_path), **NO_LIMITS) as app:
        yield app


def test_pages_answer_503_in_the_sites_layout_and_language(down: Flask) -> None:
    client = down.test_client()
    page = client.get("/events/")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == str(RETRY_AFTER_DOWN)
    body = page.get_data(as_text=True)
    assert "暂时无法连接数据库" in body and 'lang="zh' in body
    assert 'href="/events/"' in body  # the site's layout, with its way back
    # The switch on the page itself works without the database.
    token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    switched = client.post("/language", data={"locale": "en", "next": "/events/",
                                              "csrf_token": token})
    assert switched.status_code == 302
    english = client.get("/events/")
    assert english.status_code == 503
    assert "The database cannot be reached" in english.get_data(as_text=True)


def test_the_api_answers_503_as_a_problem(down: Flask) -> None:
    answer = down.test_client().post("/api/v1/events/1/registrations", json=signup_body(1),
                                     headers={"Accept-Language": "en"})
    assert answer.status_code == 503
    # The rate limiter's headers may name a later time (its window's end), never an earlier.
    assert int(answer.headers["Retry-After"]) >= RETRY_AFTER_DOWN
    assert answer.mimetype == "application/problem+json"
    problem = answer.get_json()
    assert problem["code"] == "unavailable_down"
    assert "cannot be reached" in problem["detail"]


def _kill_backend(engine_url, pid: int) -> None:
    """End a PostgreSQL backend from outside and wait until it has gone."""
    killer = create_engine(engine_url)
    try:
        with killer.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            for _ in range(200):  # the backend leaves the table once it has exited
                alive = connection.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                    {"pid": pid}).scalar()
                if not alive:
                    break
                connection.rollback()
                time.sleep(0.05)
    finally:
        killer.dispose()


def _cut_the_connection_before(app: Flask, path: str) -> None:
    """Before `path` is served, its request's connection is taken from the pool and killed
    from outside, before anything is sent on it."""

    def cut() -> None:
        if request.path != path:
            return
        driver = db.session.connection().connection.driver_connection
        if db.engine.dialect.name != "postgresql":
            driver.close()
            return
        _kill_backend(db.engine.url, driver.info.backend_pid)

    app.before_request(cut)


def test_a_connection_lost_during_a_sign_up_is_503_and_the_next_one_is_served(
    empty_database_url: str,
) -> None:
    with temporary_app(empty_database_url, **NO_LIMITS) as app:
        with app.app_context():
            upgrade(directory=str(MIGRATIONS_DIR))
            event_id = make_event(db.session, capacity=5, status=EventStatus.published).id
            db.session.commit()
        path = f"/api/v1/events/{event_id}/registrations"
        _cut_the_connection_before(app, path)
        client = app.test_client()
        lost = client.post(path, json=signup_body(1))
        assert lost.status_code == 503, lost.get_data(as_text=True)
        assert int(lost.headers["Retry-After"]) >= RETRY_AFTER_DOWN
        assert lost.get_json()["code"] == "unavailable_down"
        app.before_request_funcs[None].pop()  # the database is back
        served = client.post(path, json=signup_body(2))
        assert served.status_code == 201, served.get_data(as_text=True)
        with app.app_context():
            phones = db.session.scalars(
                select(Registration.phone).where(Registration.event_id == event_id)).all()
        assert phones == [signup_body(2)["phone"]]


def test_the_pool_is_sized_from_the_deployment(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setenv("LINLI_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://linli@db/linli")
    monkeypatch.setenv("GUNICORN_THREADS", "6")
    monkeypatch.delenv("LINLI_DB_POOL_SIZE", raising=False)
    options = resolve_settings(tmp_path)["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_size"] == 6 and options["max_overflow"] == 0
    assert "pool_pre_ping" not in options  # idle connections only: test_idle_connection_…
    monkeypatch.setenv("LINLI_DB_POOL_SIZE", "3")
    assert resolve_settings(tmp_path)["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 3


if os.environ.get("TEST_DATABASE_URL"):  # pooled server connections: PostgreSQL only

    @pytest.mark.parametrize("idle_for, status", [(0.0, 200), (1e9, 503)])
    def test_idle_connection_that_died_is_replaced_unseen(
            database_url: str, idle_for: float, status: int) -> None:
        """A pooled connection idle `LINLI_DB_PING_AFTER_IDLE` seconds is tested before use
        and replaced when dead; one in steady use is not tested (and then its death shows,
        which is what the second case proves the first case's ping is for)."""
        with temporary_app(database_url, LINLI_DB_PING_AFTER_IDLE=idle_for) as app:
            client = app.test_client()
            assert client.get("/healthz").status_code == 200
            with app.app_context():
                with db.engine.connect() as connection:  # the one pooled connection
                    pid = connection.connection.driver_connection.info.backend_pid
                _kill_backend(db.engine.url, pid)
            assert client.get("/healthz").status_code == status
            assert client.get("/healthz").status_code == 200  # replaced either way
