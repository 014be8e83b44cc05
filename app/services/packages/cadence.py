"""When a package item comes round: its due dates in a window. Pure date arithmetic, no
database, so every cadence and month end is tested on its own (tests/app/services/packages).

An item that skips public holidays has a visit due on one moved to the next day that is not
(a make-up working Saturday is not a holiday: visits due on it stay). The holiday days come in
as a set, read once by the caller from the town's calendar (`app.services.holidays`).
"""

from __future__ import annotations

import calendar
from collections.abc import Container
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.enums import PackageCadence


@dataclass(frozen=True)
class Cadence:
    kind: PackageCadence
    #: Monday = 0 (weekly, fortnightly, monthly).
    weekday: int = 0
    #: Monthly: 1–4, or -1 for the last such weekday of the month.
    nth: int | None = None
    #: Set weekdays: bit (1 << d) for each weekday d.
    weekdays_mask: int = 0
    #: Nothing is due before this day; fortnightly items count their weeks from it.
    starts_on: date = date.min
    ends_on: date | None = None
    #: A visit due on a public holiday moves to the next day that is not one.
    skip_holidays: bool = False

    @classmethod
    def of(cls, item: Any, starts_on: date, ends_on: date | None) -> Cadence:
        """The cadence of a package item (anything with the item's fields)."""
        return cls(PackageCadence(item.cadence), item.weekday, item.nth, item.weekdays_mask,
                   starts_on, ends_on, bool(item.skip_holidays))

    def weekdays(self) -> list[int]:
        return [d for d in range(7) if self.weekdays_mask & (1 << d)]


def _on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The `nth` `weekday` of the month (1–4), or the last one when `nth` is -1."""
    if nth == -1:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    return _on_or_after(date(year, month, 1), weekday) + timedelta(weeks=nth - 1)


def _months(first: date, last: date) -> list[tuple[int, int]]:
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


#: How far back a visit may come from, moved over a run of public holidays (the longest,
#: Spring Festival's, is nine days).
MOVED_AT_MOST = timedelta(days=14)


def due_dates(cadence: Cadence, first: date, last: date,
              holidays: Container[date] = frozenset()) -> list[date]:
    """The days in [first, last] on which the item is due, in order. When the item skips
    public holidays, a visit due on one of `holidays` comes on the next day that is not one;
    on a day the item is due anyway, the two are one visit."""
    if not cadence.skip_holidays:
        return _cadence_dates(cadence, first, last)
    moved = set()
    # From further back: a visit due before the window may be moved into it.
    for day in _cadence_dates(cadence, first - MOVED_AT_MOST, last):
        while day in holidays:
            day += timedelta(days=1)
        if first <= day <= last and (cadence.ends_on is None or day <= cadence.ends_on):
            moved.add(day)
    return sorted(moved)


def _cadence_dates(cadence: Cadence, first: date, last: date) -> list[date]:
    first = max(first, cadence.starts_on)
    if cadence.ends_on is not None:
        last = min(last, cadence.ends_on)
    if last < first:
        return []
    if cadence.kind == PackageCadence.monthly:
        days = [nth_weekday(y, m, cadence.weekday, cadence.nth or 1)
                for y, m in _months(first, last)]
        return [d for d in days if first <= d <= last]
    if cadence.kind == PackageCadence.weekdays:
        span = (last - first).days + 1
        wanted = set(cadence.weekdays())
        return [first + timedelta(days=i) for i in range(span)
                if (first + timedelta(days=i)).weekday() in wanted]
    step = 14 if cadence.kind == PackageCadence.fortnightly else 7
    # Fortnights are counted from the first such weekday of the package, not of the window,
    # so the visits keep their rhythm whatever day the horizon starts.
    day = _on_or_after(cadence.starts_on if step == 14 else first, cadence.weekday)
    if day < first:
        day += timedelta(days=-(-(first - day).days // step) * step)
    out = []
    while day <= last:
        out.append(day)
        day += timedelta(days=step)
    return out
