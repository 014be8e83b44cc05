"""Courses in the public JSON API (issue 16): the completion rule in the event's shape, and the
"remind me before each session" wish on a course sign-up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import EventKind, EventStatus
from app.models import Event, Registration
from tests.app.api.test_api import body
from tests.factories import make_event, make_slot

pytestmark = pytest.mark.integration


def _course(session: Session, *, lecture_places: int = 0) -> Event:
    course = make_event(session, kind=EventKind.training, status=EventStatus.published,
                        capacity=30, completion_sessions=3)
    for n in range(4):
        start = course.start_at + timedelta(days=7 * n)
        make_slot(session, course, label=f"第{n + 1}期", start_at=start,
                  end_at=start + timedelta(hours=2),
                  capacity=lecture_places if n == 3 else 0)
    session.refresh(course)
    return course


def test_a_course_says_its_completion_rule(client: FlaskClient, db_session: Session) -> None:
    course = _course(db_session)
    ordinary = make_event(db_session, status=EventStatus.published, capacity=5)
    one = client.get(f"/api/v1/events/{course.id}").get_json()
    assert one["course"] == {"completion_sessions": 3, "sessions": 4}
    assert len(one["slots"]) == 4
    assert client.get(f"/api/v1/events/{ordinary.id}").get_json()["course"] is None
    listed = {e["id"]: e for e in client.get("/api/v1/events").get_json()["items"]}
    assert listed[course.id]["course"]["completion_sessions"] == 3


def _stored(session: Session, code: str) -> Registration:
    session.expire_all()
    return session.scalar(select(Registration).where(Registration.reference_code == code))


def test_a_course_sign_up_asks_to_be_reminded(client: FlaskClient, db_session: Session) -> None:
    course = _course(db_session)
    answer = client.post(f"/api/v1/events/{course.id}/registrations",
                         json=body(session_notices=True))
    assert answer.status_code == 201, answer.text
    data = answer.get_json()
    assert data["session_notices"] is True and data["slot_id"] is None
    assert _stored(db_session, data["reference_code"]).session_notices is True
    again = client.get(f"/api/v1/registrations/{data['cancel_token']}").get_json()
    assert again["session_notices"] is True
    quiet = client.post(f"/api/v1/events/{course.id}/registrations",
                        json=body(phone="13900000002", name="王五"))
    assert quiet.get_json()["session_notices"] is False


def test_a_session_only_sign_up_is_not_reminded_of_the_course(
        client: FlaskClient, db_session: Session) -> None:
    course = _course(db_session, lecture_places=10)
    lecture = course.slots[-1]
    answer = client.post(f"/api/v1/events/{course.id}/registrations",
                         json=body(slot_id=lecture.id, session_notices=True))
    assert answer.status_code == 201, answer.text
    assert answer.get_json()["session_notices"] is False


def test_a_wrong_type_is_a_422_problem(client: FlaskClient, db_session: Session) -> None:
    course = _course(db_session)
    answer = client.post(f"/api/v1/events/{course.id}/registrations",
                         json=body(session_notices="perhaps"))
    assert answer.status_code == 422
    assert "session_notices" in answer.get_json()["errors"]


def test_the_openapi_document_describes_courses(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert "session_notices" in schemas["RegistrationIn"]["properties"]
    assert "session_notices" in schemas["Registration"]["properties"]
    assert "course" in schemas["Event"]["properties"]
    assert set(schemas["Course"]["properties"]) == {"completion_sessions", "sessions"}
