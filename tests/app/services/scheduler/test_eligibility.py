"""One seat by the engine's rules: the minimum gap, drafts and weekly caps count the same for a
hand assignment's warnings, a re-fill's candidates and a run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus
from app.models import Assignment, Event, Shift
from app.services.scheduler import eligibility
from tests import factories
from tests.app.scheduling.builders import ZONE, build_town, local

pytestmark = pytest.mark.integration


def _other_event_shift(session: Session, town, start, hours: float = 1.0) -> Shift:
    event = Event(neighbourhood=town.neighbourhood, kind="service_day", title="另一活动",
                  start_at=start, end_at=start + timedelta(hours=hours))
    shift = Shift(event=event, title="值班", start_at=start,
                  end_at=start + timedelta(hours=hours), skill=town.shifts[0].skill)
    session.add_all([event, shift])
    session.flush()
    return shift


@pytest.fixture
def town(app: Flask, db_session: Session):
    with app.test_request_context():
        yield build_town(db_session, volunteers=3, stations=1, slots=(10,), skills=1)


def _ids(volunteers) -> set[int]:
    return {v.id for v in volunteers}


def test_the_minimum_gap_keeps_a_volunteer_out(town, db_session: Session) -> None:
    shift = town.shifts[0]  # 10:00–12:00
    busy = town.volunteers[0]
    day = shift.start_at.astimezone(ZONE).date()
    before = _other_event_shift(db_session, town, local(day, 8, 30))  # ends 09:30
    factories.make_assignment(db_session, before, busy, status=AssignmentStatus.confirmed)
    free = eligibility.eligible_free_volunteers(db_session, shift, ZONE)
    assert busy.id in _ids(free)  # 30 minutes apart is enough without a gap
    gapped = eligibility.eligible_free_volunteers(db_session, shift, ZONE, min_gap_minutes=45)
    assert busy.id not in _ids(gapped)
    breaks = dict(eligibility.rule_breaks(db_session, shift, busy, ZONE, min_gap_minutes=45))
    assert breaks == {"overlap": [before.id]}
    assert eligibility.rule_breaks(db_session, shift, busy, ZONE) == []


def test_a_draft_makes_a_volunteer_busy(town, db_session: Session) -> None:
    shift = town.shifts[0]
    drafted = town.volunteers[1]
    day = shift.start_at.astimezone(ZONE).date()
    same_time = _other_event_shift(db_session, town, local(day, 11))
    factories.make_assignment(db_session, same_time, drafted, status=AssignmentStatus.proposed)
    assert drafted.id not in _ids(eligibility.eligible_free_volunteers(db_session, shift, ZONE))
    assert [code for code, _ in eligibility.rule_breaks(db_session, shift, drafted, ZONE)] == [
        "overlap"]


def test_weekly_cap_skill_and_exclusion(town, db_session: Session) -> None:
    shift = town.shifts[0]
    capped, unskilled, declined = town.volunteers
    capped.max_shifts_per_week = 1
    day = shift.start_at.astimezone(ZONE).date()
    other_day = day + timedelta(days=1) if day.weekday() < 6 else day - timedelta(days=1)
    elsewhere = _other_event_shift(db_session, town, local(other_day, 9))
    factories.make_assignment(db_session, elsewhere, capped, status=AssignmentStatus.confirmed)
    unskilled.skills = []
    db_session.add(Assignment(shift=shift, volunteer=declined, status=AssignmentStatus.declined))
    db_session.flush()
    assert eligibility.eligible_free_volunteers(db_session, shift, ZONE) == []
    assert dict(eligibility.rule_breaks(db_session, shift, capped, ZONE)) == {"weekly_cap": []}
    assert dict(eligibility.rule_breaks(db_session, shift, unskilled, ZONE)) == {"skill": []}
    assert dict(eligibility.rule_breaks(db_session, shift, declined, ZONE)) == {"declined": []}


def test_next_weeks_work_does_not_count_against_this_weeks_cap(town, db_session: Session
                                                               ) -> None:
    shift = town.shifts[0]  # a Monday
    volunteer = town.volunteers[0]
    volunteer.max_shifts_per_week = 2
    day = shift.start_at.astimezone(ZONE).date()
    for offset in (1, 7, 8):  # this Tuesday; next Monday and Tuesday
        held = _other_event_shift(db_session, town, local(day + timedelta(days=offset), 9))
        factories.make_assignment(db_session, held, volunteer,
                                  status=AssignmentStatus.confirmed)
    assert eligibility.rule_breaks(db_session, shift, volunteer, ZONE) == []
    volunteer.max_shifts_per_week = 1
    assert dict(eligibility.rule_breaks(db_session, shift, volunteer, ZONE)) == {
        "weekly_cap": []}


def test_not_available_then(town, db_session: Session) -> None:
    shift = town.shifts[0]
    volunteer = town.volunteers[0]
    for window in volunteer.availabilities:
        window.end_time = window.start_time.replace(hour=9)
    db_session.flush()
    assert volunteer.id not in _ids(eligibility.eligible_free_volunteers(db_session, shift, ZONE))
    assert dict(eligibility.rule_breaks(db_session, shift, volunteer, ZONE)) == {
        "availability": []}

