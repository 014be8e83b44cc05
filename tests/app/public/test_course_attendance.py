"""Residents' attendance per session: the sheet's code on their phone, a tap on the staff page,
or the reference code they show. A code works for its own event and session only."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AttendanceMethod, EventKind, EventStatus, RegistrationStatus, Role
from app.models import Event, Registration, SessionAttendance
from app.services import courses, links
from tests.factories import PASSWORD, make_event, make_neighbourhood, make_slot, make_user
from tests.helpers import csrf_token_from, login

pytestmark = pytest.mark.integration

TOPICS = ("美容", "营养", "社交礼仪", "插花")


def make_course(session: Session, *, neighbourhood=None, start: datetime | None = None,  # type: ignore[no-untyped-def]
                title: str = "来沪女性素质提升培训(第二期)") -> Event:
    start = start or datetime.now(UTC) + timedelta(days=1)
    course = make_event(session, kind=EventKind.training, status=EventStatus.published,
                        title=title, capacity=50, completion_sessions=3,
                        neighbourhood=neighbourhood or make_neighbourhood(session),
                        start_at=start, end_at=start + timedelta(days=21, hours=2))
    for n, topic in enumerate(TOPICS):
        begins = start + timedelta(days=7 * n)
        make_slot(session, course, label=f"第{n + 1}期 {topic}", start_at=begins,
                  end_at=begins + timedelta(hours=2), capacity=5 if topic == "插花" else 0)
    session.refresh(course)
    return course


def place(session: Session, event: Event, name: str, phone: str, **kw) -> Registration:  # type: ignore[no-untyped-def]
    registration = Registration(event=event, name=name, phone=phone,
                                status=kw.pop("status", RegistrationStatus.confirmed), **kw)
    session.add(registration)
    session.flush()
    return registration


def present(session: Session) -> set[tuple[int, int]]:
    session.expire_all()
    return set(session.execute(select(SessionAttendance.registration_id,
                                      SessionAttendance.slot_key)).tuples())


def english(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["locale"] = "en"


def sheet_url(app, event: Event, slot, opens=None, closes=None) -> str:  # type: ignore[no-untyped-def]
    window = courses.sheet_window(event, slot)
    with app.test_request_context():
        token = links.session_sheet_token(event.id, slot.id if slot else 0,
                                          opens or window[0], closes or window[1])
    return f"/attend/{token}"


def scan_and_type(client: FlaskClient, url: str, code: str):  # type: ignore[no-untyped-def]
    page = client.get(url)
    if page.status_code != 200:
        return page
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(url, data={"code": code, "csrf_token": token})


def test_a_resident_signs_in_by_the_sheets_code_once_per_session(
        app, client: FlaskClient, db_session: Session) -> None:
    english(client)
    start = datetime.now(UTC) + timedelta(minutes=30)  # the first session is about to start
    course = make_course(db_session, start=start)
    wang = place(db_session, course, "王秀英", "13900000001")
    db_session.commit()
    url = sheet_url(app, course, course.slots[0])
    done = scan_and_type(client, url, wang.reference_code.lower())
    assert done.status_code == 200
    html = done.get_data(as_text=True)
    assert "Welcome, 王**: you are signed in." in html and "王秀英" not in html
    again = scan_and_type(client, url, wang.reference_code)
    assert "You had signed in already." in again.get_data(as_text=True)
    assert present(db_session) == {(wang.id, course.slots[0].id)}
    db_session.expire_all()
    assert db_session.get(Registration, wang.id).status == RegistrationStatus.attended
    row = db_session.scalar(select(SessionAttendance))
    assert row.method == AttendanceMethod.sheet_qr and row.recorded_by_id is None


def test_a_code_is_not_replayed_for_another_course_session_or_time(
        app, client: FlaskClient, db_session: Session) -> None:
    english(client)
    start = datetime.now(UTC) + timedelta(minutes=30)
    course = make_course(db_session, start=start)
    other = make_course(db_session, start=start, title="插花兴趣班")
    wang = place(db_session, course, "王秀英", "13900000001")
    elsewhere = place(db_session, other, "李梅", "13900000002")
    lecture_only = place(db_session, course, "赵兰", "13900000003", slot=course.slots[3])
    db_session.commit()
    url = sheet_url(app, course, course.slots[0])
    # Another course's reference code marks nobody here.
    refused = scan_and_type(client, url, elsewhere.reference_code)
    assert refused.status_code == 422 and "No sign-up for this event" in refused.get_data(
        as_text=True)
    # A session-only place is for its own session.
    refused = scan_and_type(client, url, lecture_only.reference_code)
    assert refused.status_code == 409 and "another session" in refused.get_data(as_text=True)
    # The sheet of a session weeks away does not work today; neither does a tampered one.
    later = scan_and_type(client, sheet_url(app, course, course.slots[1]), wang.reference_code)
    assert later.status_code == 409 and "works from" in later.get_data(as_text=True)
    token = url.rsplit("/", 1)[1]
    assert client.get(f"/attend/{token[:-2]}xx").status_code == 404
    # Nothing above was recorded; the genuine code at its session is.
    assert present(db_session) == set()
    assert scan_and_type(client, url, wang.reference_code).status_code == 200
    assert present(db_session) == {(wang.id, course.slots[0].id)}


def test_staff_tap_names_and_type_codes_and_the_sheet_shows_it(
        client: FlaskClient, db_session: Session) -> None:
    english(client)
    here = make_neighbourhood(db_session)
    course = make_course(db_session, neighbourhood=here)
    wang = place(db_session, course, "王秀英", "13900000001")
    li = place(db_session, course, "李梅", "13900000002", party_size=2)
    waiting = place(db_session, course, "周芳", "13900000004",
                    status=RegistrationStatus.waitlisted)
    coordinator = make_user(db_session, Role.coordinator, neighbourhoods=[here])
    db_session.commit()
    login(client, coordinator.username, PASSWORD)
    second = course.slots[1]
    path = f"/staff/events/{course.id}/attendance"
    page = client.get(f"{path}?session={second.id}").get_data(as_text=True)
    assert "王秀英" in page and "李梅" in page and "周芳" not in page
    assert "0 of 3 people present" in page
    token = csrf_token_from(page)

    def post(**data):  # type: ignore[no-untyped-def]
        return client.post(path, data={"csrf_token": token, "session": str(second.id), **data},
                           follow_redirects=True).get_data(as_text=True)

    assert "王秀英 is present." in post(registration=str(wang.id))
    assert "李梅 is present." in post(code=li.reference_code)
    assert "王秀英 was already marked present." in post(registration=str(wang.id))
    assert "is on the waitlist" in post(code=waiting.reference_code)
    assert present(db_session) == {(wang.id, second.id), (li.id, second.id)}
    page = client.get(f"{path}?session={second.id}").get_data(as_text=True)
    assert "3 of 3 people present" in page
    # A wrong tap is taken back.
    assert "no longer marked present" in post(registration=str(li.id), present="0")
    assert present(db_session) == {(wang.id, second.id)}
    db_session.expire_all()
    assert db_session.get(Registration, li.id).status == RegistrationStatus.confirmed
    methods = {r.method for r in db_session.scalars(select(SessionAttendance))}
    assert methods == {AttendanceMethod.staff}
    sheet = client.get(f"/staff/events/{course.id}/sheet").get_data(as_text=True)
    assert "<svg" in sheet and sheet.count("✓") == 1


def test_attendance_pages_are_for_coordinators_in_scope(client: FlaskClient,
                                                       db_session: Session) -> None:
    mine, theirs = make_neighbourhood(db_session), make_neighbourhood(db_session)
    course = make_course(db_session, neighbourhood=theirs)
    wang = place(db_session, course, "王秀英", "13900000001")
    own = make_course(db_session, neighbourhood=mine, title="本居民区课程")
    coordinator = make_user(db_session, Role.coordinator, neighbourhoods=[mine])
    volunteer = make_user(db_session, Role.volunteer)
    db_session.commit()
    path = f"/staff/events/{course.id}/attendance"
    assert client.get(path).status_code == 302  # to the login page
    login(client, volunteer.username, PASSWORD)
    assert client.get(path).status_code == 403
    client.post("/logout", data={})
    other = client.application.test_client()
    login(other, coordinator.username, PASSWORD)
    own_page = other.get(f"/staff/events/{own.id}/attendance")
    assert own_page.status_code == 200 and "本居民区课程" in own_page.get_data(as_text=True)
    token = csrf_token_from(own_page.get_data(as_text=True))
    assert other.get(path).status_code == 404
    response = other.post(path, data={"csrf_token": token, "registration": str(wang.id),
                                      "session": str(course.slots[0].id)})
    assert response.status_code == 404
    response = other.post(path, data={"csrf_token": token, "code": wang.reference_code,
                                      "session": str(course.slots[0].id)})
    assert response.status_code == 404
    assert present(db_session) == set()
    # Without the CSRF token nothing is recorded either.
    assert re.match(r"4\d\d", str(other.post(path, data={"registration": str(wang.id)})
                                  .status_code))
