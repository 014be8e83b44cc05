"""A member withdraws from a published rota inspection: only the affected inspections are
re-solved, by the rota's rules (the site's group, certified on the day), the replacement is
asked to confirm, the coordinators hear who took it — or the engine's reason why nobody could,
which the run page shows too."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.enums import AssignmentStatus, Role
from app.models import Assignment, Notification, PatrolSeason, Shift
from app.services.patrols import refill, rota, rota_runs
from app.services.scheduler import seats
from app.services.scheduler.publish import publish_run
from app.services.scheduler.review import run_report
from tests import factories as f
from tests.admin.conftest import make_user
from tests.helpers import in_english

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Asia/Shanghai")
BEFORE = datetime(2027, 7, 1, tzinfo=UTC)


def _member(session, n, name):
    volunteer = f.make_volunteer(session, neighbourhood=n, name=name, max_shifts_per_week=4,
                                 email=f"{abs(hash(name)) % 10**6}@example.cn")
    for weekday in (0, 2, 4):
        f.make_availability(session, volunteer, weekday=weekday, start_time=time(18, 0),
                            end_time=time(22, 0))
    return volunteer


@pytest.fixture
def published(app, db_session):
    n = f.make_neighbourhood(db_session, town="月浦镇", name="月浦补位村")
    members = [_member(db_session, n, name) for name in ("补甲", "补乙", "补丙")]
    lapsed = _member(db_session, n, "过期丁")
    outsider = _member(db_session, n, "组外戊")
    group = f.make_patrol_group(db_session, neighbourhood=n, name="补位组",
                                members=[*members, (lapsed, True, date(2027, 6, 30))])
    f.make_patrol_site(db_session, neighbourhood=n, name="补位网吧", group=group,
                       opens_at=time(8, 0), closes_at=time(0, 0))
    make_user(db_session, Role.coordinator, "refill-coordinator", neighbourhoods=[n],
              email="refill@example.cn", locale="en")
    season = PatrolSeason(town="月浦镇", neighbourhood=n, name="补位周", required_per_site=1,
                          min_per_week=1, starts_on=date(2027, 7, 5), ends_on=date(2027, 7, 11))
    db_session.add(season)
    db_session.flush()
    with in_english(app):
        result, _names = rota.build_rota(db_session, season, zone=ZONE, seconds=3, locale="en")
        run = rota_runs.save_rota(db_session, season, result)
        publish_run(db_session, run)
    db_session.flush()
    (shift_id,) = [int(k) for k in run.parameters["patrol_shifts"]]
    return {"run": run, "shift": db_session.get(Shift, shift_id), "members": members,
            "lapsed": lapsed, "outsider": outsider}


def _holders(session, shift) -> set[int]:
    return set(session.scalars(select(Assignment.volunteer_id).where(
        Assignment.shift_id == shift.id, Assignment.status.in_(
            (AssignmentStatus.pending, AssignmentStatus.confirmed)))))


def test_a_withdrawal_is_filled_by_the_groups_free_certified_member(app, db_session,
                                                                     published) -> None:
    shift, members = published["shift"], published["members"]
    holders = _holders(db_session, shift)
    assert len(holders) == 2 and holders <= {m.id for m in members}
    leaving = db_session.scalar(select(Assignment).where(Assignment.shift_id == shift.id)
                                .order_by(Assignment.id).limit(1))
    with in_english(app):
        assert seats.respond(db_session, leaving.id, "decline") == "declined"
        done = refill.refill(db_session, shift.id, zone=ZONE, now=BEFORE, seconds=2,
                             locale="en")
    (spare,) = {m.id for m in members} - holders
    assert done is not None and done.taken_by == [spare] and done.empty == 0
    assert _holders(db_session, shift) == holders - {leaving.volunteer_id} | {spare}
    asked = db_session.scalar(select(Notification).where(
        Notification.volunteer_id == spare, Notification.template == "scheduler/publish"))
    assert asked is not None
    told = db_session.scalar(select(Notification).where(Notification.template == "patrols/refill"))
    assert told is not None and "补" in told.body and "still empty" not in told.body
    # Running it again finds the inspection full: nothing more happens.
    with in_english(app):
        again = refill.refill(db_session, shift.id, zone=ZONE, now=BEFORE, seconds=2)
    assert again is not None and again.taken_by == [] and again.empty == 0


def test_when_nobody_can_take_it_the_coordinator_sees_why(app, db_session, published) -> None:
    shift, run = published["shift"], published["run"]
    with in_english(app):
        for assignment in db_session.scalars(select(Assignment).where(
                Assignment.shift_id == shift.id)).all():
            seats.respond(db_session, assignment.id, "decline")
        first = refill.refill(db_session, shift.id, zone=ZONE, now=BEFORE, seconds=2,
                              locale="en")
        # The one member left takes a seat; the other stays empty (the lapsed certificate
        # and the member of no group are never asked).
        assert first is not None and len(first.taken_by) == 1 and first.empty == 1
        assert first.reason and first.reason_code
        assert not {published["lapsed"].id, published["outsider"].id} & _holders(db_session,
                                                                                   shift)
        told = db_session.scalars(select(Notification).where(
            Notification.template == "patrols/refill")).all()[-1]
        assert "1 seat is still empty" in told.body and first.reason in told.body
        report = run_report(db_session, run)
    (row,) = [u for u in report.unfilled if u["shift_id"] == shift.id]
    assert row["code"] == first.reason_code and row["reason"]


def test_nothing_happens_for_work_that_is_no_rota_inspection(app, db_session) -> None:
    shift = f.make_shift(db_session)
    with in_english(app):
        assert refill.refill(db_session, shift.id, zone=ZONE, now=BEFORE) is None


def test_an_approved_drop_is_re_planned_by_the_group_not_offered_to_everyone(
        app, db_session, published) -> None:
    from app.models import HelpRequest
    from app.services.scheduler import swaps

    shift, members = published["shift"], published["members"]
    holders = _holders(db_session, shift)
    seat = db_session.scalar(select(Assignment).where(Assignment.shift_id == shift.id)
                             .order_by(Assignment.id).limit(1))
    seat.status = AssignmentStatus.confirmed
    db_session.flush()
    with in_english(app):
        request = swaps.ask(db_session, seat, reason="出差")
        outcome = swaps.approve(db_session, request, user=None, allow_below_minimum=True)
        assert "re-planned with the patrol group" in outcome
        assert db_session.scalar(select(HelpRequest).where(HelpRequest.shift_id == shift.id)) \
            is None
        done = refill.refill(db_session, shift.id, zone=ZONE, now=BEFORE, seconds=2)
    (spare,) = {m.id for m in members} - holders
    assert done is not None and done.taken_by == [spare]
