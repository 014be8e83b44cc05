"""Edits in the admin that change published work tell the people on it, and say how many
messages went out by which channel (`app.services.scheduler.changes`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.enums import AssignmentStatus, EventStatus, NotificationChannel, NotificationStatus
from app.i18n import to_local
from app.models import Notification
from tests.admin.conftest import as_text, quick_login

pytestmark = pytest.mark.integration

LOCAL = "%Y-%m-%d %H:%M:%S"


def _messages(db_session, template: str) -> list[Notification]:
    db_session.expire_all()
    return list(db_session.scalars(
        select(Notification).where(Notification.template == template).order_by(Notification.id)))


def test_moving_a_published_shift_tells_the_volunteer(app, client, db_session, world) -> None:
    rows = world.jiahong.rows
    shift, assignment, volunteer = rows["shift"], rows["assignment"], rows["volunteer"]
    assignment.status = AssignmentStatus.confirmed
    volunteer.email = "jiahong-v@example.test"
    db_session.flush()
    sequence = assignment.sequence
    token = quick_login(client, world.users["coordinator"])
    with app.app_context():
        start = to_local(shift.start_at + timedelta(minutes=30))
        end = to_local(shift.end_at + timedelta(minutes=30))
    response = client.post(f"/admin/shift/edit/?id={shift.id}", data={
        "csrf_token": token, "title": shift.title, "event": str(shift.event_id),
        "start_at": start.strftime(LOCAL), "end_at": end.strftime(LOCAL),
        "skill": str(shift.skill_id), "team": str(shift.team_id), "min_volunteers": "1",
        "max_volunteers": "1", "priority": "1",
    }, follow_redirects=True)
    page = as_text(response)
    assert response.status_code == 200, page
    assert "电子邮件 1 封" in page
    (message,) = _messages(db_session, "scheduler/changed")
    assert (message.channel, message.status) == (NotificationChannel.email,
                                                 NotificationStatus.sent)
    assert message.volunteer_id == volunteer.id and message.event_id == shift.event_id
    assert start.strftime("%H:%M") in message.body
    db_session.refresh(assignment)
    assert assignment.sequence > sequence and assignment.status == AssignmentStatus.confirmed


def test_an_edit_that_moves_nothing_tells_nobody(app, client, db_session, world) -> None:
    shift = world.jiahong.rows["shift"]
    world.jiahong.rows["assignment"].status = AssignmentStatus.confirmed
    db_session.flush()
    token = quick_login(client, world.users["coordinator"])
    with app.app_context():
        start, end = to_local(shift.start_at), to_local(shift.end_at)
    response = client.post(f"/admin/shift/edit/?id={shift.id}", data={
        "csrf_token": token, "title": "改个名字", "event": str(shift.event_id),
        "start_at": start.strftime(LOCAL), "end_at": end.strftime(LOCAL),
        "skill": str(shift.skill_id), "team": str(shift.team_id), "min_volunteers": "1",
        "max_volunteers": "1", "priority": "1",
    })
    assert response.status_code == 302, as_text(response)
    assert _messages(db_session, "scheduler/changed") == []


def test_calling_an_event_off_tells_volunteers_and_residents(app, client, db_session,
                                                             world) -> None:
    rows = world.jiahong.rows
    event, assignment, registration = rows["event"], rows["assignment"], rows["registration"]
    assignment.status = AssignmentStatus.pending
    event.status = EventStatus.published
    db_session.flush()
    token = quick_login(client, world.users["coordinator"])
    with app.app_context():
        start, end = to_local(event.start_at), to_local(event.end_at)
    response = client.post(f"/admin/event/edit/?id={event.id}", data={
        "csrf_token": token, "title": event.title, "kind": event.kind.value,
        "neighbourhood": str(event.neighbourhood_id), "start_at": start.strftime(LOCAL),
        "end_at": end.strftime(LOCAL), "status": "cancelled", "place": event.place,
        "max_party_size": "1", "is_public": "y", "waitlist_enabled": "y",
    }, follow_redirects=True)
    page = as_text(response)
    assert response.status_code == 200, page
    db_session.refresh(event)
    db_session.refresh(assignment)
    assert event.status == EventStatus.cancelled and event.cancelled_at is not None
    assert assignment.status == AssignmentStatus.cancelled
    (to_volunteer,) = _messages(db_session, "scheduler/event_cancelled")
    (to_resident,) = _messages(db_session, "signup/event_cancelled")
    assert to_volunteer.volunteer_id == assignment.volunteer_id
    assert to_volunteer.channel == NotificationChannel.sms  # the volunteer has no e-mail
    assert (to_resident.registration_id, to_resident.channel) == (registration.id,
                                                                   NotificationChannel.sms)
    assert "短信 2 条" in page
