"""A request's due date: its category's working days on the holiday calendar, set at intake
(whichever way it comes in), recomputed when it changes category (not once resolved), and the
demo's requests dated the same way."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import HolidayKind, RequestCategory, RequestStatus
from app.models import HolidayPeriod, RequestDeadline, ResidentRequest, utcnow
from app.services import requests
from app.services.holidays import calendar_between
from app.services.requests import deadlines
from tests import factories as f

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Asia/Shanghai")


def _days(session: Session, category: RequestCategory, days: int | None) -> None:
    row = session.scalars(select(RequestDeadline)
                          .where(RequestDeadline.category == category)).one()
    if days is None:
        session.delete(row)
    else:
        row.working_days = days
    session.flush()


@pytest.fixture
def national_day(db_session: Session) -> None:
    """2031: National Day week off (Wed 1 – Tue 7 October), Saturday 27 September worked."""
    db_session.add_all([
        HolidayPeriod(name="国庆节", kind=HolidayKind.holiday, first_day=date(2031, 10, 1),
                      last_day=date(2031, 10, 7)),
        HolidayPeriod(name="国庆节调休", kind=HolidayKind.workday, first_day=date(2031, 9, 27),
                      last_day=date(2031, 9, 27))])
    db_session.flush()


def test_the_migration_gives_every_category_a_deadline(db_session: Session) -> None:
    assert deadlines.working_days_by_category(db_session) == deadlines.DEFAULT_WORKING_DAYS
    assert set(deadlines.DEFAULT_WORKING_DAYS) == set(RequestCategory)


def test_working_days_skip_weekends_and_holidays_and_count_make_up_days(
        db_session: Session, national_day: None) -> None:
    thursday = datetime(2031, 9, 25, 9, 0, tzinfo=ZONE)
    # Friday 26 and the worked Saturday 27: due at the end of that Saturday.
    assert deadlines.due_at(db_session, RequestCategory.safety, thursday, ZONE) == datetime(
        2031, 9, 28, tzinfo=ZONE)
    # Fri 26, Sat 27, Mon 29, Tue 30, then the holiday week; the fifth is Wednesday 8.
    assert deadlines.due_at(db_session, RequestCategory.property_repair, thursday,
                            ZONE) == datetime(2031, 10, 9, tzinfo=ZONE)
    # 01:00 on Friday in Shanghai is still Thursday in UTC: the local day counts.
    friday_night = datetime(2031, 9, 25, 17, 0, tzinfo=ZoneInfo("UTC"))
    assert deadlines.due_at(db_session, RequestCategory.safety, friday_night,
                            ZONE) == datetime(2031, 9, 30, tzinfo=ZONE)


def test_intake_sets_the_due_date_from_the_towns_deadline(app: Flask,
                                                          db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    _days(db_session, RequestCategory.health, 1)
    _days(db_session, RequestCategory.other, None)
    with app.test_request_context():
        health = requests.create_request(db_session, requests.RequestInput(
            neighbourhood_id=n.id, category="health", text="希望每月有医生来量血压"))
        other = requests.create_request(db_session, requests.RequestInput(
            neighbourhood_id=n.id, category="other", text="别的事情"))
    received = health.received_at.astimezone(ZONE).date()
    calendar = calendar_between(db_session, received, received + timedelta(days=30))
    last = deadlines.last_working_day(calendar, received, 1)
    assert health.due_at == datetime.combine(last + timedelta(days=1), datetime.min.time(),
                                             tzinfo=ZONE)
    assert health.due_at > utcnow()
    assert other.due_at is None  # the town took the category's deadline away


def test_a_new_category_moves_the_deadline_but_not_once_resolved(db_session: Session,
                                                                  national_day: None) -> None:
    received = datetime(2031, 9, 25, 9, 0, tzinfo=ZONE)
    n = f.make_neighbourhood(db_session)
    open_one = f.make_resident_request(db_session, neighbourhood=n, received_at=received,
                                       category=RequestCategory.other)
    done = f.make_resident_request(db_session, neighbourhood=n, received_at=received,
                                   category=RequestCategory.other,
                                   status=RequestStatus.resolved, resolved_at=received)
    for row in (open_one, done):
        row.category = RequestCategory.safety
        deadlines.recategorised(db_session, row, ZONE)
    assert open_one.due_at == datetime(2031, 9, 28, tzinfo=ZONE)
    assert done.due_at is None


def test_the_demo_clock_agrees_with_intake(db_session: Session, national_day: None) -> None:
    clock = deadlines.DeadlineClock(db_session, date(2031, 9, 1), date(2031, 9, 30), ZONE)
    for category in RequestCategory:
        for hour in (0, 9, 23):
            received = datetime(2031, 9, 25, hour, 30, tzinfo=ZONE)
            assert clock.due(category, received) == deadlines.due_at(
                db_session, category, received, ZONE), (category, hour)


def test_the_demos_open_requests_are_dated_by_their_category(app: Flask,
                                                             db_session: Session) -> None:
    from app.services.demo.requests import load_requests

    n = f.make_neighbourhood(db_session, name="期限演示")
    today = date(2031, 10, 20)
    with app.app_context():
        load_requests(db_session, [n], ZONE, today)
    rows = db_session.scalars(select(ResidentRequest)
                              .where(ResidentRequest.neighbourhood_id == n.id)).all()
    assert rows
    clock = deadlines.DeadlineClock(db_session, today - timedelta(days=400), today, ZONE)
    assert all(r.due_at == clock.due(r.category, r.received_at) for r in rows)
