"""When a package item comes round: its due dates in a window. Pure date arithmetic, no
database, so every cadence and month end is tested on its own (tests/app/services/packages).

There is no holiday calendar in Linli yet; when there is one, a visit falling on a holiday
should move here, in one place.
"""

from __future__ import annotations

import calendar
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

    @classmethod
    def of(cls, item: Any, starts_on: date, ends_on: date | None) -> Cadence:
        """The cadence of a package item (anything with the item's fields)."""
        return cls(PackageCadence(item.cadence), item.weekday, item.nth, item.weekdays_mask,
                   starts_on, ends_on)

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


def due_dates(cadence: Cadence, first: date, last: date) -> list[date]:
    """The days in [first, last] on which the item is due, in order."""
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
