"""Rate limits (app.ratelimits): a request's budgets in one trip to Redis with Flask-Limiter's
semantics (fixed windows, shortest first, a refusal stops the count), Retry-After only on 429."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from limits.storage import MemoryStorage, RedisStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy.orm import Session

from app.enums import EventStatus
from app.extensions import limiter
from tests.factories import make_event
from tests.helpers import csrf_token

pytestmark = pytest.mark.integration

#: The Redis that deployments keep limits in; CI sets it. Without it the Redis cases are not
#: collected (rather than skipped: under CI=true a skip fails the run).
REDIS_URL = os.environ.get("TEST_HUEY_URL")
STORAGES = ["memory", "redis"] if REDIS_URL else ["memory"]


def sign_up(client: FlaskClient, event_id: int, phone: str) -> Any:
    return client.post(f"/api/v1/events/{event_id}/registrations",
                       json={"name": "张三丰", "phone": phone, "consent": True})


@pytest.fixture(params=STORAGES)
def storage(request: pytest.FixtureRequest, app: Flask,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryStorage | RedisStorage]:
    """The limiter on a storage of the test's own: memory, or the Redis of TEST_HUEY_URL
    (under a key prefix of its own, whose keys are deleted afterwards)."""
    if request.param == "memory":
        chosen: Any = MemoryStorage()
    else:
        chosen = storage_from_string(REDIS_URL)
    prefix = f"test-{secrets.token_hex(4)}"
    monkeypatch.setitem(app.config, "RATELIMIT_KEY_PREFIX", prefix)
    monkeypatch.setattr(limiter, "_storage", chosen)
    monkeypatch.setattr(limiter, "_limiter", FixedWindowRateLimiter(chosen))
    yield chosen
    if isinstance(chosen, RedisStorage):
        connection = chosen.get_connection()
        for key in connection.scan_iter(f"LIMITS:LIMITER/{prefix}/*"):
            connection.delete(key)


def counter(storage: MemoryStorage | RedisStorage, suffix: str) -> int:
    """The value of the one limiter key of this test ending in `suffix`."""
    if isinstance(storage, RedisStorage):
        connection = storage.get_connection()
        keys = list(connection.scan_iter(f"LIMITS:LIMITER/test-*{suffix}"))
        assert len(keys) == 1, keys
        return int(connection.get(keys[0]))
    keys = [key for key in storage.storage if key.endswith(suffix)]
    assert len(keys) == 1, keys
    return storage.storage[keys[0]]


def test_a_refusal_counts_only_up_to_the_window_it_broke(
        app: Flask, client: FlaskClient, db_session: Session,
        storage: MemoryStorage | RedisStorage, monkeypatch: pytest.MonkeyPatch) -> None:
    event = make_event(db_session, capacity=10, status=EventStatus.published)
    monkeypatch.setitem(app.config, "LINLI_SIGNUP_RATE_LIMIT_PHONE", "2/minute;5/day")
    answers = [sign_up(client, event.id, "+86 138 0013 8000") for _ in range(4)]
    assert [a.status_code for a in answers] == [201, 409, 429, 429]
    # The day's window holds the two that got through the minute's, not the refused two.
    assert counter(storage, "signup-phone/2/1/minute") == 4
    assert counter(storage, "signup-phone/5/1/day") == 2
    # The client's budget, checked before the number's within a window, counted all four.
    assert counter(storage, "signup-ip/100000/1/minute") == 4
    for refused in answers[2:]:
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
    for answer in answers[:2]:
        assert "Retry-After" not in answer.headers
        assert not [k for k, _ in answer.headers.items() if k.lower().startswith("x-ratelimit")]
    # Another number from the same client still gets through.
    assert sign_up(client, event.id, "13900000001").status_code == 201


if REDIS_URL:  # a sign-up's trips are Redis's; the memory store has none to count

    @pytest.mark.parametrize("storage", ["redis"], indirect=True)
    def test_a_sign_up_costs_one_trip_to_redis(
            app: Flask, client: FlaskClient, db_session: Session,
            storage: RedisStorage, monkeypatch: pytest.MonkeyPatch) -> None:
        event = make_event(db_session, capacity=10, status=EventStatus.published)
        monkeypatch.setitem(app.config, "LINLI_SIGNUP_RATE_LIMIT_PHONE", "5/minute;20/day")
        monkeypatch.setitem(app.config, "LINLI_SIGNUP_RATE_LIMIT_IP", "30/minute;300/day")
        assert sign_up(client, event.id, "13900000001").status_code == 201  # loads the script
        pool = storage.get_connection().connection_pool
        trips = []
        checkout = pool.get_connection
        monkeypatch.setattr(pool, "get_connection", lambda *a, **k: trips.append(1) or
                            checkout(*a, **k))
        assert sign_up(client, event.id, "13900000002").status_code == 201
        assert len(trips) == 1
        # All four windows were counted in that trip.
        assert counter(storage, "signup-ip/30/1/minute") == 2
        assert counter(storage, "signup-ip/300/1/day") == 2


def test_retry_after_on_a_refused_login_and_nowhere_else(
        app: Flask, client: FlaskClient, db_session: Session,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Flask-Limiter's own check (the login form's), on the suite's memory store.
    monkeypatch.setitem(app.config, "LINLI_LOGIN_RATE_LIMIT_IP", "1/minute")
    token = csrf_token(client)
    first = client.post("/login", data={"username": "nobody", "password": "x",
                                        "csrf_token": token})
    assert first.status_code == 401 and "Retry-After" not in first.headers
    second = client.post("/login", data={"username": "nobody", "password": "x",
                                         "csrf_token": token})
    assert second.status_code == 429
    assert 1 <= int(second.headers["Retry-After"]) <= 60
    assert "Retry-After" not in client.get("/login").headers
