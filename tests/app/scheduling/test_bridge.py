"""Rows → scheduling problem, and the solution back as drafts of one run."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

import scheduling
from app.enums import AssignmentStatus, EventKind, RunStatus, VisitKind, VisitOutcome
from app.models import (
    Assignment,
    Availability,
    Blackout,
    Event,
    PackageVisit,
    ScheduleRun,
    Shift,
    Visit,
)
from app.services.scheduler import bridge
from tests import factories
from tests.app.scheduling.builders import ZONE, build_town, local, next_monday

pytestmark = pytest.mark.integration


def _engine_volunteer(problem: scheduling.Problem, volunteer_id: int) -> scheduling.Volunteer:
    return next(v for v in problem.volunteers if v.id == bridge.vid(volunteer_id))


def test_weekly_windows_become_local_intervals_minus_blackouts_and_work_elsewhere_commitments(
    db_session,
) -> None:
    saturday = next_monday() + timedelta(days=5)
    skill = factories.make_skill(db_session)
    volunteer = factories.make_volunteer(db_session, skills=[skill])
    db_session.add_all([
        Availability(volunteer=volunteer, weekday=5, start_time=time(8), end_time=time(12)),
        # Touching window: merged with the one before.
        Availability(volunteer=volunteer, weekday=5, start_time=time(12), end_time=time(14)),
        # Not valid any more on that Saturday.
        Availability(volunteer=volunteer, weekday=5, start_time=time(18), end_time=time(20),
                     valid_until=saturday - timedelta(days=1)),
        Blackout(volunteer=volunteer, start_at=local(saturday, 10),
                 end_at=local(saturday, 10, 30)),
    ])
    event = factories.make_event(db_session, start_at=local(saturday, 8),
                                 end_at=local(saturday, 14))
    shift = factories.make_shift(db_session, event, start_at=local(saturday, 8),
                                 end_at=local(saturday, 9), skill=skill)
    other = factories.make_event(db_session, start_at=local(saturday, 12),
                                 end_at=local(saturday, 13))
    other_shift = factories.make_shift(db_session, other, skill=skill)
    factories.make_assignment(db_session, other_shift, volunteer,
                              status=AssignmentStatus.confirmed)
    db_session.flush()

    built = bridge.build_problem(db_session, [shift], ZONE)
    v = _engine_volunteer(built.problem, volunteer.id)
    assert [(i.start, i.end) for i in v.availability] == [
        (local(saturday, 8).astimezone(UTC), local(saturday, 10).astimezone(UTC)),
        (local(saturday, 10, 30).astimezone(UTC), local(saturday, 14).astimezone(UTC)),
    ]
    # The work elsewhere is the engine's to subtract (with the minimum gap), named after its
    # event so an empty seat can say where the volunteers are.
    assert [(c.start, c.end, c.label, c.shift) for c in v.commitments] == [
        (other_shift.start_at, other_shift.end_at, other.title, bridge.sid(other_shift.id))]
    # The outside shift also uses up the week's caps.
    assert v.max_shifts_per_week == volunteer.max_shifts_per_week - 1
    assert v.max_minutes_per_week == volunteer.max_minutes_per_week - 60
    assert v.availability[0].start.astimezone(ZONE).hour == 8  # local time, not UTC


def test_published_pinned_declined_and_household_history(db_session) -> None:
    town = build_town(db_session, volunteers=4, stations=3, skills=1)
    a, b, c, d = town.volunteers
    s1, s2, s3 = town.shifts
    pending = factories.make_assignment(db_session, s1, a, status=AssignmentStatus.pending)
    factories.make_assignment(db_session, s2, b, status=AssignmentStatus.confirmed, pinned=True)
    factories.make_assignment(db_session, s3, c, status=AssignmentStatus.proposed, pinned=True)
    factories.make_assignment(db_session, s3, d, status=AssignmentStatus.declined)

    household = factories.make_household(db_session, neighbourhood=town.neighbourhood)
    package = factories.make_package(db_session, household, starts_on=next_monday(), items=[
        {"skill": town.skills[0], "volunteer": a}])
    db_session.add(Visit(household=household, volunteer=b, kind=VisitKind.door,
                         outcome=VisitOutcome.done, visited_at=datetime.now(UTC)))
    db_session.add(Visit(household=household, volunteer=c, kind=VisitKind.door,
                         outcome=VisitOutcome.missed, visited_at=datetime.now(UTC)))
    visit_event = Event(neighbourhood=town.neighbourhood, kind=EventKind.care_visit,
                        title="助浴", start_at=local(next_monday(), 15),
                        end_at=local(next_monday(), 16), household=household, is_public=False)
    visit_shift = Shift(event=visit_event, title="助浴", start_at=visit_event.start_at,
                        end_at=visit_event.end_at, skill=town.skills[0])
    db_session.add_all([visit_event, visit_shift])
    db_session.add(PackageVisit(item=package.items[0], due_on=next_monday(), event=visit_event,
                                helper=a))
    db_session.flush()

    built = bridge.build_problem(db_session, [s1, s2, s3, visit_shift], ZONE)
    p = built.problem
    assert {(x.volunteer, x.shift) for x in p.previous} == {
        (bridge.vid(a.id), bridge.sid(s1.id)), (bridge.vid(b.id), bridge.sid(s2.id))}
    assert {(x.volunteer, x.shift) for x in p.pins} == {
        (bridge.vid(b.id), bridge.sid(s2.id)), (bridge.vid(c.id), bridge.sid(s3.id))}
    assert [(x.volunteer, x.shift) for x in p.forbidden] == [
        (bridge.vid(d.id), bridge.sid(s3.id))]
    assert built.published == {(a.id, s1.id): pending.id, (b.id, s2.id): mock_id(db_session, s2)}
    engine_visit = next(s for s in p.shifts if s.id == bridge.sid(visit_shift.id))
    assert engine_visit.household == f"h{household.id}"
    assert p.household_history == {f"h{household.id}": [bridge.vid(a.id), bridge.vid(b.id)]}

    solution = scheduling.solve_greedy(p)
    assert (bridge.vid(a.id), bridge.sid(visit_shift.id)) in {
        (x.volunteer, x.shift) for x in solution.assignments}  # continuity wins


def mock_id(session, shift: Shift) -> int:
    return session.scalar(select(Assignment.id).where(Assignment.shift_id == shift.id))


def test_writing_back_twice_writes_nothing_twice(db_session) -> None:
    town = build_town(db_session, volunteers=6, stations=3, seats=2, skills=1)
    a = town.volunteers[0]
    published = factories.make_assignment(db_session, town.shifts[0], a,
                                          status=AssignmentStatus.confirmed)
    older = ScheduleRun(status=RunStatus.succeeded, scope={}, parameters={}, metrics={})
    run = ScheduleRun(status=RunStatus.running, scope={}, parameters={}, metrics={})
    db_session.add_all([older, run])
    db_session.flush()
    stale = factories.make_assignment(db_session, town.shifts[1], town.volunteers[5],
                                      status=AssignmentStatus.proposed,
                                      schedule_run_id=older.id)
    built = bridge.build_problem(db_session, town.shifts, ZONE)
    solution = scheduling.solve(built.problem, seconds=2, workers=1)
    solution.assignments = [
        x for x in solution.assignments
        if (x.volunteer, x.shift) != (bridge.vid(town.volunteers[5].id),
                                      bridge.sid(town.shifts[1].id))
    ]
    first = bridge.write_proposals(db_session, run, built.shift_ids, solution.assignments)
    assert first.kept_published == 1
    assert first.removed == 1  # the older run's unpinned draft is superseded
    assert stale not in db_session  # deleted (SQLite may reuse its id)
    assert db_session.scalar(select(Assignment).where(
        Assignment.shift_id == town.shifts[1].id,
        Assignment.volunteer_id == town.volunteers[5].id)) is None
    rows = db_session.scalars(select(Assignment).where(
        Assignment.shift_id.in_(built.shift_ids))).all()
    second = bridge.write_proposals(db_session, run, built.shift_ids, solution.assignments)
    assert second.created == 0 and second.removed == 0
    assert second.kept_draft == first.created
    again = db_session.scalars(select(Assignment).where(
        Assignment.shift_id.in_(built.shift_ids))).all()
    assert sorted(r.id for r in again) == sorted(r.id for r in rows)
    assert published.status == AssignmentStatus.confirmed
    assert published.schedule_run_id is None
    drafts = [r for r in again if r.status == AssignmentStatus.proposed]
    assert all(r.schedule_run_id == run.id for r in drafts)
    assert len(drafts) + 1 == len(solution.assignments)


def test_pinned_published_seats_survive_a_run_past_the_weekly_cap(db_session) -> None:
    # The walk's run: a package helper's regular visit and her make-up visit right after it,
    # both pinned and awaiting her answer, in a scope of eight days; her visit in the scope's
    # second week, outside the scope, takes one shift off her weekly cap of two. Neither pin
    # may be dropped (and the coordinator would be told nothing).
    monday = next_monday()
    friday, next_friday = monday + timedelta(days=4), monday + timedelta(days=11)
    town = build_town(db_session, volunteers=2, days=8, stations=1, skills=1,
                      caps=(8 * 60, 2))
    helper = town.volunteers[0]
    helper.skills = town.skills
    event = factories.make_event(db_session, neighbourhood=town.neighbourhood,
                                 start_at=local(friday, 8), end_at=local(friday, 10))
    visit = factories.make_shift(db_session, event, end_at=local(friday, 9),
                                 skill=town.skills[0])
    make_up = factories.make_shift(db_session, event, start_at=local(friday, 9),
                                   skill=town.skills[0])
    later = factories.make_event(db_session, neighbourhood=town.neighbourhood,
                                 start_at=local(next_friday, 8), end_at=local(next_friday, 9))
    for shift in (visit, make_up, factories.make_shift(db_session, later, skill=town.skills[0])):
        factories.make_assignment(db_session, shift, helper, status=AssignmentStatus.pending,
                                  pinned=True)
    run = ScheduleRun(status=RunStatus.running, scope={}, parameters={}, metrics={})
    db_session.add(run)
    db_session.flush()

    built = bridge.build_problem(db_session, [*town.shifts, visit, make_up], ZONE,
                                 run_id=run.id)
    assert _engine_volunteer(built.problem, helper.id).max_shifts_per_week == 1
    solution = scheduling.solve(built.problem, seconds=2, workers=1)
    assert scheduling.check(built.problem, solution).ok
    written = bridge.write_proposals(db_session, run, built.shift_ids, solution.assignments)

    given = {(x.volunteer, x.shift) for x in solution.assignments}
    assert {(bridge.vid(helper.id), bridge.sid(s.id)) for s in (visit, make_up)} <= given
    assert written.dropped_published == []
    assert written.kept_published == 2


def test_a_pinned_published_seat_is_never_dropped_on_writing_back(db_session) -> None:
    town = build_town(db_session, volunteers=2, stations=1, skills=1)
    pinned = factories.make_assignment(db_session, town.shifts[0], town.volunteers[0],
                                       status=AssignmentStatus.pending, pinned=True)
    run = ScheduleRun(status=RunStatus.running, scope={}, parameters={}, metrics={})
    db_session.add(run)
    db_session.flush()
    written = bridge.write_proposals(db_session, run, [town.shifts[0].id], [])
    assert written.dropped_published == []
    assert written.kept_published == 1
    assert pinned.status == AssignmentStatus.pending
