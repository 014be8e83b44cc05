"""A course on the residents' phone pages and the staff's sign-in sheet, over HTTP."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import EventKind, EventStatus, RegistrationStatus, Role
from app.models import Event, Registration
from tests.app.conftest import signup_form
from tests.factories import PASSWORD, make_event, make_neighbourhood, make_slot, make_user
from tests.helpers import csrf_token_from, login

pytestmark = pytest.mark.integration

TOPICS = ("美容", "营养", "社交礼仪", "插花")


def make_course(session: Session, *, lecture_places: int = 0, **kw) -> Event:  # type: ignore[no-untyped-def]
    course = make_event(session, kind=EventKind.training, status=EventStatus.published,
                        title="来沪女性素质提升培训(第二期)", capacity=200,
                        completion_sessions=3, **kw)
    for n, topic in enumerate(TOPICS):
        start = course.start_at + timedelta(days=7 * n)
        make_slot(session, course, label=f"第{n + 1}期 {topic}", start_at=start,
                  end_at=start + timedelta(hours=2),
                  capacity=lecture_places if topic == "插花" else 0)
    session.refresh(course)
    return course


def english(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["locale"] = "en"


def sign_up(client: FlaskClient, event_id: int, **fields):  # type: ignore[no-untyped-def]
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    data = {**signup_form(**fields), "csrf_token": csrf_token_from(page)}
    return client.post(f"/events/{event_id}/signup", data=data)


def test_course_page_in_chinese_and_english(client: FlaskClient, db_session: Session) -> None:
    course = make_course(db_session, lecture_places=30)
    html = client.get(f"/events/{course.id}").get_data(as_text=True)
    assert all(topic in html for topic in TOPICS)
    assert "报名一次即参加全部 4 期课程" in html and "至少出席 3 期" in html
    assert "整个课程（共 4 期）" in html and "每期开课前提醒我" in html
    # Only the open lecture is offered on its own; the other sessions come with the course.
    assert f'value="{course.slots[3].id}"' in html
    assert f'value="{course.slots[0].id}"' not in html
    english(client)
    html = client.get(f"/events/{course.id}").get_data(as_text=True)
    assert "One sign-up for all 4 sessions" in html and "at least 3 of them" in html
    assert "The whole course (4 sessions)" in html and "Remind me before each session" in html


def test_one_phone_sign_up_gives_one_code_for_all_sessions(client: FlaskClient,
                                                           db_session: Session) -> None:
    english(client)
    course = make_course(db_session)
    response = sign_up(client, course.id, session_notices="y")
    assert response.status_code == 303
    [registration] = db_session.scalars(select(Registration)).all()
    assert registration.slot_id is None and registration.session_notices
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "All 4 sessions of the course" in page and registration.reference_code in page
    assert all(topic in page for topic in TOPICS)
    assert "Attended 0 of 4 sessions" in page
    # A session of the course is not booked apart, even by a hand-made form.
    refused = sign_up(client, course.id, phone="13800138001", slot=str(course.slots[0].id))
    assert refused.status_code == 409
    assert "for the course's participants only" in refused.get_data(as_text=True)
    assert len(db_session.scalars(select(Registration)).all()) == 1


def test_the_staff_sheet_counts_people_not_sign_ups(client: FlaskClient,
                                                    db_session: Session) -> None:
    here = make_neighbourhood(db_session)
    event = make_event(db_session, neighbourhood=here, kind=EventKind.training,
                       status=EventStatus.published)
    slots = [make_slot(db_session, event, label=f"第{n}期", capacity=50) for n in range(1, 5)]
    for slot in slots:  # the first round: one woman, four sign-ups
        db_session.add(Registration(event=event, slot=slot, name="王女士", phone="13900000001",
                                    status=RegistrationStatus.confirmed))
    coordinator = make_user(db_session, Role.coordinator, neighbourhoods=[here])
    db_session.commit()
    login(client, coordinator.username, PASSWORD)
    english(client)
    sheet = client.get(f"/staff/events/{event.id}/sheet").get_data(as_text=True)
    assert re.search(r'class="people-total">1 person confirmed<', sheet)
    assert sheet.count("王女士") == 4
