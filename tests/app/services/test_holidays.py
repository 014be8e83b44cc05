"""The holiday calendar as the migration seeds it: the State Council's 2026 arrangement, day
by day around Spring Festival and National Day, and 2027's statutory days awaiting the notice."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from app.enums import HolidayKind
from app.models import HolidayPeriod
from app.services import holidays

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("day, off, working", [
    (date(2026, 2, 13), False, True),   # Friday before the week off
    (date(2026, 2, 14), False, True),   # Saturday worked (调休上班)
    (date(2026, 2, 15), True, False),   # 腊月二十八, first day off
    (date(2026, 2, 17), True, False),   # 正月初一
    (date(2026, 2, 23), True, False),   # Monday, 正月初七, last day off
    (date(2026, 2, 24), False, True),
    (date(2026, 2, 28), False, True),   # Saturday worked
    (date(2026, 3, 1), False, False),   # an ordinary Sunday
    (date(2026, 9, 20), False, True),   # Sunday worked before National Day
    (date(2026, 9, 25), True, False),   # Mid-Autumn Friday
    (date(2026, 10, 5), True, False),   # National Day Monday
    (date(2026, 10, 8), False, True),
    (date(2026, 10, 10), False, True),  # Saturday worked after it
    (date(2026, 1, 4), False, True),    # Sunday worked after New Year
])
def test_the_2026_notice_day_by_day(db_session, day: date, off: bool, working: bool) -> None:
    assert holidays.is_public_holiday(db_session, day) is off
    assert holidays.is_working_day(db_session, day) is working


def test_between_names_each_day_and_2027_awaits_the_notice(app, db_session) -> None:
    with app.test_request_context():
        days = holidays.between(db_session, date(2026, 9, 19), date(2026, 10, 11))
    assert [(d.day.day, d.kind, d.name) for d in days if d.kind == HolidayKind.workday] == [
        (20, HolidayKind.workday, "国庆节"), (10, HolidayKind.workday, "国庆节")]
    assert {d.name for d in days if d.day == date(2026, 9, 26)} == {"中秋节"}
    assert sum(d.kind == HolidayKind.holiday for d in days) == 3 + 7
    assert all(d.confirmed for d in days)
    spring = holidays.between(db_session, date(2027, 2, 1), date(2027, 2, 28))
    assert [d.day for d in spring] == [date(2027, 2, d) for d in (5, 6, 7, 8)]
    assert not any(d.confirmed for d in spring)


def test_english_names(app, db_session) -> None:
    with app.test_request_context(), force_locale("en"):
        calendar = holidays.calendar_between(db_session, date(2026, 10, 1), date(2026, 10, 1))
    assert calendar.entry(date(2026, 10, 1)).name == "National Day"


def test_an_overlapping_or_backward_period_is_refused(app, db_session) -> None:
    with app.test_request_context(), force_locale("en"):
        clash = HolidayPeriod(name="补班", kind=HolidayKind.workday,
                              first_day=date(2026, 10, 7), last_day=date(2026, 10, 7))
        with pytest.raises(holidays.HolidayError, match="National Day"):
            holidays.check_period(db_session, clash)
        backward = HolidayPeriod(name="元旦", first_day=date(2028, 1, 2),
                                 last_day=date(2028, 1, 1))
        with pytest.raises(holidays.HolidayError, match="before the first"):
            holidays.check_period(db_session, backward)
        fine = HolidayPeriod(name="元旦", kind=HolidayKind.holiday,
                             first_day=date(2028, 1, 1), last_day=date(2028, 1, 1))
        db_session.add(fine)
        holidays.check_period(db_session, fine)
        db_session.flush()
        # Checking the saved period again does not find it clashing with itself.
        fine.last_day = date(2028, 1, 2)
        holidays.check_period(db_session, fine)
    assert holidays.is_public_holiday(db_session, date(2028, 1, 1))
