"""Changes to published work reach people: a whole event day moved at once."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, EventStatus
from app.models import Assignment, Availability, Event, Notification
from app.services.scheduler import changes
from tests import factories
from tests.app.scheduling.builders import ZONE, build_town

pytestmark = pytest.mark.integration


def _templates(session: Session) -> list[tuple[str, int | None, int | None]]:
    return [(n.template, n.volunteer_id, n.registration_id) for n in session.scalars(
        select(Notification).order_by(Notification.id))]


def test_moving_an_event_day(app: Flask, db_session: Session) -> None:
    with app.test_request_context():
        town = build_town(db_session, volunteers=3, stations=1, slots=(10,), seats=2, skills=1)
        event, shift = town.events[0], town.shifts[0]
        event.status = EventStatus.published
        stays, leaves, spare = town.volunteers
        for v in town.volunteers:
            v.skills = [town.skills[0]]
        day = shift.start_at.astimezone(ZONE).date()
        # `leaves` can only come on the original weekday; `spare` is free any day.
        leaves.availabilities = [Availability(weekday=day.weekday(), start_time=time(8),
                                              end_time=time(20))]
        db_session.add_all([
            Assignment(shift=shift, volunteer=stays, status=AssignmentStatus.confirmed),
            Assignment(shift=shift, volunteer=leaves, status=AssignmentStatus.confirmed),
        ])
        slot = factories.make_slot(db_session, event, start_at=shift.start_at,
                                   end_at=shift.start_at + timedelta(minutes=20))
        resident = factories.make_registration(db_session, event, slot=slot)
        db_session.flush()
        old_start, old_slot = shift.start_at, slot.start_at

        report = changes.reschedule_event(db_session, event, event.start_at + timedelta(days=1))

        assert shift.start_at == old_start + timedelta(days=1)
        assert slot.start_at == old_slot + timedelta(days=1)
        status = {a.volunteer_id: a.status for a in shift.assignments}
        assert status[stays.id] == AssignmentStatus.confirmed
        assert status[leaves.id] == AssignmentStatus.cancelled
        assert status[spare.id] == AssignmentStatus.pending  # the seat, filled again
        assert [a.volunteer_id for a in report.released] == [leaves.id]
        assert [a.volunteer_id for a in report.refilled] == [spare.id]
        told = _templates(db_session)
        assert ("scheduler/moved_released", leaves.id, None) in told
        assert ("scheduler/changed", stays.id, None) in told
        assert ("scheduler/publish", spare.id, None) in told
        assert ("signup/event_moved", None, resident.id) in told
        # She is asked to say "still coming" for the new time, on her own sign-up page.
        assert resident.moved_at is not None and resident.still_coming_at is None
        [moved] = [n for n in db_session.scalars(select(Notification)) if
                   n.template == "signup/event_moved"]
        assert f"/r/{resident.cancel_token}" in moved.body
        assert f"/r/{resident.cancel_token}/cancel" not in moved.body


def test_moving_by_nothing_changes_nothing(app: Flask, db_session: Session) -> None:
    with app.test_request_context():
        town = build_town(db_session, volunteers=1, stations=1, slots=(10,), skills=1)
        event = town.events[0]
        report = changes.reschedule_event(db_session, event, event.start_at)
    assert report.notifications == [] and report.released == []


def test_a_failure_midway_changes_nothing(app: Flask, db_session: Session) -> None:
    """The database refuses the last write of a reschedule (the residents' messages, written
    after the shifts moved, a volunteer was released and the seat filled again): the event,
    its shifts and slots, the assignments and the messages are all as they were."""
    with app.test_request_context():
        town = build_town(db_session, volunteers=3, stations=1, slots=(10,), seats=2, skills=1)
        event, shift = town.events[0], town.shifts[0]
        event.status = EventStatus.published
        stays, leaves, _spare = town.volunteers
        for v in town.volunteers:
            v.skills = [town.skills[0]]
        day = shift.start_at.astimezone(ZONE).date()
        leaves.availabilities = [Availability(weekday=day.weekday(), start_time=time(8),
                                              end_time=time(20))]
        db_session.add_all([
            Assignment(shift=shift, volunteer=stays, status=AssignmentStatus.confirmed),
            Assignment(shift=shift, volunteer=leaves, status=AssignmentStatus.confirmed),
        ])
        slot = factories.make_slot(db_session, event, start_at=shift.start_at,
                                   end_at=shift.start_at + timedelta(minutes=20))
        factories.make_registration(db_session, event, slot=slot)
        db_session.commit()
        before = _state(db_session, event.id)
        # A real refusal by the database (as a full disk or a lost connection would be),
        # on the very last kind of row the reschedule writes.
        db_session.execute(text(
            "CREATE TRIGGER refuse_moved_notice BEFORE INSERT ON notifications "
            "FOR EACH ROW WHEN (NEW.template = 'signup/event_moved') "
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            if db_session.get_bind().dialect.name == "sqlite" else
            "CREATE FUNCTION refuse_moved_notice() RETURNS trigger AS $$ BEGIN "
            "IF NEW.template = 'signup/event_moved' THEN RAISE EXCEPTION 'disk full'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql; "
            "CREATE TRIGGER refuse_moved_notice BEFORE INSERT ON notifications "
            "FOR EACH ROW EXECUTE FUNCTION refuse_moved_notice()"))
        with pytest.raises(DBAPIError):
            changes.reschedule_event(db_session, event, event.start_at + timedelta(days=1))
        # Undone by the reschedule itself (its savepoint), before any caller rolls back.
        assert _state(db_session, event.id) == before
        db_session.rollback()  # what the command or request that called it does
        assert _state(db_session, event.id) == before


def _state(session: Session, event_id: int) -> dict[str, object]:
    session.expire_all()
    event = session.get(Event, event_id)
    assert event is not None
    return {
        "event": (event.start_at, event.end_at, event.sequence),
        "shifts": [(s.start_at, s.end_at, s.sequence) for s in event.shifts],
        "slots": [(s.start_at, s.end_at) for s in event.slots],
        "assignments": sorted((a.volunteer_id, a.status, a.sequence)
                              for s in event.shifts for a in s.assignments),
        "notifications": session.scalar(select(func.count(Notification.id))),
    }
