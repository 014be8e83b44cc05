"""A period's ledger sums read from the monthly totals (`app.models.HoursMonth`).

A period is cut into whole calendar months, read from the totals (one row per volunteer and
month), and the days of a month it covers only in part (its first and last month, at most),
summed from the ledger for those days only. Either way a row is a volunteer's month: the same
figures the ledger's own sum gives, exactly, at a twentieth of the rows for a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Integer, case, cast, false, func, literal, select, union_all

from app.enums import HoursKind
from app.models import HoursEntry, HoursMonth


def next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class Cut:
    """A period as whole months (`first_month`…`last_month`, first days; None: open; `whole`
    False: none) and the part-month day ranges beside them, each within one month."""

    whole: bool
    first_month: date | None
    last_month: date | None
    days: tuple[tuple[date, date], ...]


def cut(start: date | None, end: date | None) -> Cut:
    """Whole months from the first day `start`'s month is whole from, to the last day of the
    last month `end` covers entirely; the days before and after from the ledger."""
    if start is not None and end is not None and start > end:
        return Cut(False, None, None, ())
    # The whole months: [first_month, after_last) in days.
    first_month = None if start is None else start if start.day == 1 else next_month(start)
    after_last = None if end is None else (
        next_month(end) if next_month(end) - timedelta(days=1) == end else end.replace(day=1))
    if first_month is not None and after_last is not None and first_month >= after_last:
        assert start is not None and end is not None
        # No whole month: one or two part-months.
        if start.replace(day=1) == end.replace(day=1):
            return Cut(False, None, None, ((start, end),))
        return Cut(False, None, None, ((start, next_month(start) - timedelta(days=1)),
                                       (end.replace(day=1), end)))
    days = []
    if start is not None and first_month is not None and start < first_month:
        days.append((start, first_month - timedelta(days=1)))
    if end is not None and after_last is not None and after_last <= end:
        days.append((after_last, end))
    last_month = None if after_last is None else (after_last - timedelta(days=1)).replace(day=1)
    return Cut(True, first_month, last_month, tuple(days))


def month_rows(start: date | None = None, end: date | None = None, *,
               volunteers: Any = None) -> Any:
    """A selectable of ``volunteer_id, month, minutes, shifts, corrected`` — one row per
    volunteer and month with ledger entries from `start` to `end` (both included; None: open)
    — summing to exactly what the ledger's entries in the period sum to. `volunteers`: a
    SELECT of volunteer ids to keep (all when None)."""
    period = cut(start, end)
    parts = []
    if period.whole:
        whole = select(HoursMonth.volunteer_id.label("volunteer_id"),
                       HoursMonth.month.label("month"), HoursMonth.minutes.label("minutes"),
                       HoursMonth.shifts.label("shifts"),
                       HoursMonth.corrected_minutes.label("corrected"))
        if period.first_month is not None:
            whole = whole.where(HoursMonth.month >= period.first_month)
        if period.last_month is not None:
            whole = whole.where(HoursMonth.month <= period.last_month)
        if volunteers is not None:
            whole = whole.where(HoursMonth.volunteer_id.in_(volunteers))
        parts.append(whole)
    for first, last in period.days:
        part = (
            select(HoursEntry.volunteer_id.label("volunteer_id"),
                   literal(first.replace(day=1), Date).label("month"),
                   # integers as the totals' columns are (PostgreSQL sums them into
                   # bigint; its sum of a bigint is a numeric, a Decimal in Python)
                   cast(func.sum(HoursEntry.minutes), Integer).label("minutes"),
                   cast(func.count().filter(HoursEntry.kind == HoursKind.attendance),
                        Integer).label("shifts"),
                   cast(func.sum(case((HoursEntry.kind == HoursKind.correction,
                                       HoursEntry.minutes), else_=0)),
                        Integer).label("corrected"))
            .where(HoursEntry.service_on >= first, HoursEntry.service_on <= last)
            .group_by(HoursEntry.volunteer_id))
        if volunteers is not None:
            part = part.where(HoursEntry.volunteer_id.in_(volunteers))
        parts.append(part)
    if not parts:  # an empty period: no rows, the same columns
        parts.append(select(HoursMonth.volunteer_id.label("volunteer_id"),
                            HoursMonth.month.label("month"),
                            HoursMonth.minutes.label("minutes"),
                            HoursMonth.shifts.label("shifts"),
                            HoursMonth.corrected_minutes.label("corrected")).where(false()))
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("months")
