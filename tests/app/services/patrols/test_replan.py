"""A rota under review planned again keeps what the coordinator pinned: the same inspections
(no event made or lost), a member pinned by hand onto an inspection stays on it and the engine
fills only what is left, a pair the coordinator removed is not proposed again, and the sites'
groups and requirements are the ones the rota was built with."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.enums import AssignmentStatus, EventKind, RunStatus
from app.models import Assignment, Event, Shift, Volunteer
from app.services.patrols import replan, rota, rota_builds, rota_runs
from app.services.patrols.log import PatrolError
from app.services.scheduler import drafts
from tests.helpers import in_english

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Asia/Shanghai")


def _proposals(db_session, run, shift_id: int) -> dict[int, Assignment]:
    return {a.volunteer_id: a for a in db_session.scalars(select(Assignment).where(
        Assignment.schedule_run_id == run.id, Assignment.shift_id == shift_id,
        Assignment.status == AssignmentStatus.proposed))}


def _plan_again(app, db_session, run, season):
    """What the rota task does with a run queued again (`rota_builds.execute_rota`, less its
    own transactions)."""
    with in_english(app):
        planned = replan.plan_again(db_session, run, season, zone=ZONE, locale="en")
        result = rota.solve_rota(planned, seconds=3, locale="en")
        rota_runs.write_rota(db_session, run, planned.season_name, result,
                             shift_ids=planned.shift_ids)
    return result


def test_planning_again_keeps_the_pins_on_the_same_inspections(app, db_session,
                                                               season) -> None:
    with in_english(app):
        built, _names = rota.build_rota(db_session, season, zone=ZONE, seconds=3, locale="en")
        run = rota_runs.save_rota(db_session, season, built)
    shift_ids = sorted(int(k) for k in run.parameters["patrol_shifts"])
    patrol_events = db_session.scalar(select(func.count(Event.id)).where(
        Event.kind == EventKind.patrol))
    first, second = shift_ids[0], shift_ids[1]
    # On the first inspection the coordinator puts the member the engine left off, pinned.
    on_first = _proposals(db_session, run, first)
    members = set(db_session.scalars(select(Volunteer.id).where(
        Volunteer.name.in_(("轮甲", "轮乙", "轮丙")))))
    (outsider,) = members - set(on_first)
    with app.app_context():
        pinned, _warnings = drafts.manual_assign(
            db_session, run, db_session.get(Shift, first), db_session.get(Volunteer, outsider),
            force=True)
    assert pinned is not None and pinned.pinned
    # On the second, they take one member off.
    on_second = _proposals(db_session, run, second)
    removed = sorted(on_second)[0]
    drafts.remove_draft(db_session, on_second[removed])

    rota_builds.requeue_rota(db_session, run)
    assert run.status == RunStatus.queued and replan.replanning(run)
    territories = run.parameters["replan"]["territories"]
    assert {t["site"] for t in territories} == {"甲网吧", "乙网吧", "丙网吧", "早市"}
    _plan_again(app, db_session, run, season)

    assert run.status == RunStatus.succeeded
    assert sorted(int(k) for k in run.parameters["patrol_shifts"]) == shift_ids
    assert db_session.scalar(select(func.count(Event.id)).where(
        Event.kind == EventKind.patrol)) == patrol_events
    now_first = _proposals(db_session, run, first)
    assert outsider in now_first and len(now_first) == rota.SEATS
    assert now_first[outsider].id == pinned.id and now_first[outsider].pinned
    assert removed not in _proposals(db_session, run, second)
    # The run page's sites are the ones it was built with.
    assert run.metrics["territories"] == territories


def test_a_published_rota_is_not_planned_again(app, db_session, season) -> None:
    with in_english(app):
        built, _names = rota.build_rota(db_session, season, zone=ZONE, seconds=3, locale="en")
        run = rota_runs.save_rota(db_session, season, built)
    run.status = RunStatus.published
    db_session.flush()
    with pytest.raises(PatrolError):
        rota_builds.requeue_rota(db_session, run)
    assert run.status == RunStatus.published and not replan.replanning(run)
