"""Package visits: generated once per item and due date, given to the item's helper only when
the engine's rules allow, and brought in line with the package after an edit."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, PackageCadence, PackageVisitLeft
from app.models import Assignment, Event, Notification, PackageVisit, Shift
from app.services.packages import generation
from tests import factories

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2027, 1, 11)  # a Monday
NOW = datetime(2027, 1, 11, 8, 0, tzinfo=SHANGHAI)
TUE, WED, THU, SAT = 1, 2, 3, 5


def _setup(session: Session, *, available: bool = True):
    neighbourhood = factories.make_neighbourhood(session)
    opera = factories.make_skill(session, code="opera_test", name_zh="戏曲表演")
    household = factories.make_household(session, neighbourhood=neighbourhood,
                                         contact_name="陈阿婆")
    helper = factories.make_volunteer(session, neighbourhood=neighbourhood, name="邬国兰",
                                      email="wuguolan@example.cn")
    helper.skills.append(opera)
    if available:
        factories.make_availability(session, helper, weekday=TUE, start_time=time(9, 0),
                                    end_time=time(12, 0))
    package = factories.make_package(session, household, items=[dict(
        skill=opera, volunteer=helper, cadence=PackageCadence.weekly, weekday=TUE,
        time_of_day=time(9, 30), duration_minutes=60, description="为老人唱一段沪剧")])
    return household, helper, package


def _sync(session: Session, household_id: int) -> generation.SyncResult:
    return generation.sync(session, [household_id], today=TODAY, zone=SHANGHAI,
                           horizon_days=28, now=NOW)


def _helpers_of(session: Session, household_id: int) -> dict[date, list[tuple[int, str]]]:
    rows = session.execute(
        select(PackageVisit.due_on, Assignment.volunteer_id, Assignment.status)
        .join(Event, Event.id == PackageVisit.event_id)
        .join(Shift, Shift.event_id == Event.id)
        .outerjoin(Assignment, Assignment.shift_id == Shift.id)
        .where(Event.household_id == household_id).order_by(PackageVisit.due_on)).tuples()
    out: dict[date, list[tuple[int, str]]] = {}
    for day, volunteer_id, status in rows:
        out.setdefault(day, [])
        if volunteer_id is not None:
            out[day].append((volunteer_id, status))
    return out


def test_an_eligible_helper_gets_every_visit_and_running_twice_adds_nothing(
        app: Flask, db_session: Session) -> None:
    household, helper, _package = _setup(db_session)
    with app.app_context():
        first = _sync(db_session, household.id)
        second = _sync(db_session, household.id)
    tuesdays = [date(2027, 1, 12), date(2027, 1, 19), date(2027, 1, 26), date(2027, 2, 2)]
    assert (first.created, first.assigned, first.left) == (4, 4, [])
    assert (second.created, second.replaced, second.notifications) == (0, 0, [])
    assert _helpers_of(db_session, household.id) == {
        day: [(helper.id, AssignmentStatus.pending)] for day in tuesdays}
    event = db_session.scalar(select(Event).where(Event.household_id == household.id)
                              .order_by(Event.start_at).limit(1))
    assert event.start_at == datetime(2027, 1, 12, 9, 30, tzinfo=SHANGHAI)
    assert not event.is_public and event.shifts[0].assignments[0].pinned


def test_a_helper_the_rules_do_not_allow_is_not_assigned_and_the_visit_says_why(
        app: Flask, db_session: Session) -> None:
    household, helper, package = _setup(db_session, available=False)
    with app.app_context():
        result = _sync(db_session, household.id)
    assert result.created == 4 and result.assigned == 0
    assert {v.left_reason for v in result.left} == {PackageVisitLeft.availability}
    assert all(not helpers for helpers in _helpers_of(db_session, household.id).values())

    other = factories.make_household(session=db_session, neighbourhood=household.neighbourhood)
    factories.make_package(db_session, other, items=[dict(
        skill=factories.make_skill(db_session), volunteer=helper, weekday=TUE,
        time_of_day=time(10, 0), duration_minutes=30)])
    factories.make_package(db_session, factories.make_household(
        db_session, neighbourhood=household.neighbourhood), items=[dict(
            skill=package.items[0].skill, volunteer=None, weekday=THU)])
    with app.app_context():
        lacking = generation.sync(db_session, [other.id], today=TODAY, zone=SHANGHAI,
                                  horizon_days=7, now=NOW)
    assert [v.left_reason for v in lacking.left] == [PackageVisitLeft.skill]


def test_an_item_without_helper_is_left_for_the_scheduler(app: Flask,
                                                          db_session: Session) -> None:
    household, _helper, package = _setup(db_session)
    package.items[0].volunteer = None
    db_session.flush()
    with app.app_context():
        result = _sync(db_session, household.id)
    assert {v.left_reason for v in result.left} == {PackageVisitLeft.no_helper}


def test_an_edit_replaces_unconfirmed_visits_keeps_confirmed_ones_and_tells_the_helper(
        app: Flask, db_session: Session) -> None:
    household, helper, package = _setup(db_session)
    with app.app_context():
        _sync(db_session, household.id)
    confirmed = db_session.scalar(
        select(Assignment).join(Shift).join(Event).where(Event.household_id == household.id)
        .order_by(Event.start_at).limit(1))
    confirmed.status = AssignmentStatus.confirmed
    kept_event_id = confirmed.shift.event_id
    package.items[0].time_of_day = time(10, 30)
    db_session.flush()

    with app.app_context():
        result = _sync(db_session, household.id)
    assert (result.replaced, result.kept, result.created, result.assigned) == (3, 1, 3, 3)
    events = list(db_session.scalars(
        select(Event).where(Event.household_id == household.id).order_by(Event.start_at)))
    assert events[0].id == kept_event_id
    assert events[0].start_at.astimezone(SHANGHAI).time() == time(9, 30)
    assert [e.start_at.astimezone(SHANGHAI).time() for e in events[1:]] == [time(10, 30)] * 3
    assert _helpers_of(db_session, household.id)[date(2027, 1, 12)] == [
        (helper.id, AssignmentStatus.confirmed)]

    [message] = result.notifications
    assert message.volunteer_id == helper.id and message.template == "packages/changed"
    body = message.body
    assert "2027-01-12 09:30" in body  # the confirmed one, kept
    assert "2027-01-19 09:30" in body and "2027-01-19 10:30" in body  # off, and new

    with app.app_context():
        again = _sync(db_session, household.id)
    assert (again.replaced, again.kept, again.created, again.notifications) == (0, 0, 0, [])
    assert db_session.scalar(select(func.count()).select_from(Notification).where(
        Notification.volunteer_id == helper.id)) == 1


def test_a_new_helper_takes_over_and_both_are_told(app: Flask, db_session: Session) -> None:
    household, helper, package = _setup(db_session)
    with app.app_context():
        _sync(db_session, household.id)
    successor = factories.make_volunteer(db_session, neighbourhood=household.neighbourhood,
                                         email="zhangjie@example.cn")
    successor.skills.append(package.items[0].skill)
    factories.make_availability(db_session, successor, weekday=TUE, start_time=time(8, 0),
                                end_time=time(17, 0))
    package.items[0].volunteer = successor
    db_session.flush()
    with app.app_context():
        result = _sync(db_session, household.id)
    assert (result.replaced, result.assigned) == (4, 4)
    assert {n.volunteer_id for n in result.notifications} == {helper.id, successor.id}
    assert {v[0][0] for v in _helpers_of(db_session, household.id).values()} == {successor.id}


def test_removing_an_item_or_pausing_the_package_removes_its_future_visits(
        app: Flask, db_session: Session) -> None:
    household, _helper, package = _setup(db_session)
    with app.app_context():
        _sync(db_session, household.id)
        package.active = False
        db_session.flush()
        paused = _sync(db_session, household.id)
        package.active = True
        db_session.flush()
        assert _sync(db_session, household.id).created == 4
        package.items.clear()
        db_session.flush()
        removed = _sync(db_session, household.id)
    assert paused.replaced == 4 and removed.replaced == 4
    assert _helpers_of(db_session, household.id) == {}


def test_the_database_refuses_a_second_visit_for_an_item_and_day(app: Flask,
                                                                 db_session: Session) -> None:
    household, _helper, _package = _setup(db_session)
    with app.app_context():
        _sync(db_session, household.id)
    visit = db_session.scalars(select(PackageVisit)).first()
    twin = factories.make_event(db_session, neighbourhood_id=household.neighbourhood_id,
                                household_id=household.id, is_public=False)
    db_session.add(PackageVisit(item_id=visit.item_id, due_on=visit.due_on, event=twin))
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_items_that_skip_holidays_move_off_the_town_calendars_spring_festival(
        app: Flask, db_session: Session) -> None:
    """The calendar is the town's (seeded with the 2026 notice by the migration): 15–23
    February off, Saturdays 14 and 28 February worked."""
    household = factories.make_household(db_session, contact_name="周阿公")
    haircut = factories.make_skill(db_session, code="haircut_hol", name_zh="理发")
    groceries = factories.make_skill(db_session, code="grocery_hol", name_zh="买菜送米")
    package = factories.make_package(db_session, household, starts_on=date(2026, 2, 1), items=[
        dict(skill=haircut, cadence=PackageCadence.weekly, weekday=SAT, skip_holidays=True,
             time_of_day=time(14, 0)),
        dict(skill=groceries, cadence=PackageCadence.weekly, weekday=WED,
             time_of_day=time(9, 0))])
    haircut_item, groceries_item = package.items

    def days(item_id: int) -> list[date]:
        return list(db_session.scalars(select(PackageVisit.due_on).where(
            PackageVisit.item_id == item_id).order_by(PackageVisit.due_on)))

    monday = date(2026, 2, 9)
    with app.app_context():
        generation.sync(db_session, [household.id], today=monday, zone=SHANGHAI,
                        horizon_days=28, now=datetime.combine(monday, time(8), SHANGHAI))
        # The make-up Saturdays keep their haircut; the one on the 21st comes on the 24th.
        assert days(haircut_item.id) == [date(2026, 2, 14), date(2026, 2, 24),
                                         date(2026, 2, 28), date(2026, 3, 7)]
        moved = db_session.scalar(select(Event).join(
            PackageVisit, PackageVisit.event_id == Event.id).where(
            PackageVisit.item_id == haircut_item.id, PackageVisit.due_on == date(2026, 2, 24)))
        assert moved.start_at == datetime(2026, 2, 24, 14, 0, tzinfo=SHANGHAI)
        # Groceries by default come on the holiday too.
        assert days(groceries_item.id) == [date(2026, 2, 11), date(2026, 2, 18),
                                           date(2026, 2, 25), date(2026, 3, 4)]

        groceries_item.skip_holidays = True
        db_session.flush()
        result = generation.sync(db_session, [household.id], today=monday, zone=SHANGHAI,
                                 horizon_days=28, now=datetime.combine(monday, time(8), SHANGHAI))
    assert (result.replaced, result.created) == (1, 1)
    assert days(groceries_item.id) == [date(2026, 2, 11), date(2026, 2, 24),
                                       date(2026, 2, 25), date(2026, 3, 4)]
