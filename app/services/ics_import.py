"""Availability import from an uploaded .ics file: busy times become blackouts.

Two steps, so nothing changes before the volunteer has seen what will: `parse_busy_times`
reads the file and returns the busy intervals over the planning horizon (recurring events
expanded, all-day events included, free/transparent and cancelled events left out), and
`create_blackouts` stores the confirmed ones. Only uploaded bytes are read: a URL in the file
is never fetched.

Longer than most modules on purpose: parsing, the bounds that keep a hostile file cheap and
the expansion they protect are one pipeline, and splitting it would hide which bound guards
which step.
"""

from __future__ import annotations

import re
import warnings
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
#: Repeat rules are expanded by dateutil, whose cost grows with the number of periods (days,
#: weeks, months, years) between a rule's start and the end of the window, whether or not they
#: hold an occurrence. The whole file may cost at most this many weighted periods (about 1 s).
MAX_RULE_STEPS = 100_000
_STEP_WEIGHT = {"DAILY": (1, 1), "WEEKLY": (7, 3), "MONTHLY": (30, 3), "YEARLY": (365, 25)}
#: More than this many repeats in a day is refused, like hourly and finer frequencies.
MAX_TIMES_PER_DAY = 24
#: At most this many VEVENTs are parsed (about 1 ms each): those that surely end before the
#: window or begin after it, and do not repeat, are dropped unparsed first (a long history).
MAX_COMPONENTS = 500
#: RDATE and EXDATE values in the parsed events (each is parsed and expanded one by one).
MAX_DATE_VALUES = 2000
_MARGIN = timedelta(days=2)  # more than any UTC offset, for floating and TZID times
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
    end = start + horizon
    data, count, date_values = _drop_events_outside(data, start - _MARGIN, end + _MARGIN)
    if count > MAX_COMPONENTS or date_values > MAX_DATE_VALUES:
        raise IcsImportError(_l(
            "The file has more than %(n)d events that repeat or fall in the next 12 weeks; "
            "export a shorter period.", n=MAX_COMPONENTS))
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
    found: set[BusyInterval] = set()
    try:
        _tame_repeat_rules(cal, zone=zone, start=start, end=end)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # dateutil: COUNT together with our UNTIL
            query = recurring_ical_events.of(cal)
            # Lazily, series by series, so that the cap below stops the work early.
            for series in query.series:
                for occurrence in series.between(start, end):
                    interval = _busy(occurrence.as_component(False), zone, start, end)
                    if interval is None:
                        continue
                    found.add(interval)
                    if len(found) > MAX_INTERVALS:
                        raise IcsImportError(_l(
                            "The file has more than %(n)d busy times in the next 12 weeks; "
                            "export fewer events.", n=MAX_INTERVALS))
    except IcsImportError:
        raise
    except Exception as exc:  # the library raises many types for bad rules and dates
        raise IcsImportError(
            _l("The calendar's repeat rules cannot be read: %(error)s", error=str(exc)[:200])
        ) from exc
    return sorted(found)


_DATE_VALUE = re.compile(rb"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$")
_DURATION_VALUE = re.compile(
    rb"^\+?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")
_KEEP_ALWAYS = (b"RRULE", b"RDATE", b"EXRULE", b"RECURRENCE-ID")


def _drop_events_outside(data: bytes, before: datetime,
                         after: datetime) -> tuple[bytes, int, int]:
    """Drop, without parsing them, the VEVENTs that surely end before `before` or begin after
    `after` and do not repeat. Returns the remaining file, how many VEVENTs it holds and how
    many RDATE/EXDATE values.

    A line scan (about 50 ms for 1 MB), where parsing costs about 1 ms an event. Anything this
    scan cannot read for sure is kept, for the parser to read or refuse.
    """
    lines = re.sub(rb"\r?\n[ \t]", b"", data).splitlines()
    kept: list[bytes] = []
    block: list[bytes] | None = None
    depth = count = date_values = 0
    naive_before, naive_after = before.replace(tzinfo=None), after.replace(tzinfo=None)
    for line in lines:
        upper = line.upper()
        if block is None:
            if upper.startswith(b"BEGIN:VEVENT"):
                block, depth = [line], 1
            else:
                kept.append(line)
            continue
        block.append(line)
        if upper.startswith(b"BEGIN:"):
            depth += 1
        elif upper.startswith(b"END:"):
            depth -= 1
            if depth == 0:
                if not _surely_outside(block, naive_before, naive_after):
                    kept.extend(block)
                    count += 1
                    date_values += sum(
                        item.count(b",") + 1 for item in block
                        if item.upper().startswith((b"RDATE", b"EXDATE")))
                block = None
    if block is not None:  # unterminated: let the parser say so
        kept.extend(block)
        count += 1
    return b"\r\n".join(kept) + b"\r\n", count, date_values


def _surely_outside(block: list[bytes], before: datetime, after: datetime) -> bool:
    values: dict[bytes, bytes] = {}
    depth = 0
    for line in block[1:-1]:
        upper = line.upper()
        if upper.startswith(b"BEGIN:"):
            depth += 1
        elif upper.startswith(b"END:"):
            depth -= 1
        elif depth == 0:
            name = upper.split(b":", 1)[0].split(b";", 1)[0]
            if name in _KEEP_ALWAYS:
                return False
            if name in (b"DTSTART", b"DTEND", b"DURATION") and b":" in line:
                if name in values:
                    return False
                values[name] = line.rsplit(b":", 1)[1].strip()
    begin = _loose_time(values.get(b"DTSTART"))
    if begin is None:
        return False
    if begin > after:
        return True
    if b"DTEND" in values:
        finish = _loose_time(values[b"DTEND"])
    elif b"DURATION" in values:
        length = _loose_duration(values[b"DURATION"])
        finish = None if length is None else begin + length
    else:
        finish = begin + timedelta(days=1)
    return finish is not None and finish < before


def _loose_time(value: bytes | None) -> datetime | None:
    """A DTSTART/DTEND value as a naive datetime (its zone does not matter within _MARGIN)."""
    found = _DATE_VALUE.match(value or b"")
    if found is None:
        return None
    try:
        return datetime(*(int(part or 0) for part in found.groups()))
    except ValueError:
        return None


def _loose_duration(value: bytes) -> timedelta | None:
    found = _DURATION_VALUE.match(value)
    if found is None or not any(found.groups()):
        return None
    weeks, days, hours, minutes, seconds = (int(part or 0) for part in found.groups())
    try:
        return timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:
        return None


def _busy(occurrence: Any, zone: ZoneInfo, start: datetime,
          end: datetime) -> BusyInterval | None:
    if str(occurrence.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return None
    if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
        return None
    interval = _interval(occurrence, zone)
    if interval is None:
        return None
    clipped = BusyInterval(max(interval.start, start), min(interval.end, end),
                           interval.summary, interval.all_day)
    return clipped if clipped.end > clipped.start else None


def _summary(component: Any) -> str:
    return str(component.get("SUMMARY", ""))[:60] or str(component.get("UID", ""))[:60]


def _tame_repeat_rules(cal: Calendar, *, zone: ZoneInfo, start: datetime,
                       end: datetime) -> None:
    """Bound the work of expanding the file's repeat rules before any expansion starts.

    Hourly and finer rules are refused (a 200-byte FREQ=SECONDLY rule otherwise expands to
    millions of times). Every rule gets an UNTIL at the end of the window (exact: nothing after
    the window is read), so a rule that never matches stops there instead of running to the
    year 9999. A daily or weekly rule without COUNT that began long ago is moved forward by a
    whole number of its periods (exact: the same times fall in the window). What remains is
    weighed, and a file whose rules would still cost too much is refused.
    """
    components = cal.walk("VEVENT")
    steps = 0
    for component in components:
        rules = component.get("RRULE")
        if rules is None or component.get("DTSTART") is None:
            continue
        rules = rules if isinstance(rules, list) else [rules]
        first = component["DTSTART"].dt
        if len(rules) == 1 and "COUNT" not in rules[0]:
            first = _move_start_forward(component, rules[0], zone=zone, start=start)
        first_utc, _ = _as_datetime(first, zone)
        for rule in rules:
            freq = str((rule.get("FREQ") or [""])[0]).upper()
            if freq not in _STEP_WEIGHT:
                raise IcsImportError(_l(
                    "The calendar entry “%(summary)s” repeats every hour or more often; "
                    "such entries cannot be imported. Remove it from the file and try again.",
                    summary=_summary(component)))
            per_day = 1
            for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
                per_day *= max(1, len(rule.get(part) or []))
            if per_day > MAX_TIMES_PER_DAY:
                raise IcsImportError(_l(
                    "The calendar entry “%(summary)s” repeats every hour or more often; "
                    "such entries cannot be imported. Remove it from the file and try again.",
                    summary=_summary(component)))
            cap = _cap_until(rule, first, zone=zone, end=end)
            # dateutil stops at UNTIL only when it meets a matching time after it: a rule
            # whose day filters (BYMONTH, BYMONTHDAY, ...) never or rarely match would run on.
            stop, probed = _first_match_from(rule, freq, cap, per_day)
            steps += probed
            if stop is None:
                raise IcsImportError(_l(
                    "The repeat rule of the calendar entry “%(summary)s” matches no day or "
                    "almost none; fix or remove the entry and try again.",
                    summary=_summary(component)))
            days, weight = _STEP_WEIGHT[freq]
            steps += weight * (max(0, (stop - first_utc.date()).days) // days + 1)
        if steps > MAX_RULE_STEPS:
            raise IcsImportError(_l(
                "The calendar's repeating entries reach too far back to be read quickly "
                "(for example “%(summary)s”). Export only your recent events and try again.",
                summary=_summary(component)))


_DAY_FILTERS = ("BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PROBE_DAYS = 8 * 366  #: leap days recur within 8 years (2096 -> 2104)


def _ints(rule: Any, part: str) -> set[int]:
    return {int(value) for value in rule.get(part) or []}


def _first_match_from(rule: Any, freq: str, first: date, per_day: int) -> tuple[date | None, int]:
    """The first day from `first` that the rule's day filters accept, and the days looked at.

    A slight over-estimate of dateutil's matching (enough to bound its work): BYDAY ordinals
    are counted in the month or the year, BYWEEKNO uses ISO weeks, BYSETPOS needs a period
    with at least that many candidate times.
    """
    byday = [str(value).upper() for value in rule.get("BYDAY") or []]
    if not any(part in rule for part in _DAY_FILTERS) and not any(
            len(value) > 2 for value in byday):
        return first, 0
    months, monthdays = _ints(rule, "BYMONTH"), _ints(rule, "BYMONTHDAY")
    yeardays, weeknos = _ints(rule, "BYYEARDAY"), _ints(rule, "BYWEEKNO")
    setpos = min((abs(value) for value in _ints(rule, "BYSETPOS")), default=0)
    weekdays: list[tuple[int, int]] = []  # (ordinal or 0, weekday)
    for value in byday:
        if value[-2:] not in _WEEKDAYS:
            raise ValueError(f"BYDAY={value}")
        weekdays.append((int(value[:-2] or 0), _WEEKDAYS.index(value[-2:])))
    in_month = freq == "MONTHLY" or (freq == "YEARLY" and bool(months))
    period_key: tuple[int, ...] | None = None
    in_period = 0
    for offset in range(PROBE_DAYS):
        day = first + timedelta(days=offset)
        key = {"DAILY": day.timetuple()[:3], "WEEKLY": day.isocalendar()[:2],
               "MONTHLY": (day.year, day.month), "YEARLY": (day.year,)}[freq]
        if key != period_key:
            period_key, in_period = key, 0
        if not _day_matches(day, months, monthdays, yeardays, weeknos, weekdays, in_month):
            continue
        in_period += per_day
        if in_period >= setpos:
            return day, offset + 1
    return None, PROBE_DAYS


def _day_matches(day: date, months: set[int], monthdays: set[int], yeardays: set[int],
                 weeknos: set[int], weekdays: list[tuple[int, int]], in_month: bool) -> bool:
    if months and day.month not in months:
        return False
    month_len = ((day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)).day
    if monthdays and day.day not in monthdays and day.day - month_len - 1 not in monthdays:
        return False
    year_day = day.timetuple().tm_yday
    year_len = 366 if date(day.year, 12, 31).timetuple().tm_yday == 366 else 365
    if yeardays and year_day not in yeardays and year_day - year_len - 1 not in yeardays:
        return False
    if weeknos:
        week = day.isocalendar()[1]
        weeks = date(day.year, 12, 28).isocalendar()[1]
        if week not in weeknos and week - weeks - 1 not in weeknos:
            return False
    if not weekdays:
        return True
    for ordinal, weekday in weekdays:
        if day.weekday() != weekday:
            continue
        if ordinal == 0:
            return True
        index, length = (day.day, month_len) if in_month else (year_day, year_len)
        if ordinal in ((index - 1) // 7 + 1, -((length - index) // 7 + 1)):
            return True
    return False


def _cap_until(rule: Any, first: date | datetime, *, zone: ZoneInfo, end: datetime) -> date:
    """Set the rule's UNTIL to the end of the window (plus a day) unless it ends earlier.

    Returns the local day of the UNTIL (where dateutil's iteration can stop).
    """
    if isinstance(first, datetime):
        cap: date | datetime = end + timedelta(days=1)
        if first.tzinfo is None:  # floating start: UNTIL must be floating too
            cap = cap.astimezone(zone).replace(tzinfo=None)
    else:
        cap = end.astimezone(zone).date() + timedelta(days=2)
    until = (rule.get("UNTIL") or [None])[0]
    if until is not None:
        try:
            if _as_datetime(until, zone)[0] <= _as_datetime(cap, zone)[0]:
                return _as_datetime(until, zone)[0].astimezone(zone).date()
        except (TypeError, ValueError, OverflowError):
            pass
    rule["UNTIL"] = [cap]
    return _as_datetime(cap, zone)[0].astimezone(zone).date()


def _move_start_forward(component: Any, rule: Any, *, zone: ZoneInfo,
                        start: datetime) -> date | datetime:
    """Move an old daily or weekly series' start by whole periods to just before the window.

    Local wall-clock arithmetic (as the rule itself counts days), so the series keeps its
    phase: the same times fall in the window as from the original start. Returns the start.
    """
    first = component["DTSTART"].dt
    freq = str((rule.get("FREQ") or [""])[0]).upper()
    try:
        interval = int((rule.get("INTERVAL") or [1])[0])
    except (TypeError, ValueError):
        return first
    if freq not in ("DAILY", "WEEKLY") or interval < 1:
        return first
    period = timedelta(days=interval * (7 if freq == "WEEKLY" else 1))
    finish = component.get("DTEND")
    length = (finish.dt - first) if finish is not None else timedelta(0)
    if component.get("DURATION") is not None:
        length = component["DURATION"].dt
    try:
        first_utc, _ = _as_datetime(first, zone)
        keep_before = start - abs(length) - period - timedelta(days=1)
        periods = (keep_before - first_utc) // period
    except (TypeError, OverflowError):
        return first
    if periods <= 0:
        return first
    moved = first + periods * period
    _replace_date(component, "DTSTART", moved)
    if finish is not None:
        _replace_date(component, "DTEND", finish.dt + periods * period)
    return moved


def _replace_date(component: Any, name: str, value: date | datetime) -> None:
    params = dict(component[name].params)
    component.pop(name)
    component.add(name, value, parameters=params)


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
