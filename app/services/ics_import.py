"""Availability import from an uploaded .ics file: busy times become blackouts.

Two steps, so nothing changes before the volunteer has seen what will: `parse_busy_times`
reads the file and returns the busy intervals over the planning horizon (recurring events
expanded, all-day events included, free/transparent and cancelled events left out), and
`create_blackouts` stores the confirmed ones. Only uploaded bytes are read: a URL in the file
is never fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import recurring_ical_events
from flask_babel import lazy_gettext as _l
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Blackout, Volunteer

MAX_BYTES = 1024 * 1024
HORIZON = timedelta(weeks=12)
MAX_INTERVALS = 500
IMPORT_REASON = "imported from calendar"


class IcsImportError(ValueError):
    """A refusal with a message for the user; nothing was changed."""


@dataclass(frozen=True, order=True)
class BusyInterval:
    start: datetime  #: timezone-aware, UTC
    end: datetime
    summary: str = ""
    all_day: bool = False


def _as_datetime(value: date | datetime, zone: ZoneInfo) -> tuple[datetime, bool]:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # floating time: read in the deployment's zone
            value = value.replace(tzinfo=zone)
        return value.astimezone(UTC), False
    return datetime.combine(value, time(0), tzinfo=zone).astimezone(UTC), True


def _broken_properties(cal: Calendar) -> list[str]:
    problems = []
    for component in cal.walk():
        for prop, message in getattr(component, "errors", []) or []:
            summary = str(component.get("SUMMARY", "")) or component.name
            problems.append(f"{component.name} “{summary}”: {prop} — {message}")
    return problems


def parse_busy_times(data: bytes, *, zone: ZoneInfo, start: datetime,
                     horizon: timedelta = HORIZON) -> list[BusyInterval]:
    """Busy intervals in [start, start + horizon), sorted, exact duplicates removed."""
    if len(data) > MAX_BYTES:
        raise IcsImportError(_l("The file is larger than 1 MB. Export a shorter period."))
    if not data.strip():
        raise IcsImportError(_l("The file is empty."))
    if not data.lstrip(b"\xef\xbb\xbf \r\n\t").upper().startswith(b"BEGIN:VCALENDAR"):
        raise IcsImportError(_l(
            "This is not an iCalendar file: it must begin with BEGIN:VCALENDAR. "
            "Export your calendar as .ics and try again."
        ))
    try:
        cal = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise IcsImportError(
            _l("The calendar file cannot be read: %(error)s", error=str(exc)[:200])
        ) from exc
    problems = _broken_properties(cal)
    if problems:
        raise IcsImportError(_l("The calendar file has invalid entries: %(problems)s",
                                problems="; ".join(problems[:3])[:400]))
    end = start + horizon
    try:
        occurrences = recurring_ical_events.of(cal).between(start, end)
    except Exception as exc:  # the library raises many types for bad rules and dates
        raise IcsImportError(
            _l("The calendar's repeat rules cannot be read: %(error)s", error=str(exc)[:200])
        ) from exc
    found: set[BusyInterval] = set()
    for occurrence in occurrences:
        if str(occurrence.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
            continue
        if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
            continue
        interval = _interval(occurrence, zone)
        if interval is None:
            continue
        clipped = BusyInterval(max(interval.start, start), min(interval.end, end),
                               interval.summary, interval.all_day)
        if clipped.end > clipped.start:
            found.add(clipped)
        if len(found) > MAX_INTERVALS:
            raise IcsImportError(_l(
                "The file has more than %(n)d busy times in the next 12 weeks; "
                "export fewer events.", n=MAX_INTERVALS))
    return sorted(found)


def _interval(occurrence: Any, zone: ZoneInfo) -> BusyInterval | None:
    dtstart = occurrence.get("DTSTART")
    if dtstart is None:
        return None
    begin, all_day = _as_datetime(dtstart.dt, zone)
    if occurrence.get("DTEND") is not None:
        finish, _ = _as_datetime(occurrence["DTEND"].dt, zone)
    elif occurrence.get("DURATION") is not None:
        finish = begin + occurrence["DURATION"].dt
    else:
        finish = begin + (timedelta(days=1) if all_day else timedelta(0))
    if finish <= begin:
        return None
    return BusyInterval(begin, finish, str(occurrence.get("SUMMARY", "")), all_day)


def create_blackouts(session: Session, volunteer: Volunteer,
                     intervals: list[BusyInterval]) -> tuple[int, int]:
    """Store the intervals as blackouts, skipping exact duplicates. Returns (created, skipped)."""
    existing = {
        (start.astimezone(UTC), end.astimezone(UTC))
        for start, end in session.execute(
            select(Blackout.start_at, Blackout.end_at).where(
                Blackout.volunteer_id == volunteer.id
            )
        )
    }
    created = skipped = 0
    for interval in intervals:
        key = (interval.start, interval.end)
        if key in existing:
            skipped += 1
            continue
        existing.add(key)
        session.add(Blackout(volunteer_id=volunteer.id, start_at=interval.start,
                             end_at=interval.end, reason=IMPORT_REASON))
        created += 1
    session.flush()
    return created, skipped


def dump_intervals(intervals: list[BusyInterval]) -> list[list[Any]]:
    """A JSON-able form for the signed preview that the confirm step reads back."""
    return [[i.start.isoformat(), i.end.isoformat(), i.all_day] for i in intervals]


def load_intervals(rows: list[list[Any]]) -> list[BusyInterval]:
    result = []
    for start, end, all_day in rows:
        result.append(BusyInterval(datetime.fromisoformat(start).astimezone(UTC),
                                   datetime.fromisoformat(end).astimezone(UTC),
                                   "", bool(all_day)))
    return result
