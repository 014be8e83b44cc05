"""A series' days: its repeat rule expanded by dateutil.rrule (RFC 5545's RRULE), then the
holiday calendar applied. Pure: no database, so every rule is tested around Spring Festival,
National Day and the make-up working days on its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

from app.enums import SeriesFrequency
from app.services.holidays import HolidayCalendar, HolidayDay

#: A rule without an end is expanded this far at most (a preview looking for its next days).
FAR = timedelta(days=3 * 366)


@dataclass(frozen=True)
class Rule:
    frequency: SeriesFrequency
    weekdays: tuple[int, ...]
    starts_on: date
    interval: int = 1
    #: Monthly: the nth (1–4) or last (-1) of the weekdays in each month.
    month_position: int | None = None
    ends_on: date | None = None
    #: Occurrences in all, counted after holidays are skipped.
    occurrences: int | None = None
    skip_holidays: bool = True
    on_makeup_days: bool = False

    @classmethod
    def of(cls, series: Any) -> Rule:
        """The rule of a series (anything with its fields)."""
        return cls(SeriesFrequency(series.frequency), tuple(series.weekdays), series.starts_on,
                   series.repeat_interval or 1, series.month_position, series.ends_on,
                   series.occurrences, bool(series.skip_holidays),
                   bool(series.on_makeup_days))

    @property
    def is_weekday_series(self) -> bool:
        """Weekly on working weekdays only: the kind of series make-up days apply to."""
        return (self.frequency == SeriesFrequency.weekly and bool(self.weekdays)
                and all(d < 5 for d in self.weekdays))


@dataclass
class Expansion:
    #: The days the series runs on, in order.
    days: list[date] = field(default_factory=list)
    #: Days of the rule left out as public holidays, with the holiday's name.
    skipped: list[HolidayDay] = field(default_factory=list)
    #: Make-up working days added to a weekday series.
    added: list[HolidayDay] = field(default_factory=list)


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


def expand(rule: Rule, calendar: HolidayCalendar, first: date, last: date) -> Expansion:
    """The series' days in [first, last] (and the holidays it skips there). A rule with a
    count is counted from its first day, so a window in its middle gives the same days."""
    out = Expansion()
    if not rule.weekdays:
        return out
    end = min(last, rule.ends_on) if rule.ends_on else last
    if end < rule.starts_on:
        return out
    candidates: list[tuple[date, HolidayDay | None]] = []
    for day in _rule_days(rule, end):
        entry = calendar.entry(day)
        if rule.skip_holidays and calendar.is_public_holiday(day):
            candidates.append((day, entry))  # a skipped day: kept to report, never counted
            continue
        candidates.append((day, None))
    if rule.on_makeup_days and rule.is_weekday_series:
        rule_days = {day for day, _ in candidates}
        for day in sorted(calendar.days):
            entry = calendar.days[day]
            if (rule.starts_on <= day <= end and day not in rule_days
                    and calendar.is_makeup_workday(day)):
                candidates.append((day, None))
                if first <= day:
                    out.added.append(entry)
        candidates.sort(key=lambda pair: pair[0])
    taken = 0
    for day, skipped in candidates:
        if rule.occurrences is not None and taken >= rule.occurrences:
            break
        if skipped is not None:
            if day >= first:
                out.skipped.append(skipped)
            continue
        taken += 1
        if day >= first:
            out.days.append(day)
    if rule.occurrences is not None:
        kept = set(out.days)
        out.added = [entry for entry in out.added if entry.day in kept]
    return out


def next_days(rule: Rule, calendar: HolidayCalendar, today: date, n: int) -> Expansion:
    """The next `n` days of the series from `today` (a preview), and the holidays skipped
    before the last of them."""
    found = expand(rule, calendar, today, today + FAR)
    if len(found.days) <= n:
        return found
    last = found.days[n - 1]
    return Expansion(found.days[:n], [s for s in found.skipped if s.day <= last],
                     [a for a in found.added if a.day <= last])
