"""Never overbooked: 200 concurrent sign-ups over real HTTP against a real threaded server,
on a database of its own (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.enums import RegistrationStatus
from app.extensions import db
from app.models import Registration
from tests.live import add_event, make_app, post_json, running_server, signup_body

pytestmark = pytest.mark.integration

SIGNUPS = 200
CAPACITY = 30
CLIENT_THREADS = 16


@pytest.fixture
def live(empty_database_url: str, tmp_path) -> Iterator[tuple[Flask, str]]:  # type: ignore[no-untyped-def]
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = make_app(empty_database_url, TESTING=True, LINLI_MAIL_OUTBOX=str(tmp_path / "outbox"))
    with running_server(app) as base:
        yield app, base
    with app.app_context():
        db.engine.dispose()


def rows(app: Flask, event_id: int) -> list[Registration]:
    with app.app_context():
        found = db.session.scalars(
            select(Registration).where(Registration.event_id == event_id)
            .order_by(Registration.id)
        ).all()
        db.session.expunge_all()
        return list(found)


def test_concurrent_sign_ups_never_overbook_and_keep_arrival_order(
    live: tuple[Flask, str],
) -> None:
    app, base = live
    event_id = add_event(app, capacity=CAPACITY)
    url = f"{base}/api/v1/events/{event_id}/registrations"
    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        answers = list(pool.map(lambda n: post_json(url, signup_body(n)), range(SIGNUPS)))
    assert [status for status, _ in answers] == [201] * SIGNUPS, answers[:3]

    registered = rows(app, event_id)
    assert len(registered) == SIGNUPS
    assert len({r.phone for r in registered}) == SIGNUPS
    assert len({r.reference_code for r in registered}) == SIGNUPS
    statuses = [r.status for r in registered]
    # Exactly the first 30 arrivals (id order = lock order) have a place, the rest wait.
    assert statuses == [RegistrationStatus.confirmed] * CAPACITY + [
        RegistrationStatus.waitlisted] * (SIGNUPS - CAPACITY)
    # Each answer's waitlist position is its rank by arrival: 1..170 without gaps.
    by_code = {body["reference_code"]: body for _, body in answers}
    positions = [by_code[r.reference_code]["waitlist_position"] for r in registered]
    assert positions == [None] * CAPACITY + list(range(1, SIGNUPS - CAPACITY + 1))

    # Two cancellations of the same place race: the first in line is promoted exactly once.
    first = registered[0].cancel_token
    barrier = threading.Barrier(2)

    def cancel(token: str) -> tuple[int, dict[str, Any]]:
        barrier.wait()
        return post_json(f"{base}/api/v1/registrations/{token}/cancel", {})

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(cancel, [first, first]))
    assert [status for status, _ in results] == [200, 200]
    after = rows(app, event_id)
    assert after[0].status == RegistrationStatus.cancelled
    assert after[CAPACITY].status == RegistrationStatus.confirmed
    assert after[CAPACITY].promoted_at is not None
    assert after[CAPACITY + 1].status == RegistrationStatus.waitlisted
    assert sum(r.status == RegistrationStatus.confirmed for r in after) == CAPACITY

    # Two different cancellations race: the next two in line are promoted, in order.
    barrier = threading.Barrier(2)
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(cancel, [after[1].cancel_token, after[2].cancel_token]))
    final = rows(app, event_id)
    assert sum(r.status == RegistrationStatus.confirmed for r in final) == CAPACITY
    assert [r.status for r in final[CAPACITY:CAPACITY + 4]] == [
        RegistrationStatus.confirmed] * 3 + [RegistrationStatus.waitlisted]
    status, body = post_json(
        f"{base}/api/v1/events/{event_id}/registrations", signup_body(SIGNUPS + 1))
    assert status == 201 and body["waitlist_position"] == SIGNUPS - CAPACITY - 3 + 1


def test_concurrent_html_sign_ups_with_the_same_number_create_one(
    live: tuple[Flask, str],
) -> None:
    """Forms (with CSRF) racing with the same mobile number: one place, the rest refused."""
    import http.cookiejar
    import re
    import urllib.parse
    import urllib.request

    app, base = live
    event_id = add_event(app, capacity=5)

    def attempt(n: int) -> int:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = opener.open(f"{base}/events/{event_id}").read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({
            "csrf_token": token, "name": f"居民{n}", "phone": "138 0013 8000",
            "consent": "y", "party_size": "1"}).encode()
        try:
            return opener.open(f"{base}/events/{event_id}/signup", data=data).status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(attempt, range(8)))
    assert statuses.count(200) == 1 and statuses.count(409) == 7, statuses
    assert len(rows(app, event_id)) == 1


def test_slot_sign_ups_racing_with_cancellations_never_overbook(live: tuple[Flask, str]) -> None:
    """Sign-ups for two slots, then cancellations (each promoting the first in line) racing
    with more sign-ups for the same slot: each slot ends with exactly its places taken."""
    from app.models import Event, Slot

    app, base = live
    event_id = add_event(app, capacity=None)
    with app.app_context():
        event = db.session.get(Event, event_id)
        slots = [Slot(event=event, label=label, start_at=event.start_at, capacity=10,
                      end_at=event.start_at + (event.end_at - event.start_at) / 2)
                 for label in ("上午", "下午")]
        db.session.add_all(slots)
        db.session.commit()
        slot_ids = [slot.id for slot in slots]
    url = f"{base}/api/v1/events/{event_id}/registrations"

    def sign_up(n: int) -> tuple[int, dict[str, Any]]:
        return post_json(url, {**signup_body(n), "slot_id": slot_ids[n % 2]})

    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        answers = list(pool.map(sign_up, range(60)))
    assert [status for status, _ in answers] == [201] * 60
    for slot_id in slot_ids:
        held = [r for r in rows(app, event_id) if r.slot_id == slot_id]
        assert [r.status for r in held] == [RegistrationStatus.confirmed] * 10 + [
            RegistrationStatus.waitlisted] * 20

    first_slot = [r for r in rows(app, event_id) if r.slot_id == slot_ids[0]]
    cancels = [f"{base}/api/v1/registrations/{r.cancel_token}/cancel" for r in first_slot[:5]]
    work = [("cancel", u) for u in cancels] + [("sign-up", n) for n in range(100, 140, 2)]

    def run(item: tuple[str, Any]) -> int:
        kind, arg = item
        return post_json(arg, {})[0] if kind == "cancel" else sign_up(arg)[0]

    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        assert set(pool.map(run, work)) == {200, 201}
    held = [r for r in rows(app, event_id) if r.slot_id == slot_ids[0]]
    statuses = [r.status for r in held]
    assert statuses.count(RegistrationStatus.confirmed) == 10
    assert statuses.count(RegistrationStatus.cancelled) == 5
    # The freed places went to the first five in line, not to a newcomer.
    assert [r.status for r in held[10:15]] == [RegistrationStatus.confirmed] * 5
    assert statuses.count(RegistrationStatus.waitlisted) == 15 + 20
