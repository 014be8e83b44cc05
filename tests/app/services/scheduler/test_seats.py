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
    shift = factories.make_shift(db_session, event)
    volunteer = factories.make_volunteer(db_session, neighbourhood=event.neighbourhood)
    assignment = factories.make_assignment(db_session, shift, volunteer,
                                           status=AssignmentStatus.pending)
    with_mail = factories.make_user(db_session, Role.coordinator, email="jh@example.test",
                                    neighbourhoods=[event.neighbourhood])
    without_mail = factories.make_user(db_session, Role.coordinator,
                                       neighbourhoods=[event.neighbourhood])
    factories.make_user(db_session, Role.coordinator, email="elsewhere@example.test",
                        neighbourhoods=[factories.make_neighbourhood(db_session)])
    with app.test_request_context():
        assert seats.respond(db_session, assignment.id, "confirm") == "confirmed"
        assert _told(db_session) == []
        assert seats.respond(db_session, assignment.id, "decline") == "declined"
        told = _told(db_session)
    assert [(n.user_id, n.channel) for n in told] == [
        (with_mail.id, NotificationChannel.email),
        (without_mail.id, NotificationChannel.none),
    ]
    assert told[1].status == NotificationStatus.unreachable
    assert volunteer.name in told[0].body and event.title in told[0].subject
