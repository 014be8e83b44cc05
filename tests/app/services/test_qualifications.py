"""Qualifications with expiry: a licensed skill counts only on the days a licence covers — in
the scheduler's problem, in hand assignment's warnings — and people are told 30 days ahead."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.enums import NotificationChannel, Role, RunStatus
from app.models import Notification, Qualification, ScheduleRun
from app.services import qualifications
from app.services.scheduler import bridge, drafts
from tests import factories as f
from tests.app.scheduling.builders import ZONE, local, next_monday

pytestmark = pytest.mark.integration

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 0, 5, tzinfo=UTC)


@pytest.fixture
def doctor(db_session):
    skill = f.make_skill(db_session, code="home_medical", name_zh="上门医疗",
                         name_en="Home medical visit", requires_qualification=True)
    volunteer = f.make_volunteer(db_session, name="顾医生", skills=[skill],
                                 email="gu@example.test")
    return volunteer, skill


def _licence(session, volunteer, skill, until, number="沪医执110", **kw):
    q = Qualification(volunteer=volunteer, skill=skill, licence_number=number,
                      issued_by="浦东新区卫健委", valid_until=until, **kw)
    session.add(q)
    session.flush()
    return q


def test_a_licence_counts_through_its_last_day(db_session, doctor) -> None:
    volunteer, skill = doctor
    _licence(db_session, volunteer, skill, date(2027, 3, 5), valid_from=date(2024, 3, 6))
    gates = qualifications.gates(db_session)
    assert gates.codes == {"home_medical"}
    assert gates.usable(volunteer.id, "home_medical", date(2027, 3, 5))
    assert not gates.usable(volunteer.id, "home_medical", date(2027, 3, 6))
    assert not gates.usable(volunteer.id, "home_medical", date(2024, 3, 5))
    assert gates.expired_on(volunteer.id, "home_medical", date(2027, 3, 6)) == date(2027, 3, 5)
    assert gates.usable(volunteer.id, "haircut", date(2030, 1, 1))  # needs no licence


def test_the_scheduler_uses_the_skill_only_while_licensed(db_session, doctor) -> None:
    volunteer, skill = doctor
    monday = next_monday()
    before, after = (f.make_shift(db_session, f.make_event(
        db_session, start_at=local(day, 9), end_at=local(day, 11)), skill=skill)
        for day in (monday, monday + timedelta(days=7)))
    _licence(db_session, volunteer, skill, monday + timedelta(days=3))

    built = bridge.build_problem(db_session, [before, after], ZONE)
    engine = next(v for v in built.problem.volunteers if v.id == bridge.vid(volunteer.id))
    assert "home_medical" in engine.skills
    forbidden = {(x.volunteer, x.shift) for x in built.problem.forbidden}
    assert (bridge.vid(volunteer.id), bridge.sid(after.id)) in forbidden
    assert (bridge.vid(volunteer.id), bridge.sid(before.id)) not in forbidden

    built = bridge.build_problem(db_session, [after], ZONE)
    engine = next(v for v in built.problem.volunteers if v.id == bridge.vid(volunteer.id))
    assert "home_medical" not in engine.skills  # lapsed for every shift that needs it


def test_hand_assignment_says_the_licence_expired(app, db_session, doctor) -> None:
    volunteer, skill = doctor
    day = next_monday()
    shift = f.make_shift(db_session, f.make_event(
        db_session, start_at=local(day, 9), end_at=local(day, 11)), skill=skill)
    _licence(db_session, volunteer, skill, day - timedelta(days=1))
    run = ScheduleRun(neighbourhood=shift.event.neighbourhood, status=RunStatus.succeeded)
    db_session.add(run)
    db_session.flush()
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        draft, warnings = drafts.manual_assign(db_session, run, shift, volunteer)
    assert draft is None
    codes = [w.code for w in warnings]
    assert "licence_expired" in codes and "skill" not in codes
    message = next(w.message for w in warnings if w.code == "licence_expired")
    assert "顾医生" in message and (day - timedelta(days=1)).isoformat() in message


def test_expiring_within_30_days_unless_renewed(db_session, doctor) -> None:
    volunteer, skill = doctor
    soon = _licence(db_session, volunteer, skill, TODAY + timedelta(days=30))
    other = f.make_volunteer(db_session, name="钱护士", skills=[skill])
    _licence(db_session, other, skill, TODAY + timedelta(days=31), number="沪护220")
    assert qualifications.expiring(db_session, TODAY) == [soon]
    _licence(db_session, volunteer, skill, TODAY + timedelta(days=3 * 365), number="沪医执111")
    assert qualifications.expiring(db_session, TODAY) == []


def test_alerts_go_once_to_the_volunteer_and_the_coordinators(app, db_session, doctor) -> None:
    volunteer, skill = doctor
    coordinator = f.make_user(db_session, role=Role.coordinator, email="jh@example.test",
                              neighbourhoods=[volunteer.neighbourhood])
    f.make_user(db_session, role=Role.coordinator, email="elsewhere@example.test",
                neighbourhoods=[f.make_neighbourhood(db_session)])
    q = _licence(db_session, volunteer, skill, TODAY + timedelta(days=12))

    with app.test_request_context():
        assert qualifications.send_expiry_alerts(db_session, TODAY, now=NOW) == 2
    sent = db_session.scalars(select(Notification).where(
        Notification.template.like("qualifications/%")).order_by(Notification.id)).all()
    assert [(n.template, n.channel, n.address) for n in sent] == [
        ("qualifications/expiring", NotificationChannel.email, "gu@example.test"),
        ("qualifications/expiring_staff", NotificationChannel.email, coordinator.email)]
    assert "沪医执110" in sent[0].body and q.valid_until.isoformat() in sent[0].subject
    assert q.expiry_alerted_at == NOW

    with app.test_request_context():
        assert qualifications.send_expiry_alerts(db_session, TODAY, now=NOW) == 0
        qualifications.renewed(q)  # a new expiry date is recorded: due again
        assert qualifications.send_expiry_alerts(db_session, TODAY, now=NOW) == 2


def test_nobody_to_reach_counts_nothing(app, db_session, doctor) -> None:
    volunteer, skill = doctor
    volunteer.email = None
    volunteer.phone = None
    _licence(db_session, volunteer, skill, TODAY + timedelta(days=5))
    with app.test_request_context():
        assert qualifications.send_expiry_alerts(db_session, TODAY, now=NOW) == 0


def test_an_empty_licensed_seat_says_how_many_lapsed(app, db_session, doctor) -> None:
    from app.services.scheduler import review
    from app.services.scheduler.scope import Scope

    volunteer, skill = doctor
    day = next_monday()
    event = f.make_event(db_session, neighbourhood=volunteer.neighbourhood,
                         start_at=local(day, 9), end_at=local(day, 11))
    shift = f.make_shift(db_session, event, skill=skill)
    _licence(db_session, volunteer, skill, day - timedelta(days=1))
    run = ScheduleRun(neighbourhood=event.neighbourhood, status=RunStatus.succeeded,
                      scope=Scope(event_ids=(event.id,)).to_json(), metrics={"unfilled": [
                          {"shift_id": shift.id, "code": "no_skill",
                           "counts": {"skill": "上门医疗", "volunteers": 1}}]})
    db_session.add(run)
    db_session.flush()
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        [seat] = review.run_report(db_session, run).unfilled
    assert "另有 1 名志愿者有该技能，但当天没有有效资质证书" in seat["reason"]

    _licence(db_session, volunteer, skill, day + timedelta(days=365), number="沪医执999")
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        [seat] = review.run_report(db_session, run).unfilled
    assert "资质证书" not in seat["reason"]
