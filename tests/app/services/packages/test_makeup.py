"""Where a make-up visit goes: into the helper's own free time in the coming week (weekly
windows with their validity dates, minus blackouts and her other shifts, public holidays as
the item treats them), earliest fitting slot first, at the visit's length; only when none
fits at the missed visit's time of day, left for the scheduler saying why."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, PackageCadence, PackageVisitLeft, Role, VisitOutcome
from app.models import Blackout, Neighbourhood, PackageVisit, Volunteer
from app.services.care_visits import mark_visit
from app.services.packages import generation, missed
from tests import factories
from tests.admin.conftest import make_user

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
MISSED_MONDAY = date(2027, 1, 18)
NOW = datetime(2027, 1, 18, 12, 0, tzinfo=SHANGHAI)  # the Monday the visit was missed
WEDNESDAY = date(2027, 1, 20)
FRIDAY = date(2027, 1, 22)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def _helper_with_a_wednesday_window(session: Session, **kw) -> Volunteer:
    helper = factories.make_volunteer(session, name="江洁志", **kw)
    # Mondays until the missed one (the visit was hers then); now only Wednesday afternoons.
    factories.make_availability(session, helper, weekday=0, start_time=time(8),
                                end_time=time(12), valid_until=MISSED_MONDAY)
    factories.make_availability(session, helper, weekday=2, start_time=time(14),
                                end_time=time(16))
    return helper


def _missed_visit(session: Session, helper: Volunteer, *, minutes: int = 90,
                  skip_holidays: bool = False, day: date = MISSED_MONDAY,
                  now: datetime = NOW) -> PackageVisit:
    """The helper's Monday 09:00 visit of a weekly item, recorded as nobody at home."""
    skill = factories.make_skill(session, name_zh="买菜送米")
    helper.skills.append(skill)
    household = factories.make_household(session, neighbourhood_id=helper.neighbourhood_id,
                                          contact_name="李阿婆")
    package = factories.make_package(session, household, starts_on=day - timedelta(days=7),
                                     items=[dict(
        skill=skill, volunteer=helper, cadence=PackageCadence.weekly, weekday=day.weekday(),
        time_of_day=time(9), duration_minutes=minutes, skip_holidays=skip_holidays)])
    visit = generation.new_visit(session, package.items[0], household, day, SHANGHAI)
    assert visit is not None
    generation.place_helper(session, visit, helper, SHANGHAI)
    assert visit.left_reason is None  # it was hers
    mark_visit(session, visit.event, VisitOutcome.not_at_home, now=now)
    return visit


def _seat(visit: PackageVisit) -> list[tuple[int, AssignmentStatus]]:
    return [(a.volunteer_id, a.status) for a in visit.event.shifts[0].assignments]


def _make_up(session: Session, visit: PackageVisit, now: datetime = NOW) -> PackageVisit:
    result = missed.record(session, now=now, zone=SHANGHAI, visit_ids=[visit.id])
    assert result.missed == [visit]
    makeup = result.makeup_of[visit.id]
    assert makeup is not None and makeup.makeup_of_id == visit.id
    return makeup


def test_the_makeup_goes_into_the_helpers_one_weekly_window(
        app: Flask, db_session: Session) -> None:
    helper = _helper_with_a_wednesday_window(db_session)
    with app.app_context():
        visit = _missed_visit(db_session, helper, minutes=90)
        makeup = _make_up(db_session, visit)
    # Not Tuesday 09:00 left for the scheduler: Wednesday 14:00, hers, at the visit's length.
    assert (makeup.event.start_at, makeup.event.end_at) == (
        _at(WEDNESDAY, 14), _at(WEDNESDAY, 15, 30))
    assert makeup.due_on == WEDNESDAY and makeup.left_reason is None
    assert _seat(makeup) == [(helper.id, AssignmentStatus.pending)]


def test_the_makeup_keeps_off_her_blackouts_and_her_other_shifts(
        app: Flask, db_session: Session) -> None:
    helper = _helper_with_a_wednesday_window(db_session)
    factories.make_availability(db_session, helper, weekday=4, start_time=time(9),
                                end_time=time(11))
    # Another event holds her Wednesday 14:00–15:00: an hour's visit fits after it.
    other = factories.make_shift(db_session, start_at=_at(WEDNESDAY, 14),
                                 end_at=_at(WEDNESDAY, 15))
    factories.make_assignment(db_session, other, helper, status=AssignmentStatus.confirmed)
    with app.app_context():
        hour = _make_up(db_session, _missed_visit(db_session, helper, minutes=60))
        assert hour.event.start_at == _at(WEDNESDAY, 15)
        assert _seat(hour) == [(helper.id, AssignmentStatus.pending)]

        # A second missed visit (an hour and a half): Wednesday is full, so Friday morning.
        longer = _make_up(db_session, _missed_visit(db_session, helper, minutes=90))
        assert (longer.event.start_at, longer.left_reason) == (_at(FRIDAY, 9), None)

        # Away on Friday too: nothing of hers is left this week but the rest of Wednesday.
        db_session.add(Blackout(volunteer=helper, start_at=_at(FRIDAY, 0),
                                end_at=_at(FRIDAY + timedelta(days=1), 0), reason="体检"))
        db_session.flush()
        third = _make_up(db_session, _missed_visit(db_session, helper, minutes=60))
    assert third.left_reason == PackageVisitLeft.no_free_time
    assert third.event.shifts[0].assignments == []


def test_with_no_room_in_her_week_the_makeup_is_left_for_the_scheduler_saying_why(
        app: Flask, db_session: Session) -> None:
    helper = _helper_with_a_wednesday_window(db_session)
    db_session.add(Blackout(volunteer=helper, start_at=_at(WEDNESDAY, 0),
                            end_at=_at(WEDNESDAY + timedelta(days=1), 0), reason="住院"))
    with app.app_context():
        makeup = _make_up(db_session, _missed_visit(db_session, helper))
    # As before her time was searched: the missed visit's time of day, on the last day tried.
    assert makeup.event.start_at == _at(MISSED_MONDAY + timedelta(days=7), 9)
    assert makeup.helper_id == helper.id and makeup.event.shifts[0].assignments == []
    assert makeup.left_reason == PackageVisitLeft.no_free_time
    db_session.flush()

    # Coordinators read the make-up, and why it is not with her, in Chinese.
    out = app.test_cli_runner().invoke(args=["packages", "visits", "--household",
                              str(makeup.event.household_id), "--json"])
    assert out.exit_code == 0, out.output
    row = next(r for r in json.loads(out.output) if r["id"] == makeup.id)
    assert row["on_duty"] is None and row["left_reason"] == "no_free_time"
    assert row["left_because"] == "未来一周内，服务人员没有一段空闲时间容得下这次补上门"
    assert row["makes_up_for"] == "2027-01-18T09:00:00+08:00"
    assert row["makeup_note"] == "补 2027-01-18 09:00 的上门"
    table = app.test_cli_runner().invoke(args=["packages", "visits", "--household",
                                               str(makeup.event.household_id)])
    assert "[补 2027-01-18 09:00 的上门]" in table.output


def test_the_coordinators_alert_says_why_the_makeup_is_not_with_her(
        app: Flask, db_session: Session) -> None:
    helper = _helper_with_a_wednesday_window(db_session)
    db_session.add(Blackout(volunteer=helper, start_at=_at(WEDNESDAY, 0),
                            end_at=_at(WEDNESDAY + timedelta(days=1), 0), reason="住院"))
    neighbourhood = db_session.get(Neighbourhood, helper.neighbourhood_id)
    make_user(db_session, Role.coordinator, "makeup-coordinator", email="makeup@example.cn",
              neighbourhoods=[neighbourhood], locale="zh_CN")
    english = make_user(db_session, Role.coordinator, "makeup-coordinator-en",
                        email="makeup-en@example.cn", neighbourhoods=[neighbourhood],
                        locale="en")
    with app.app_context():
        visit = _missed_visit(db_session, helper)
        result = missed.escalate(db_session, now=NOW, zone=SHANGHAI)
    assert result.makeup_of[visit.id].left_reason == PackageVisitLeft.no_free_time
    bodies = {n.user_id: n.body for n in result.notifications}
    assert "服务人员那时来不了（未来一周内，服务人员没有一段空闲时间容得下这次补上门）" in (
        next(body for user_id, body in bodies.items() if user_id != english.id))
    assert ("The helper cannot come then (None of the helper's free times in the coming week "
            "fits the make-up visit)") in bodies[english.id]


def test_a_rule_besides_her_time_is_the_reason_given(app: Flask, db_session: Session) -> None:
    helper = _helper_with_a_wednesday_window(db_session, max_shifts_per_week=1)
    with app.app_context():
        visit = _missed_visit(db_session, helper)
        # Her one shift that week (Monday 18 – Sunday 24) is taken: Wednesday has room, but
        # the cap refuses it, and that is what the make-up says.
        other = factories.make_shift(db_session, start_at=_at(WEDNESDAY + timedelta(days=3), 9),
                                     end_at=_at(WEDNESDAY + timedelta(days=3), 10))
        factories.make_assignment(db_session, other, helper, status=AssignmentStatus.pending)
        makeup = _make_up(db_session, visit)
    assert makeup.left_reason == PackageVisitLeft.weekly_cap


def test_an_item_that_skips_holidays_is_not_made_up_on_one(
        app: Flask, db_session: Session) -> None:
    """The town's 2026 calendar (seeded by the migration): 15–23 February off."""
    thursday = date(2026, 2, 12)
    now = _at(thursday, 12)
    helpers = []
    for skip in (False, True):
        helper = factories.make_volunteer(db_session)
        factories.make_availability(db_session, helper, weekday=3, start_time=time(8),
                                    end_time=time(12), valid_until=thursday)
        factories.make_availability(db_session, helper, weekday=0, start_time=time(14),
                                    end_time=time(16))  # Monday 16th: Spring Festival
        helpers.append((helper, skip))
    with app.app_context():
        made = [_make_up(db_session, _missed_visit(db_session, helper, skip_holidays=skip,
                                                   day=thursday, now=now), now=now)
                for helper, skip in helpers]
    ordinary, skipping = made
    assert (ordinary.event.start_at, ordinary.left_reason) == (_at(date(2026, 2, 16), 14), None)
    # Her only time this week is on the holiday: left for the scheduler, on a working day.
    assert skipping.left_reason == PackageVisitLeft.no_free_time
    assert skipping.due_on == date(2026, 2, 14)  # Saturday, a make-up working day
