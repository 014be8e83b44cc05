"""By when a request should be resolved: its category's deadline in working days, counted on
the public holiday calendar the town admin keeps (`app.services.holidays`).

The days are counted from the day after the request came in (local time): a request received
on a Friday with three working days is due at the end of Wednesday, and the Spring Festival
week does not count. The deadline is the end of that day (midnight after it, stored in UTC);
a request is overdue while it is open after it. A category without a deadline row leaves
`due_at` empty: such a request is never counted overdue.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import RequestCategory, RequestStatus
from app.models import RequestDeadline, ResidentRequest
from app.services.holidays import HolidayCalendar, calendar_between

#: The defaults the migration writes (working days); the town admin changes them. Hazards
#: first, repairs within a week, matters that need a department or a council longer.
DEFAULT_WORKING_DAYS: dict[RequestCategory, int] = {
    RequestCategory.safety: 2,
    RequestCategory.property_repair: 5,
    RequestCategory.environment: 5,
    RequestCategory.elderly_care: 5,
    RequestCategory.health: 10,
    RequestCategory.neighbours: 10,
    RequestCategory.public_facilities: 15,
    RequestCategory.parking_traffic: 15,
    RequestCategory.other: 15,
}


def working_days_by_category(session: Session) -> dict[RequestCategory, int]:
    return {RequestCategory(category): days for category, days in session.execute(
        select(RequestDeadline.category, RequestDeadline.working_days)).tuples()}


def _margin(working_days: int) -> int:
    # Calendar days that surely hold `working_days` working days: weekends plus the longest
    # holiday (the National Day and Spring Festival weeks, 8 days).
    return working_days * 2 + 14


def last_working_day(calendar: HolidayCalendar, received: date, working_days: int) -> date:
    """The `working_days`-th working day after `received`. `calendar` covers the margin."""
    day, counted = received, 0
    while counted < working_days:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


def due_after(calendar: HolidayCalendar, received_at: datetime, working_days: int,
              zone: ZoneInfo) -> datetime:
    """The end (local midnight after) of the deadline's last working day."""
    last = last_working_day(calendar, received_at.astimezone(zone).date(), working_days)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)


def due_at(session: Session, category: RequestCategory, received_at: datetime,
           zone: ZoneInfo) -> datetime | None:
    """When a request of `category` received at `received_at` is due (None: no deadline)."""
    days = session.scalar(select(RequestDeadline.working_days)
                          .where(RequestDeadline.category == category))
    if days is None:
        return None
    start = received_at.astimezone(zone).date()
    calendar = calendar_between(session, start, start + timedelta(days=_margin(days)))
    return due_after(calendar, received_at, days, zone)


class DeadlineClock:
    """The deadlines and the holiday calendar of a whole period read once, for writing many
    requests at a time (the demo's year)."""

    def __init__(self, session: Session, first: date, last: date, zone: ZoneInfo) -> None:
        self.days = working_days_by_category(session)
        self.zone = zone
        longest = max(self.days.values(), default=0)
        self.calendar = calendar_between(session, first, last + timedelta(days=_margin(longest)))

    def due(self, category: RequestCategory, received_at: datetime) -> datetime | None:
        days = self.days.get(category)
        return None if days is None else due_after(self.calendar, received_at, days, self.zone)


def recategorised(session: Session, request: ResidentRequest, zone: ZoneInfo) -> None:
    """Set `due_at` from the request's (new) category; a resolved or merged request keeps
    the deadline it was handled against, since the figures count it against that."""
    if request.status in (RequestStatus.resolved, RequestStatus.merged):
        return
    request.due_at = due_at(session, request.category, request.received_at, zone)
