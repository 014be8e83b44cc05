"""A course: one sign-up for all its sessions, session-only places for open lectures, and a
sign-in sheet that counts people."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.enums import EventKind, EventStatus, RegistrationStatus
from app.models import Event
from app.services import courses, signup
from app.services.signup import Applicant, SignupError
from tests.factories import make_event, make_slot

pytestmark = pytest.mark.integration


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


def make_course(session: Session, *, sessions: int = 4, capacity: int = 2,
                completion: int = 3, lecture_places: int = 0, **kw) -> Event:  # type: ignore[no-untyped-def]
    course = make_event(session, kind=EventKind.training, status=EventStatus.published,
                        capacity=capacity, completion_sessions=completion, **kw)
    for n in range(sessions):
        start = course.start_at + timedelta(days=7 * n)
        make_slot(session, course, label=f"第{n + 1}期", start_at=start,
                  end_at=start + timedelta(hours=2),
                  capacity=lecture_places if n == sessions - 1 else 0)
    session.refresh(course)
    return course


def person(n: int, **kw) -> Applicant:  # type: ignore[no-untyped-def]
    return Applicant(name=f"学员{n}", phone=f"1370000{n:04d}", consent=True, **kw)


def test_one_sign_up_for_the_whole_course_with_capacity_and_waitlist(
        db_session: Session, ctx) -> None:
    course = make_course(db_session, capacity=2)
    results = [signup.register(db_session, course.id, person(n, session_notices=True))
               for n in range(3)]
    assert [r.registration.status for r in results] == [
        RegistrationStatus.confirmed, RegistrationStatus.confirmed, RegistrationStatus.waitlisted]
    assert all(r.registration.slot_id is None for r in results)
    assert len({r.registration.reference_code for r in results}) == 3
    assert all(r.registration.session_notices for r in results)
    with pytest.raises(SignupError) as again:
        signup.register(db_session, course.id, person(0))
    assert again.value.code == "duplicate"
    # Cancelling a place gives it to the first in line, as for any event.
    promoted = signup.cancel(db_session, results[0].registration.cancel_token).promoted
    assert promoted == [results[2].registration]


def test_a_session_without_places_of_its_own_takes_course_participants_only(
        db_session: Session, ctx) -> None:
    course = make_course(db_session)
    with pytest.raises(SignupError) as refused:
        signup.register(db_session, course.id, person(1), slot_id=course.slots[0].id)
    assert refused.value.code == "closed" and refused.value.field == "slot"
    assert "请报名整个课程" in str(refused.value.message)


def test_an_open_lecture_takes_session_only_sign_ups_but_not_from_participants(
        db_session: Session, ctx) -> None:
    course = make_course(db_session, lecture_places=5)
    lecture = course.slots[-1]
    signup.register(db_session, course.id, person(1))
    with pytest.raises(SignupError) as twice:
        signup.register(db_session, course.id, person(1), slot_id=lecture.id)
    assert twice.value.code == "duplicate"
    only = signup.register(db_session, course.id, person(2, session_notices=True),
                           slot_id=lecture.id).registration
    assert only.status == RegistrationStatus.confirmed and only.slot_id == lecture.id
    # Notices before each session are for the course's participants.
    assert only.session_notices is False


def test_the_sheet_lists_participants_at_every_session_and_counts_people(
        db_session: Session, ctx) -> None:
    course = make_course(db_session, capacity=10, lecture_places=5)
    for n in range(3):
        signup.register(db_session, course.id, person(n))
    signup.register(db_session, course.id, person(7), slot_id=course.slots[-1].id)
    sheet = courses.sign_in_sheet(db_session, course)
    assert [s.slot for s in sheet.sections] == course.slots
    assert [s.people for s in sheet.sections] == [3, 3, 3, 4]
    assert sheet.people == 4 and sheet.registrations == 4


def test_the_sheet_counts_a_resident_with_several_slots_once(db_session: Session, ctx) -> None:
    """Meilong's first round: four alternative 50-place slots, one woman in all four."""
    event = make_event(db_session, kind=EventKind.training, status=EventStatus.published)
    slots = [make_slot(db_session, event, capacity=50) for _ in range(4)]
    db_session.refresh(event)
    for slot in slots:
        signup.register(db_session, event.id, person(1), slot_id=slot.id)
    signup.register(db_session, event.id, person(2, party_size=1), slot_id=slots[0].id)
    sheet = courses.sign_in_sheet(db_session, event)
    assert sheet.registrations == 5
    assert sheet.people == 2
    assert [s.people for s in sheet.sections] == [2, 1, 1, 1]


def test_the_database_refuses_a_course_without_places(db_session: Session) -> None:
    with pytest.raises(IntegrityError):
        make_event(db_session, completion_sessions=3, capacity=None)
    db_session.rollback()
    with pytest.raises(IntegrityError):
        make_event(db_session, completion_sessions=0, capacity=10)


def test_whole_event_places_beside_slots_are_marked_at_the_event(db_session: Session,
                                                                ctx) -> None:
    """A service day with places for the whole morning and haircut slots: a whole-event place
    is present at the event, not at a slot; a course has no "event itself" to be present at."""
    from app.enums import AttendanceMethod

    event = make_event(db_session, status=EventStatus.published, capacity=10)
    haircut = make_slot(db_session, event, capacity=2)
    db_session.refresh(event)
    morning = signup.register(db_session, event.id, person(1)).registration
    assert courses.session_of(event, 0) is None
    marked = courses.mark_present(db_session, event, morning, None,
                                  method=AttendanceMethod.staff)
    assert marked.newly
    with pytest.raises(courses.AttendanceRefused):
        courses.mark_present(db_session, event, morning, haircut, method=AttendanceMethod.staff)
    with pytest.raises(courses.AttendanceRefused):
        courses.session_of(make_course(db_session), 0)
    assert [s.present for s in courses.sign_in_sheet(db_session, event).sections] == [1, 0]
