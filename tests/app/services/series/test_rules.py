"""Repeat rules expanded against the seeded holiday calendar: Spring Festival and National
Day 2026 skipped and named, make-up working days added to weekday series, "N times" counted
without the skipped days, and 2027's days marked as awaiting the State Council's notice."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from app.enums import SeriesFrequency, SeriesOnHoliday
from app.services.holidays import calendar_between
from app.services.series.rules import Rule, expand, next_days

pytestmark = pytest.mark.integration

MON, TUE, WED, THU, FRI, SAT = range(6)
WEEKDAYS = (MON, TUE, WED, THU, FRI)


def _expand(db_session, rule: Rule, first: date, last: date):  # type: ignore[no-untyped-def]
    calendar = calendar_between(db_session, min(first, rule.starts_on), last)
    return expand(rule, calendar, first, last)


def test_every_monday_skips_the_spring_festival_mondays(app, db_session) -> None:
    rule = Rule(SeriesFrequency.weekly, (MON,), date(2026, 2, 2))
    with app.test_request_context():
        found = _expand(db_session, rule, date(2026, 2, 1), date(2026, 3, 8))
    assert found.days == [date(2026, 2, 2), date(2026, 2, 9), date(2026, 3, 2)]
    assert [(s.day, s.name) for s in found.skipped] == [
        (date(2026, 2, 16), "春节"), (date(2026, 2, 23), "春节")]
    kept = _expand(db_session, Rule(SeriesFrequency.weekly, (MON,), date(2026, 2, 2),
                                    on_holiday=SeriesOnHoliday.keep),
                   date(2026, 2, 1), date(2026, 3, 8))
    assert len(kept.days) == 5 and kept.skipped == []


def test_every_other_saturday(db_session) -> None:
    rule = Rule(SeriesFrequency.weekly, (SAT,), date(2026, 2, 7), interval=2)
    found = _expand(db_session, rule, date(2026, 2, 1), date(2026, 3, 31))
    # 21 February is a day off; 14 February (a make-up working day) is not in the rhythm.
    assert found.days == [date(2026, 2, 7), date(2026, 3, 7), date(2026, 3, 21)]
    assert [s.day for s in found.skipped] == [date(2026, 2, 21)]


def test_second_saturday_of_each_month_keeps_a_make_up_working_saturday(db_session) -> None:
    rule = Rule(SeriesFrequency.monthly, (SAT,), date(2026, 1, 1), month_position=2)
    found = _expand(db_session, rule, date(2026, 1, 1), date(2026, 3, 31))
    assert found.days == [date(2026, 1, 10), date(2026, 2, 14), date(2026, 3, 14)]


def test_first_weekday_of_the_month_skips_national_day(app, db_session) -> None:
    rule = Rule(SeriesFrequency.monthly, WEEKDAYS, date(2026, 9, 1), month_position=1)
    with app.test_request_context(), force_locale("en"):
        found = _expand(db_session, rule, date(2026, 9, 1), date(2026, 11, 30))
    assert found.days == [date(2026, 9, 1), date(2026, 11, 2)]
    assert [(s.day, s.name) for s in found.skipped] == [(date(2026, 10, 1), "National Day")]


def test_a_weekday_series_also_runs_on_make_up_days(db_session) -> None:
    rule = Rule(SeriesFrequency.weekly, WEEKDAYS, date(2026, 9, 14), on_makeup_days=True)
    found = _expand(db_session, rule, date(2026, 9, 14), date(2026, 10, 16))
    assert date(2026, 9, 20) in found.days and date(2026, 10, 10) in found.days
    assert [a.day for a in found.added] == [date(2026, 9, 20), date(2026, 10, 10)]
    assert date(2026, 9, 25) not in found.days  # Mid-Autumn
    assert not any(date(2026, 10, d) in found.days for d in range(1, 8))
    assert date(2026, 10, 8) in found.days
    # Weekdays: 15 in the five weeks, less Mid-Autumn and five National Day weekdays, plus 2.
    assert len(found.days) == 25 - 1 - 5 + 2
    assert not rule.__class__(SeriesFrequency.weekly, (MON, SAT), date(2026, 9, 14),
                              on_makeup_days=True).is_weekday_series


def test_n_times_do_not_count_the_skipped_days_and_hold_in_any_window(db_session) -> None:
    rule = Rule(SeriesFrequency.weekly, (MON,), date(2026, 2, 2), occurrences=3)
    whole = _expand(db_session, rule, date(2026, 2, 1), date(2026, 12, 31))
    assert whole.days == [date(2026, 2, 2), date(2026, 2, 9), date(2026, 3, 2)]
    later = _expand(db_session, rule, date(2026, 2, 10), date(2026, 12, 31))
    assert later.days == [date(2026, 3, 2)]
    until = Rule(SeriesFrequency.weekly, (MON,), date(2026, 2, 2), ends_on=date(2026, 2, 10))
    assert _expand(db_session, until, date(2026, 1, 1), date(2026, 12, 31)).days == [
        date(2026, 2, 2), date(2026, 2, 9)]


def test_the_preview_names_2027s_days_as_unconfirmed(db_session) -> None:
    rule = Rule(SeriesFrequency.weekly, (FRI,), date(2027, 9, 3))
    calendar = calendar_between(db_session, date(2027, 9, 1), date(2030, 12, 31))
    found = next_days(rule, calendar, date(2027, 9, 20), 3)
    assert found.days == [date(2027, 9, 24), date(2027, 10, 8), date(2027, 10, 15)]
    assert [(s.day, s.confirmed) for s in found.skipped] == [(date(2027, 10, 1), False)]


def test_the_first_weekday_of_october_moves_past_national_day(app, db_session) -> None:
    rule = Rule(SeriesFrequency.monthly, WEEKDAYS, date(2026, 9, 1), month_position=1,
                on_holiday=SeriesOnHoliday.move)
    with app.test_request_context(), force_locale("en"):
        found = _expand(db_session, rule, date(2026, 9, 1), date(2026, 11, 30))
    # 1 October (a Thursday) moves to the first working day after the holiday week.
    assert found.days == [date(2026, 9, 1), date(2026, 10, 8), date(2026, 11, 2)]
    assert [(m.holiday.day, m.holiday.name, m.to) for m in found.moved] == [
        (date(2026, 10, 1), "National Day", date(2026, 10, 8))]
    assert found.skipped == []


def test_two_holiday_mondays_moved_onto_one_day_run_once_and_count_once(db_session) -> None:
    rule = Rule(SeriesFrequency.weekly, (MON,), date(2026, 2, 2), occurrences=4,
                on_holiday=SeriesOnHoliday.move)
    found = _expand(db_session, rule, date(2026, 2, 1), date(2026, 12, 31))
    # 16 and 23 February are Spring Festival days off: both move to Tuesday the 24th.
    assert found.days == [date(2026, 2, 2), date(2026, 2, 9), date(2026, 2, 24),
                          date(2026, 3, 2)]
    assert [(m.holiday.day, m.to) for m in found.moved] == [
        (date(2026, 2, 16), date(2026, 2, 24)), (date(2026, 2, 23), date(2026, 2, 24))]
    # A window ending on the holiday leaves the moved day to the next window, which has it.
    assert _expand(db_session, rule, date(2026, 2, 10), date(2026, 2, 23)).days == []
    assert _expand(db_session, rule, date(2026, 2, 10), date(2026, 3, 1)).days == [
        date(2026, 2, 24)]
