"""No-shows through the bridge (issue 16): the attendance record and the town's weight reach
the engine, the run prefers the volunteer who comes, and the review says why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

import scheduling
from app.enums import AssignmentStatus, AttendanceStatus, RunStatus
from app.models import Attendance, ReliabilityRule, ScheduleRun
from app.services.scheduler import bridge, review
from app.services.scheduler.scope import Scope
from scheduling.reliability import DEFAULT_WEIGHT
from tests import factories as f
from tests.app.scheduling.builders import ZONE, build_town, local, next_monday

pytestmark = pytest.mark.integration


def _record(session: Session, volunteer, neighbourhood, absent: int, present: int) -> None:
    """Past shifts with what was recorded on them."""
    for i in range(absent + present):
        start = local(next_monday() - timedelta(days=30 + i), 9)
        event = f.make_event(session, neighbourhood=neighbourhood, start_at=start,
                             end_at=start + timedelta(hours=2))
        shift = f.make_shift(session, event)
        status = AttendanceStatus.absent if i < absent else AttendanceStatus.present
        assignment = f.make_assignment(
            session, shift, volunteer,
            status=AssignmentStatus.no_show if i < absent else AssignmentStatus.attended)
        session.add(Attendance(assignment=assignment, status=status))
    session.flush()


@pytest.fixture
def town(app, db_session: Session):
    with app.test_request_context():
        town = build_town(db_session, volunteers=2, stations=1, slots=(10,), skills=1)
    for v in town.volunteers:  # both can take the one shift
        v.skills = list(town.skills)
    absent, steady = town.volunteers
    _record(db_session, absent, town.neighbourhood, absent=3, present=5)
    _record(db_session, steady, town.neighbourhood, absent=0, present=8)
    return town


def _problem(session: Session, town) -> scheduling.Problem:
    return bridge.build_problem(session, town.shifts, ZONE).problem


def test_the_record_and_the_default_weight_reach_the_engine(db_session, town) -> None:
    problem = _problem(db_session, town)
    absent, steady = (next(v for v in problem.volunteers if v.id == bridge.vid(x.id))
                      for x in town.volunteers)
    assert (absent.no_shows, absent.recorded_shifts) == (3, 8)
    assert (steady.no_shows, steady.recorded_shifts) == (0, 8)
    assert problem.reliability_weight == DEFAULT_WEIGHT


def test_the_town_sets_the_weight(db_session, town) -> None:
    db_session.add(ReliabilityRule(town=town.neighbourhood.town, no_show_weight=0))
    db_session.flush()
    assert _problem(db_session, town).reliability_weight == 0


def test_the_run_asks_the_volunteer_who_comes(db_session, town) -> None:
    problem = _problem(db_session, town)
    solution = scheduling.solve(problem, seconds=3.0, workers=1)
    assert [a.volunteer for a in solution.assignments] == [bridge.vid(town.volunteers[1].id)]


def test_the_review_says_who_often_does_not_turn_up(app, db_session, town) -> None:
    absent, steady = town.volunteers
    shift = town.shifts[0]
    for volunteer in (absent, steady):  # a coordinator put both on by hand
        f.make_assignment(db_session, shift, volunteer, status=AssignmentStatus.confirmed)
    run = ScheduleRun(neighbourhood=town.neighbourhood, status=RunStatus.succeeded,
                      scope=Scope(event_ids=(shift.event_id,)).to_json(), metrics={})
    db_session.add(run)
    db_session.flush()
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        load = {e["volunteer"].id: e["reliability"]
                for e in review.run_report(db_session, run).load}
    assert load[steady.id] is None
    assert load[absent.id] == "经常未到岗：8 次中缺席 3 次"
