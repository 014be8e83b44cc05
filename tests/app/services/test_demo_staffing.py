"""The demo can be staffed: each upcoming shift has volunteers able to take it, the
scheduler's engine fills nearly every seat, and each care package's visits can go to the
volunteer paired with the household."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import PackageVisit, ServicePackageItem, Shift, Volunteer
from scheduling.model import Interval, Problem
from scheduling.model import Shift as SchedShift
from scheduling.model import Volunteer as SchedVolunteer
from scheduling.solve import solve_greedy
from tests.demo import DEMO_ZONE, demo_shifts

pytestmark = pytest.mark.integration


def _volunteers(session: Session) -> list[Volunteer]:
    return list(session.scalars(select(Volunteer).options(
        selectinload(Volunteer.skills), selectinload(Volunteer.teams),
        selectinload(Volunteer.service_groups), selectinload(Volunteer.availabilities))))


def _covers(volunteer: Volunteer, shift: Shift) -> bool:
    start, end = shift.start_at.astimezone(DEMO_ZONE), shift.end_at.astimezone(DEMO_ZONE)
    return start.date() == end.date() and any(
        a.weekday == start.weekday() and a.start_time <= start.time() and end.time() <= a.end_time
        and (a.valid_from is None or a.valid_from <= start.date())
        and (a.valid_until is None or start.date() <= a.valid_until)
        for a in volunteer.availabilities
    )


def _eligible(volunteer: Volunteer, shift: Shift) -> bool:
    minutes = (shift.end_at - shift.start_at) / timedelta(minutes=1)
    return (
        volunteer.active
        and (shift.skill_id is None or shift.skill_id in {s.id for s in volunteer.skills})
        and (shift.team_id is None or shift.team_id in {t.id for t in volunteer.teams})
        and (shift.service_group_id is None
             or shift.service_group_id in {g.id for g in volunteer.service_groups})
        and volunteer.max_minutes_per_week >= minutes
        and volunteer.max_shifts_per_week >= 1
        and _covers(volunteer, shift)
    )


def test_staffing_is_feasible(demo_session) -> None:
    """For each shift: volunteers with the skill (and team) and a weekly window covering it."""
    volunteers = _volunteers(demo_session)
    shifts = demo_shifts(demo_session)
    seats = sum(s.max_volunteers for s in shifts)
    fillable = sum(
        min(sum(_eligible(v, s) for v in volunteers), s.max_volunteers) for s in shifts)
    assert 100 <= seats <= 400  # low hundreds: a quick scheduler demo
    assert fillable >= 0.95 * seats, f"{fillable}/{seats}"
    assert all(any(_eligible(v, s) for v in volunteers) for s in shifts)


def test_greedy_scheduler_staffs_the_demo(demo_session) -> None:
    """The real engine, with caps and overlaps, fills ≥ 95% of the seats."""
    shifts = demo_shifts(demo_session)
    first = min(s.start_at for s in shifts).astimezone(DEMO_ZONE).date()
    last = max(s.end_at for s in shifts).astimezone(DEMO_ZONE).date()
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    volunteers = [
        SchedVolunteer(
            id=str(v.id), skills=tuple(s.code for s in v.skills),
            teams=(*(f"t{t.id}" for t in v.teams), *(f"g{g.id}" for g in v.service_groups)),
            availability=tuple(
                Interval(datetime.combine(day, a.start_time, tzinfo=DEMO_ZONE),
                         datetime.combine(day, a.end_time, tzinfo=DEMO_ZONE))
                for day in days for a in v.availabilities if a.weekday == day.weekday()),
            max_minutes_per_week=v.max_minutes_per_week,
            max_shifts_per_week=v.max_shifts_per_week,
        )
        for v in _volunteers(demo_session)
    ]
    problem = Problem(
        timezone="Asia/Shanghai", volunteers=volunteers,
        shifts=[SchedShift(id=str(s.id), start=s.start_at, end=s.end_at,
                           skill=s.skill.code if s.skill else None,
                           team=(f"t{s.team_id}" if s.team_id else
                                 f"g{s.service_group_id}" if s.service_group_id else None),
                           min_count=s.min_volunteers, max_count=s.max_volunteers,
                           priority=s.priority) for s in shifts],
    )
    metrics = solve_greedy(problem, bounds=False).metrics
    assert metrics.filled_seats >= 0.95 * metrics.total_seats, metrics


def test_care_packages_become_visits_with_their_paired_volunteer_able_to_go(demo_session) -> None:
    """Every package item has visits in the horizon, and its helper has the item's skill, so
    the visit can go to her (continuity)."""
    visits = demo_shifts(demo_session, care_visits=True)
    by_event = dict(demo_session.execute(
        select(PackageVisit.event_id, PackageVisit.item_id)).tuples().all())
    covered = {by_event.get(shift.event_id) for shift in visits}
    items = demo_session.scalars(select(ServicePackageItem)).all()
    assert len(items) > 50 and {i.id for i in items} <= covered
    for item in items:
        assert item.volunteer is not None and item.skill in item.volunteer.skills
