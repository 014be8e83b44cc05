"""Missed package visits: escalated once, after the days of grace (at once when recorded as
missed), with the coordinators told and a make-up visit with the same helper; visits recorded
as done are left alone, and generation never removes a make-up."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, PackageCadence, Role, VisitOutcome
from app.models import Event, PackageVisit
from app.services.care_visits import mark_visit
from app.services.packages import generation, missed
from tests import factories
from tests.admin.conftest import make_user

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 1, 20, 9, 0, tzinfo=SHANGHAI)  # a Wednesday
START = date(2026, 12, 28)  # generation three weeks earlier


def _visits(session: Session, household_id: int) -> list[PackageVisit]:
    return list(session.scalars(
        select(PackageVisit).join(Event, Event.id == PackageVisit.event_id)
        .where(Event.household_id == household_id).order_by(Event.start_at)))


def test_missed_visits_are_escalated_once_with_a_makeup_by_the_same_helper(
        app: Flask, db_session: Session) -> None:
    neighbourhood = factories.make_neighbourhood(db_session)
    skill = factories.make_skill(db_session, name_zh="买菜送米")
    helper = factories.make_volunteer(db_session, neighbourhood=neighbourhood, name="江洁志")
    helper.skills.append(skill)
    for day in range(7):
        factories.make_availability(db_session, helper, weekday=day, start_time=time(8),
                                    end_time=time(18))
    group = factories.make_service_group(db_session, neighbourhood=neighbourhood, name="第二团组")
    group_member = factories.make_volunteer(db_session, neighbourhood=neighbourhood,
                                            name="团组成员", email="member@example.cn")
    group.members.extend([group_member, helper])
    building = factories.make_building(db_session, neighbourhood=neighbourhood, number="7",
                                       address="佳虹路7号楼", service_group=group)
    household = factories.make_household(db_session, neighbourhood=neighbourhood,
                                          contact_name="李阿婆", building=building)
    factories.make_package(db_session, household, starts_on=START, items=[dict(
        skill=skill, volunteer=helper, cadence=PackageCadence.weekly, weekday=0,
        time_of_day=time(9, 0), duration_minutes=60)])
    coordinator = make_user(db_session, Role.coordinator, "missed-coordinator",
                            email="coordinator@example.cn", neighbourhoods=[neighbourhood])
    elsewhere = make_user(db_session, Role.coordinator, "other-coordinator",
                          email="other@example.cn",
                          neighbourhoods=[factories.make_neighbourhood(db_session)])
    with app.app_context():
        generation.sync(db_session, [household.id], today=START, zone=SHANGHAI,
                        horizon_days=28, now=datetime.combine(START, time(0), SHANGHAI))
        mondays = _visits(db_session, household.id)
        assert [v.due_on for v in mondays] == [date(2026, 12, 28), date(2027, 1, 4),
                                               date(2027, 1, 11), date(2027, 1, 18)]
        done, forgotten, in_grace_missed, in_grace = mondays
        mark_visit(db_session, done.event, VisitOutcome.done, now=NOW)
        mark_visit(db_session, in_grace_missed.event, VisitOutcome.not_at_home, now=NOW)
        forgotten_id = forgotten.id

        result = missed.escalate(db_session, now=NOW, zone=SHANGHAI)
        # The 4 January visit (never recorded) and the 11 January one (nobody at home);
        # the 18 January one is still within its two days of grace.
        assert [v.due_on for v in result.missed] == [date(2027, 1, 4), date(2027, 1, 11)]
        assert in_grace.missed_alerted_at is None
        # The coordinator and the family's service group are told (the helper who missed it
        # is not told by this message; she gets the make-up visit).
        assert {n.user_id for n in result.notifications} == {coordinator.id, None}
        assert {n.volunteer_id for n in result.notifications} == {None, group_member.id}
        assert elsewhere.id not in {n.user_id for n in result.notifications}
        body = result.notifications[0].body
        assert "李阿婆" in body and "2027-01-04 09:00" in body and "江洁志" in body

        first, second = result.makeups
        assert first.makeup_of_id == forgotten_id
        # The earliest of her free time from tomorrow: her window opens at 08:00.
        assert first.event.start_at == datetime(2027, 1, 21, 8, 0, tzinfo=SHANGHAI)
        assert [(a.volunteer_id, a.status) for a in first.event.shifts[0].assignments] == [
            (helper.id, AssignmentStatus.pending)]
        # One helper cannot be in two places: the second make-up comes once the first ends.
        assert second.event.start_at == datetime(2027, 1, 21, 9, 0, tzinfo=SHANGHAI)
        assert [a.volunteer_id for a in second.event.shifts[0].assignments] == [helper.id]

        again = missed.escalate(db_session, now=NOW, zone=SHANGHAI)
        assert (again.missed, again.makeups, again.notifications) == ([], [], [])
        # Generation brings the cadence in line but leaves the make-ups where they are.
        generation.sync(db_session, [household.id], today=NOW.date(), zone=SHANGHAI,
                        horizon_days=14, now=NOW)
    assert {v.id for v in _visits(db_session, household.id)} >= {first.id, second.id}
