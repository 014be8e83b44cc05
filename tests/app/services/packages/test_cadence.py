"""Due dates of a package item: each cadence, month ends, the package's own dates."""

from __future__ import annotations

from datetime import date

from app.enums import PackageCadence
from app.services.packages.cadence import Cadence, due_dates, nth_weekday

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def test_weekly_is_each_such_weekday_in_the_window() -> None:
    days = due_dates(Cadence(PackageCadence.weekly, weekday=TUE),
                     date(2026, 12, 1), date(2026, 12, 31))
    assert days == [date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 15),
                    date(2026, 12, 22), date(2026, 12, 29)]


def test_fortnightly_keeps_its_rhythm_from_the_package_start_whatever_the_window() -> None:
    cadence = Cadence(PackageCadence.fortnightly, weekday=FRI, starts_on=date(2026, 11, 2))
    # From 2 November the first Friday is 6 November: then 20 November, 4 and 18 December…
    assert due_dates(cadence, date(2026, 12, 1), date(2026, 12, 31)) == [
        date(2026, 12, 4), date(2026, 12, 18)]
    # …and a window starting a week later does not shift the fortnights.
    assert due_dates(cadence, date(2026, 12, 8), date(2027, 1, 15)) == [
        date(2026, 12, 18), date(2027, 1, 1), date(2027, 1, 15)]


def test_monthly_nth_and_last_weekday_across_month_ends_and_a_leap_february() -> None:
    assert nth_weekday(2028, 2, TUE, -1) == date(2028, 2, 29)  # leap year, last day
    assert nth_weekday(2027, 2, SUN, -1) == date(2027, 2, 28)
    assert nth_weekday(2026, 12, THU, -1) == date(2026, 12, 31)
    assert nth_weekday(2026, 3, SUN, 1) == date(2026, 3, 1)
    assert nth_weekday(2026, 3, MON, 4) == date(2026, 3, 23)
    third_wednesdays = due_dates(Cadence(PackageCadence.monthly, weekday=WED, nth=3),
                                 date(2026, 11, 20), date(2027, 2, 28))
    assert third_wednesdays == [date(2026, 12, 16), date(2027, 1, 20), date(2027, 2, 17)]
    last_fridays = due_dates(Cadence(PackageCadence.monthly, weekday=FRI, nth=-1),
                             date(2026, 12, 1), date(2027, 3, 31))
    assert last_fridays == [date(2026, 12, 25), date(2027, 1, 29), date(2027, 2, 26),
                            date(2027, 3, 26)]


def test_set_weekdays_every_week() -> None:
    mask = (1 << MON) | (1 << THU)
    days = due_dates(Cadence(PackageCadence.weekdays, weekdays_mask=mask),
                     date(2026, 12, 1), date(2026, 12, 14))
    assert days == [date(2026, 12, 3), date(2026, 12, 7), date(2026, 12, 10),
                    date(2026, 12, 14)]


def test_nothing_is_due_outside_the_package_dates() -> None:
    cadence = Cadence(PackageCadence.weekly, weekday=MON, starts_on=date(2026, 12, 9),
                      ends_on=date(2026, 12, 21))
    assert due_dates(cadence, date(2026, 12, 1), date(2026, 12, 31)) == [
        date(2026, 12, 14), date(2026, 12, 21)]
    assert due_dates(cadence, date(2027, 1, 1), date(2027, 1, 31)) == []
