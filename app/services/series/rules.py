"""A series' days: its repeat rule expanded by dateutil.rrule (RFC 5545's RRULE), then the
holiday calendar applied: a day falling on a public holiday is skipped, moved to the next
working day, or kept, as the series says. Pure: no database, so every rule is tested around
Spring Festival, National Day and the make-up working days on its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

from app.enums import SeriesFrequency, SeriesOnHoliday
from app.services.holidays import HolidayCalendar, HolidayDay

#: A rule without an end is expanded this far at most (a preview looking for its next days).
FAR = timedelta(days=3 * 366)
#: How far past a window the calendar must reach for a day moved off a holiday at the
#: window's end: longer than the longest run of days off (Spring Festival, National Day).
MOVE_REACH = timedelta(days=21)
#: How far past an expanded window the holiday calendar must reach.
CALENDAR_REACH = 2 * MOVE_REACH


@dataclass(frozen=True)
class Rule:
    frequency: SeriesFrequency
    weekdays: tuple[int, ...]
    starts_on: date
    interval: int = 1
    #: Monthly: the nth (1–4) or last (-1) of the weekdays in each month.
    month_position: int | None = None
    ends_on: date | None = None
    #: Occurrences in all, counted after holidays are skipped (a moved day counts once).
    occurrences: int | None = None
    on_holiday: SeriesOnHoliday = SeriesOnHoliday.skip
    on_makeup_days: bool = False

    @classmethod
    def of(cls, series: Any) -> Rule:
        """The rule of a series (anything with its fields)."""
        return cls(SeriesFrequency(series.frequency), tuple(series.weekdays), series.starts_on,
                   series.repeat_interval or 1, series.month_position, series.ends_on,
                   series.occurrences, SeriesOnHoliday(series.on_holiday),
                   bool(series.on_makeup_days))

    @property
    def is_weekday_series(self) -> bool:
        """Weekly on working weekdays only: the kind of series make-up days apply to."""
        return (self.frequency == SeriesFrequency.weekly and bool(self.weekdays)
                and all(d < 5 for d in self.weekdays))


@dataclass(frozen=True)
class MovedDay:
    """A day of the rule that is a public holiday, and the working day it moved to."""

    holiday: HolidayDay
    to: date


@dataclass
class Expansion:
    #: The days the series runs on, in order.
    days: list[date] = field(default_factory=list)
    #: Days of the rule left out as public holidays, with the holiday's name.
    skipped: list[HolidayDay] = field(default_factory=list)
    #: Make-up working days added to a weekday series.
    added: list[HolidayDay] = field(default_factory=list)
    #: Days of the rule on a public holiday moved to the next working day (in `days`).
    moved: list[MovedDay] = field(default_factory=list)


def _rule_days(rule: Rule, last: date) -> list[date]:
    start = datetime.combine(rule.starts_on, datetime.min.time())
    days = [weekday(d) for d in rule.weekdays]
    if rule.frequency == SeriesFrequency.monthly:
        recurrence = rrule(MONTHLY, dtstart=start, interval=rule.interval, byweekday=days,
                           bysetpos=rule.month_position or 1,
                           until=datetime.combine(last, datetime.min.time()))
    else:
        recurrence = rrule(WEEKLY, dtstart=start, interval=rule.interval, byweekday=days,
                           until=datetime.combine(last, datetime.min.time()))
    return [moment.date() for moment in recurrence]


def next_working_day(calendar: HolidayCalendar, day: date) -> date:
    """The first working day after `day` (a make-up Saturday counts)."""
    following = day + timedelta(days=1)
    while not calendar.is_working_day(following):
        following += timedelta(days=1)
    return following


#: How each candidate day comes into a series.
_RULE, _MOVED, _ADDED, _SKIPPED = "rule", "moved", "added", "skipped"
#: A holiday moved onto a day the series already runs on: named, not run twice.
_MERGED = "merged"


def _candidates(rule: Rule, calendar: HolidayCalendar, end: date
                ) -> list[tuple[date, HolidayDay | None, str]]:
    """Each day of the rule up to `end` as (the day it runs on, the holiday it was moved off,
    skipped for or the make-up day it is, how it came), in the order they run, a day run at
    most once."""
    out: list[tuple[date, HolidayDay | None, str]] = []
    for day in _rule_days(rule, end):
        if not calendar.is_public_holiday(day) or rule.on_holiday == SeriesOnHoliday.keep:
            out.append((day, None, _RULE))
        elif rule.on_holiday == SeriesOnHoliday.move:
            out.append((next_working_day(calendar, day), calendar.entry(day), _MOVED))
        else:  # a skipped day: kept to report, never counted
            out.append((day, calendar.entry(day), _SKIPPED))
    if rule.on_makeup_days and rule.is_weekday_series:
        # Weekend days only, so never a day of the rule itself.
        out += [(day, entry, _ADDED) for day, entry in calendar.days.items()
                if rule.starts_on <= day <= end and calendar.is_makeup_workday(day)]
    out.sort(key=lambda c: (c[0], c[2] == _MOVED))
    seen: set[date] = set()
    unique = []
    for day, entry, how in out:
        if how != _SKIPPED:
            # Two days landing on one (two Mondays of Spring Festival moved to the Tuesday
            # after it, a moved day that is also a day of the rule): one occurrence.
            if day in seen:
                if how == _MOVED:
                    unique.append((day, entry, _MERGED))
                continue
            seen.add(day)
        unique.append((day, entry, how))
    return unique


def expand(rule: Rule, calendar: HolidayCalendar, first: date, last: date) -> Expansion:
    """The series' days in [first, last] (and the holidays it skips or moves there). A rule
    with a count is counted from its first day, so a window in its middle gives the same
    days. The calendar must reach `CALENDAR_REACH` past `last`: the rule is read a little
    beyond the window, so a day moved across its end is counted in its place."""
    out = Expansion()
    if not rule.weekdays:
        return out
    end = min(last, rule.ends_on) if rule.ends_on else last
    if end < rule.starts_on:
        return out
    beyond = last + MOVE_REACH
    taken = 0
    for day, entry, how in _candidates(
            rule, calendar, min(beyond, rule.ends_on) if rule.ends_on else beyond):
        if rule.occurrences is not None and taken >= rule.occurrences:
            break
        runs = how not in (_SKIPPED, _MERGED)
        if runs:
            taken += 1
        if not first <= day <= last:
            continue
        if runs:
            out.days.append(day)
        if entry is None:
            continue
        if how == _SKIPPED:
            out.skipped.append(entry)
        elif how in (_MOVED, _MERGED):
            out.moved.append(MovedDay(entry, day))
        elif how == _ADDED:
            out.added.append(entry)
    return out


def next_days(rule: Rule, calendar: HolidayCalendar, today: date, n: int) -> Expansion:
    """The next `n` days of the series from `today` (a preview), and the holidays skipped
    before the last of them."""
    found = expand(rule, calendar, today, today + FAR)
    if len(found.days) <= n:
        return found
    last = found.days[n - 1]
    return Expansion(found.days[:n], [s for s in found.skipped if s.day <= last],
                     [a for a in found.added if a.day <= last],
                     [m for m in found.moved if m.to <= last])
