"""Day-before reminders exactly once; done / missed care visits and the overdue-households
list. (Care visits are generated from service packages: tests/app/services/packages.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from sqlalchemy import select

from app.enums import (
    AssignmentStatus,
    EventKind,
    EventStatus,
    HouseholdCategory,
    VisitKind,
    VisitOutcome,
)
from app.extensions import db
from app.models import (
    Assignment,
    Event,
    Shift,
    Visit,
    VisitPolicy,
)
from app.services import care_visits
from app.tasks.scheduler import send_reminders
from tests import factories
from tests.app.scheduling.builders import ZONE, local
from tests.app.scheduling.conftest import outbox

pytestmark = pytest.mark.integration


def test_reminder_task_run_twice_sends_one_mail_each(live, live_dir) -> None:
    tomorrow = datetime.now(ZONE).date() + timedelta(days=1)
    skill = factories.make_skill(db.session)
    volunteer = factories.make_volunteer(db.session, email="remind-me@example.test",
                                         skills=[skill])
    event = factories.make_event(db.session, start_at=local(tomorrow, 23),
                                 end_at=local(tomorrow, 23, 30), title="明日巡查")
    shift = factories.make_shift(db.session, event)
    later = factories.make_event(db.session, start_at=local(tomorrow + timedelta(days=3), 9),
                                 end_at=local(tomorrow + timedelta(days=3), 10))
    confirmed = factories.make_assignment(db.session, shift, volunteer,
                                          status=AssignmentStatus.confirmed)
    pending = factories.make_assignment(db.session, shift,
                                        factories.make_volunteer(db.session, email="p@x.test"),
                                        status=AssignmentStatus.pending)
    not_yet = factories.make_assignment(db.session, factories.make_shift(db.session, later),
                                        volunteer, status=AssignmentStatus.confirmed)
    called_off = factories.make_event(db.session, start_at=local(tomorrow, 9),
                                      end_at=local(tomorrow, 10), status=EventStatus.cancelled)
    of_cancelled = factories.make_assignment(
        db.session, factories.make_shift(db.session, called_off),
        factories.make_volunteer(db.session, email="c@x.test"), status=AssignmentStatus.confirmed)
    db.session.commit()
    before = len(outbox(live_dir))

    assert send_reminders.call_local() >= 2
    assert send_reminders.call_local() == 0

    mails = [p.read_bytes() for p in outbox(live_dir)[before:]]
    (reminded,) = [m for m in mails if b"remind-me@example.test" in m]
    # Confirmed: to drop or swap it on their page, under the shift, not the answer link.
    body = message_from_bytes(reminded, policy=default_policy).get_body(
        preferencelist=("plain",)).get_content()
    assert "/respond/a/" not in body
    assert "/portal/?t=" in body and f"#assignment-{confirmed.id}" in body
    # Still unanswered: reminded too, and asked to answer.
    (unanswered,) = [m for m in mails if b"p@x.test" in m]
    body = message_from_bytes(unanswered, policy=default_policy).get_body(
        preferencelist=("plain",)).get_content()
    assert body.count("/respond/a/") == 1
    assert not [m for m in mails if b"c@x.test" in m]  # the event was called off
    db.session.rollback()
    assert db.session.get(Assignment, confirmed.id).reminded_at is not None
    assert db.session.get(Assignment, pending.id).reminded_at is not None
    assert db.session.get(Assignment, not_yet.id).reminded_at is None
    assert db.session.get(Assignment, of_cancelled.id).reminded_at is None


def test_missed_visit_makes_the_household_overdue(db_session) -> None:
    policy = db_session.scalar(select(VisitPolicy).where(
        VisitPolicy.category == HouseholdCategory.living_alone))
    if policy is None:
        db_session.add(VisitPolicy(category=HouseholdCategory.living_alone, interval_days=7))
    household = factories.make_household(db_session, categories=[HouseholdCategory.living_alone])
    volunteer = factories.make_volunteer(db_session)
    when = datetime.now(UTC) - timedelta(days=2)
    event = Event(neighbourhood_id=household.neighbourhood_id, kind=EventKind.care_visit,
                  title="探访", start_at=when, end_at=when + timedelta(hours=1),
                  household=household, is_public=False)
    event.shifts.append(Shift(title="探访", start_at=when, end_at=when + timedelta(hours=1)))
    db_session.add(event)
    db_session.flush()
    factories.make_assignment(db_session, event.shifts[0], volunteer,
                              status=AssignmentStatus.confirmed)
    db_session.flush()

    visit = care_visits.mark_visit(db_session, event, VisitOutcome.missed)
    assert visit.volunteer_id == volunteer.id
    overdue = care_visits.overdue_households(
        db_session, neighbourhood_ids=frozenset({household.neighbourhood_id}))
    assert [(o.household.id, o.reason) for o in overdue] == [(household.id, "missed")]

    # Marking it done after all: the same visit row, and the household is no longer overdue.
    again = care_visits.mark_visit(db_session, event, VisitOutcome.done)
    assert again.id == visit.id
    assert care_visits.overdue_households(
        db_session, neighbourhood_ids=frozenset({household.neighbourhood_id})) == []


def test_a_care_visit_is_marked_missed_only_once_its_time_has_passed(app, db_session) -> None:
    household = factories.make_household(db_session)
    start = datetime.now(UTC) + timedelta(hours=2)
    event = Event(neighbourhood_id=household.neighbourhood_id, kind=EventKind.care_visit,
                  title="探访", start_at=start, end_at=start + timedelta(hours=1),
                  household=household, is_public=False)
    db_session.add(event)
    db_session.flush()
    with app.test_request_context(), pytest.raises(care_visits.CareVisitError,
                                                   match="时间过后"):
        care_visits.mark_visit(db_session, event, VisitOutcome.missed)
    assert db_session.scalars(select(Visit).where(Visit.event_id == event.id)).all() == []
    later = care_visits.mark_visit(db_session, event, VisitOutcome.missed,
                                   now=start + timedelta(hours=1, minutes=1))
    assert later.outcome == VisitOutcome.missed


def test_households_with_missed_care_visits_in_a_row(db_session) -> None:
    """A: missed, not at home (2 in a row: flagged). B: missed, done (the latest reached
    them). C: one miss only. D: done then missed twice, in another neighbourhood."""
    a, b, c = (factories.make_household(db_session) for _ in range(3))
    d = factories.make_household(db_session)
    base = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)

    def visits(household, *outcomes):
        for i, outcome in enumerate(outcomes):
            db_session.add(Visit(household=household, kind=VisitKind.care_package,
                                 outcome=outcome, visited_at=base + timedelta(days=7 * i)))

    visits(a, VisitOutcome.done, VisitOutcome.missed, VisitOutcome.not_at_home)
    visits(b, VisitOutcome.missed, VisitOutcome.done)
    visits(c, VisitOutcome.missed)
    visits(d, VisitOutcome.done, VisitOutcome.missed, VisitOutcome.refused)
    db_session.add(Visit(household=b, kind=VisitKind.door, outcome=VisitOutcome.missed,
                         visited_at=base + timedelta(days=30)))  # not a care visit
    db_session.flush()
    assert care_visits.missed_in_a_row(db_session) == sorted([a.id, d.id])
    assert care_visits.missed_in_a_row(
        db_session, neighbourhood_ids=frozenset({a.neighbourhood_id})) == [a.id]
    assert care_visits.missed_in_a_row(db_session, k=1) == sorted([a.id, c.id, d.id])
