"""A volunteer's answer: a decline frees the seat and the neighbourhood's coordinators hear
of it; a confirmation tells nobody."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, NotificationChannel, NotificationStatus, Role
from app.models import Notification
from app.services.scheduler import seats
from tests import factories

pytestmark = pytest.mark.integration


def _told(session: Session) -> list[Notification]:
    return list(session.scalars(select(Notification).where(
        Notification.template == "scheduler/declined").order_by(Notification.id)))


def test_a_decline_tells_the_coordinators(app: Flask, db_session: Session) -> None:
    event = factories.make_event(db_session)
    volunteer = factories.make_volunteer(db_session, neighbourhood=event.neighbourhood)
    assignment, declined = (factories.make_assignment(
        db_session, factories.make_shift(db_session, event), volunteer,
        status=AssignmentStatus.pending) for _ in range(2))
    with_mail = factories.make_user(db_session, Role.coordinator, email="jh@example.test",
                                    neighbourhoods=[event.neighbourhood])
    without_mail = factories.make_user(db_session, Role.coordinator,
                                       neighbourhoods=[event.neighbourhood])
    factories.make_user(db_session, Role.coordinator, email="elsewhere@example.test",
                        neighbourhoods=[factories.make_neighbourhood(db_session)])
    with app.test_request_context():
        assert seats.respond(db_session, assignment.id, "confirm") == "confirmed"
        assert _told(db_session) == []
        assert seats.respond(db_session, declined.id, "decline") == "declined"
        told = _told(db_session)
    assert [(n.user_id, n.channel) for n in told] == [
        (with_mail.id, NotificationChannel.email),
        (without_mail.id, NotificationChannel.none),
    ]
    assert told[1].status == NotificationStatus.unreachable
    assert volunteer.name in told[0].body and event.title in told[0].subject


def test_a_confirmed_shift_is_not_declined(app: Flask, db_session: Session) -> None:
    """Leaving a confirmed shift is a drop or swap request the coordinator decides: a decline
    (the link in a message) changes nothing and says so."""
    event = factories.make_event(db_session)
    volunteer = factories.make_volunteer(db_session, neighbourhood=event.neighbourhood)
    assignment = factories.make_assignment(db_session, factories.make_shift(db_session, event),
                                           volunteer, status=AssignmentStatus.confirmed)
    factories.make_user(db_session, Role.coordinator, email="jh@example.test",
                        neighbourhoods=[event.neighbourhood])
    sequence = assignment.sequence
    with app.test_request_context():
        assert seats.respond(db_session, assignment.id, "decline") == "confirmed_ask_to_drop"
    db_session.expire_all()
    assert assignment.status == AssignmentStatus.confirmed
    assert assignment.sequence == sequence and assignment.responded_at is None
    assert _told(db_session) == []
