"""A course is never overbooked either: concurrent sign-ups for the whole course and for its
open lecture, over real HTTP against a real threaded server, each take the same lock."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.enums import RegistrationStatus
from app.extensions import db
from app.models import Event, Registration, Slot
from tests.live import add_event, make_app, post_json, running_server, signup_body

pytestmark = pytest.mark.integration

COURSE_PLACES = 30
LECTURE_PLACES = 5
COURSE_SIGNUPS = 90
LECTURE_SIGNUPS = 20


@pytest.fixture
def live(empty_database_url: str, tmp_path) -> Iterator[tuple[Flask, str]]:  # type: ignore[no-untyped-def]
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = make_app(empty_database_url, TESTING=True, LINLI_MAIL_OUTBOX=str(tmp_path / "outbox"))
    with running_server(app) as base:
        yield app, base
    with app.app_context():
        db.engine.dispose()


def test_concurrent_course_and_lecture_sign_ups_never_overbook(
        live: tuple[Flask, str]) -> None:
    app, base = live
    course_id = add_event(app, capacity=COURSE_PLACES, completion_sessions=3)
    with app.app_context():
        course = db.session.get(Event, course_id)
        slots = [Slot(event=course, label=f"第{n + 1}期",
                      start_at=course.start_at + timedelta(days=7 * n),
                      end_at=course.start_at + timedelta(days=7 * n, hours=2),
                      capacity=LECTURE_PLACES if n == 3 else 0) for n in range(4)]
        db.session.add_all(slots)
        db.session.commit()
        lecture_id = slots[3].id
    url = f"{base}/api/v1/events/{course_id}/registrations"
    bodies = [signup_body(n) for n in range(COURSE_SIGNUPS)] + [
        {**signup_body(1000 + n), "slot_id": lecture_id} for n in range(LECTURE_SIGNUPS)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda body: post_json(url, body), bodies))
    assert {status for status, _ in answers} == {201}, answers[:3]
    with app.app_context():
        rows = db.session.scalars(select(Registration).where(
            Registration.event_id == course_id).order_by(Registration.id)).all()
        whole = [r.status for r in rows if r.slot_id is None]
        lecture = [r.status for r in rows if r.slot_id == lecture_id]
        db.session.expunge_all()
    # Exactly the first arrivals have a place, in each queue; the others wait in order.
    assert whole == [RegistrationStatus.confirmed] * COURSE_PLACES + [
        RegistrationStatus.waitlisted] * (COURSE_SIGNUPS - COURSE_PLACES)
    assert lecture == [RegistrationStatus.confirmed] * LECTURE_PLACES + [
        RegistrationStatus.waitlisted] * (LECTURE_SIGNUPS - LECTURE_PLACES)
