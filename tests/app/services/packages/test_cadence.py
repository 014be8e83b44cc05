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


#: 2026's Spring Festival as the State Council arranged it: 15–23 February off, Saturdays
#: 14 and 28 February worked (make-up working days, not holidays).
SPRING_FESTIVAL_2026 = frozenset(date(2026, 2, d) for d in range(15, 24))


def test_a_visit_due_in_the_spring_festival_week_comes_the_day_after_it() -> None:
    saturdays = Cadence(PackageCadence.weekly, weekday=SAT, skip_holidays=True)
    # The make-up Saturdays are working days: their visits stay; 21 February moves to the
    # 24th, the first day off the holiday (Monday the 23rd is still one).
    assert due_dates(saturdays, date(2026, 2, 9), date(2026, 3, 8), SPRING_FESTIVAL_2026) == [
        date(2026, 2, 14), date(2026, 2, 24), date(2026, 2, 28), date(2026, 3, 7)]
    # By default an item keeps its days: elderly people need their groceries on holidays too.
    wednesdays = Cadence(PackageCadence.weekly, weekday=WED)
    assert due_dates(wednesdays, date(2026, 2, 9), date(2026, 3, 1), SPRING_FESTIVAL_2026) == [
        date(2026, 2, 11), date(2026, 2, 18), date(2026, 2, 25)]


def test_moved_visits_never_double_up_and_may_come_from_before_the_window() -> None:
    weekdays = Cadence(PackageCadence.weekdays, weekdays_mask=0b11111, skip_holidays=True)
    # The six working days the holiday took become one visit, on the 24th.
    assert due_dates(weekdays, date(2026, 2, 16), date(2026, 2, 25), SPRING_FESTIVAL_2026) == [
        date(2026, 2, 24), date(2026, 2, 25)]
    # A window opening on the 24th still has the visit moved there from the 18th…
    wednesdays = Cadence(PackageCadence.weekly, weekday=WED, skip_holidays=True)
    assert due_dates(wednesdays, date(2026, 2, 24), date(2026, 2, 25), SPRING_FESTIVAL_2026) == [
        date(2026, 2, 24), date(2026, 2, 25)]
    # …but none moved past the package's end, nor to before its start.
    ended = Cadence(PackageCadence.weekly, weekday=WED, skip_holidays=True,
                    ends_on=date(2026, 2, 20))
    assert due_dates(ended, date(2026, 2, 9), date(2026, 3, 1), SPRING_FESTIVAL_2026) == [
        date(2026, 2, 11)]
    late = Cadence(PackageCadence.weekly, weekday=WED, skip_holidays=True,
                   starts_on=date(2026, 2, 19))
    assert due_dates(late, date(2026, 2, 9), date(2026, 3, 1), SPRING_FESTIVAL_2026) == [
        date(2026, 2, 25)]
