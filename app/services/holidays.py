"""The public holiday calendar: which days are off (放假) and which weekend days are worked
(调休上班), from the rows the town admin keeps (`HolidayPeriod`).

`calendar_between` reads a window once into a `HolidayCalendar`, a plain object that answers
day by day without the database (repeat rules expand a whole horizon against it); the
one-day helpers are for callers that ask about a single day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import HolidayKind
from app.models import HolidayPeriod


class HolidayError(ValueError):
    pass


@dataclass(frozen=True)
class HolidayDay:
    day: date
    kind: HolidayKind
    #: The festival's name in the reader's language.
    name: str
    #: False while the year's State Council notice is not out (see `HolidayPeriod.confirmed`).
    confirmed: bool


@dataclass(frozen=True)
class HolidayCalendar:
    """The arranged days of a window: any day not in it is an ordinary weekday or weekend."""

    days: dict[date, HolidayDay] = field(default_factory=dict)

    def entry(self, day: date) -> HolidayDay | None:
        return self.days.get(day)

    def is_public_holiday(self, day: date) -> bool:
        entry = self.days.get(day)
        return entry is not None and entry.kind == HolidayKind.holiday

    def is_makeup_workday(self, day: date) -> bool:
        entry = self.days.get(day)
        return entry is not None and entry.kind == HolidayKind.workday

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday unless a holiday, and a weekend day the notice makes worked."""
        entry = self.days.get(day)
        if entry is not None:
            return entry.kind == HolidayKind.workday
        return day.weekday() < 5


def _periods(session: Session, start: date, end: date) -> list[HolidayPeriod]:
    return list(session.scalars(
        select(HolidayPeriod)
        .where(HolidayPeriod.first_day <= end, HolidayPeriod.last_day >= start)
        .order_by(HolidayPeriod.first_day, HolidayPeriod.id)))


def calendar_between(session: Session, start: date, end: date) -> HolidayCalendar:
    """The arranged days from `start` to `end` (both included), in one query."""
    days: dict[date, HolidayDay] = {}
    for period in _periods(session, start, end):
        day = max(period.first_day, start)
        while day <= min(period.last_day, end):
            days[day] = HolidayDay(day, HolidayKind(period.kind), str(period), period.confirmed)
            day += timedelta(days=1)
    return HolidayCalendar(days)


def between(session: Session, start: date, end: date) -> list[HolidayDay]:
    """Every arranged day from `start` to `end`, in order."""
    calendar = calendar_between(session, start, end)
    return [calendar.days[day] for day in sorted(calendar.days)]


def is_public_holiday(session: Session, day: date) -> bool:
    return calendar_between(session, day, day).is_public_holiday(day)


def is_working_day(session: Session, day: date) -> bool:
    return calendar_between(session, day, day).is_working_day(day)


def check_period(session: Session, period: HolidayPeriod) -> None:
    """Refuse a period that ends before it starts or overlaps another one: a day is either
    off or worked, and is arranged once."""
    if period.first_day is None or period.last_day is None:
        raise HolidayError(gettext("Give the first and the last day."))
    if period.last_day < period.first_day:
        raise HolidayError(gettext("The last day is before the first day."))
    if not (period.name or "").strip():
        raise HolidayError(gettext("Give the holiday's name."))
    # No autoflush: a new period would otherwise be written first and clash with itself.
    with session.no_autoflush:
        clash = session.scalars(
            select(HolidayPeriod)
            .where(HolidayPeriod.first_day <= period.last_day,
                   HolidayPeriod.last_day >= period.first_day,
                   HolidayPeriod.id != (period.id or 0))
            .order_by(HolidayPeriod.first_day)).first()
    if clash is not None:
        raise HolidayError(gettext(
            "These days overlap %(name)s (%(kind)s, %(first)s – %(last)s): change that one "
            "instead.", name=str(clash), kind=HolidayKind(clash.kind).label,
            first=clash.first_day.isoformat(), last=clash.last_day.isoformat()))
