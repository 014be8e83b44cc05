"""The bridge between visit rounds and the scheduling engine.

A round proposes one contact for each household due (or with an incident follow-up due) in
the round's weeks. The bridge first places each contact on a day and time the household
prefers (its contact windows; weekday or weekend daytime when it has none), overdue ones and
follow-ups first and in the first days, households of one building next to each other in
time so that one member can do them in a row. Each contact becomes one engine shift of 30
minutes at the building's position; the group's members, with their weekly availability
minus blackouts and published assignments, are the volunteers. Continuity goes through
``household_history`` (the members of the household's past effective contacts), lateness
through the shift's priority. The engine's rules (availability, no overlap, load, travel) are
its own; this module never re-implements them.

Engine ids: ``v<volunteer id>``, ``c<index of the contact>``, ``h<household id>``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import scheduling
from app.enums import EFFECTIVE, HOLDS_SEAT, ContactWindow
from app.models import (
    Assignment,
    Building,
    Household,
    HouseholdContactWindow,
    Shift,
    Visit,
    Volunteer,
)
from app.services.scheduler.availability import free_spans

VISIT_MINUTES = 30

#: Local hours of each contact window: (first start, last end).
WINDOW_HOURS: dict[ContactWindow, tuple[time, time]] = {
    ContactWindow.weekday_daytime: (time(14, 0), time(17, 0)),
    ContactWindow.weekday_evening: (time(18, 30), time(20, 30)),
    ContactWindow.weekend_daytime: (time(9, 30), time(16, 30)),
    ContactWindow.weekend_evening: (time(18, 30), time(20, 30)),
}
DEFAULT_WINDOWS = (ContactWindow.weekday_daytime, ContactWindow.weekend_daytime)

#: Engine priorities: an incident follow-up, an overdue contact, one falling due.
PRIORITY_FOLLOW_UP, PRIORITY_OVERDUE, PRIORITY_DUE = 4, 3, 1


def _weekend(day: date) -> bool:
    return day.weekday() >= 5


def window_applies(window: ContactWindow, day: date) -> bool:
    weekend = window in (ContactWindow.weekend_daytime, ContactWindow.weekend_evening)
    return weekend == _weekend(day)


def slots_in(window: ContactWindow) -> int:
    start, end = WINDOW_HOURS[window]
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return minutes // VISIT_MINUTES


@dataclass
class Candidate:
    """A household to contact in the round."""

    household_id: int
    building_id: int | None
    building_number: str
    #: The local day from which the contact is wanted (the round's first day when late).
    wanted_from: date
    priority: int
    follow_up: bool = False


@dataclass
class Contact:
    candidate: Candidate
    start: datetime
    end: datetime
    location: scheduling.Location | None


def place_contacts(
    candidates: list[Candidate], windows: dict[int, list[ContactWindow]],
    first: date, last: date, zone: ZoneInfo, members: int, weekly: int | None = None,
) -> list[Contact]:
    """Put each candidate on a day and time within [first, last]: by priority, then wanted
    day, then building, so one building's households sit side by side in time. A window of a
    day holds at most (its 30-minute slots × members) contacts, and an ISO week at most
    `weekly` (the contacts the members' weekly minutes allow altogether) while a later week
    has room: a first week crammed with every overdue household leaves most of them without
    a member, however long the engine searches. A candidate for whom no day is left is not
    placed."""
    capacity = max(1, members)
    used: dict[tuple[date, ContactWindow], int] = defaultdict(int)
    per_week: dict[tuple[int, int], int] = defaultdict(int)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    ordered = sorted(candidates, key=lambda c: (-c.priority, c.wanted_from, c.building_number,
                                                c.household_id))
    out = []
    for candidate in ordered:
        wanted = min(max(candidate.wanted_from, first), last)
        order = [d for d in days if d >= wanted] + [d for d in days if d < wanted]
        own = windows.get(candidate.household_id) or list(DEFAULT_WINDOWS)
        placed = False
        # First within the weeks' capacity; past it the contact is still proposed (without
        # a member, for the coordinator to see) rather than silently left out.
        for day, within_week in [(d, True) for d in order] + [(d, False) for d in order]:
            week = day.isocalendar()[:2]
            if within_week and weekly is not None and per_week[week] >= weekly:
                continue
            for window in own:
                if not window_applies(window, day):
                    continue
                slots = slots_in(window)
                index = used[(day, window)]
                if index >= slots * capacity:
                    continue
                used[(day, window)] += 1
                per_week[week] += 1
                start_time = WINDOW_HOURS[window][0]
                local = datetime.combine(day, start_time, tzinfo=zone) + timedelta(
                    minutes=VISIT_MINUTES * (index % slots))
                start = local.astimezone(UTC)
                out.append(Contact(candidate, start, start + timedelta(minutes=VISIT_MINUTES),
                                   None))
                placed = True
                break
            if placed:
                break
    return out


def contact_windows(session: Session, household_ids: list[int]) -> dict[int, list[ContactWindow]]:
    out: dict[int, list[ContactWindow]] = defaultdict(list)
    for hid, window in session.execute(
        select(HouseholdContactWindow.household_id, HouseholdContactWindow.window)
        .where(HouseholdContactWindow.household_id.in_(household_ids))
        .order_by(HouseholdContactWindow.window)
    ).tuples():
        out[hid].append(ContactWindow(window))
    return out


def _history(session: Session, household_ids: list[int]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for hid, vid_ in session.execute(
        select(Visit.household_id, Visit.volunteer_id)
        .where(Visit.household_id.in_(household_ids), Visit.volunteer_id.is_not(None),
               Visit.outcome.in_(EFFECTIVE))
        .order_by(Visit.visited_at.desc())
    ).tuples():
        key = f"h{hid}"
        if f"v{vid_}" not in out[key]:
            out[key].append(f"v{vid_}")
    return dict(out)


def _busy(session: Session, volunteer_ids: list[int], start: datetime, end: datetime,
          exclude_round: int | None) -> dict[int, list[tuple[datetime, datetime]]]:
    """Published assignments and other rounds' planned contacts in the window."""
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for vid_, s, e in session.execute(
        select(Assignment.volunteer_id, Shift.start_at, Shift.end_at)
        .join(Shift, Shift.id == Assignment.shift_id)
        .where(Assignment.volunteer_id.in_(volunteer_ids), Assignment.status.in_(HOLDS_SEAT),
               Shift.end_at > start, Shift.start_at < end)
    ).tuples():
        busy[vid_].append((s, e))
    statement = select(Visit.volunteer_id, Visit.visited_at).where(
        Visit.volunteer_id.in_(volunteer_ids), Visit.round_id.is_not(None),
        Visit.visited_at >= start, Visit.visited_at < end)
    if exclude_round is not None:
        statement = statement.where(Visit.round_id != exclude_round)
    for vid_, at in session.execute(statement).tuples():
        busy[vid_].append((at, at + timedelta(minutes=VISIT_MINUTES)))
    return busy


def build_problem(
    session: Session, contacts: list[Contact], members: list[Volunteer], first: date,
    last: date, zone: ZoneInfo, *, round_id: int | None = None,
) -> scheduling.Problem:
    """The engine's problem for placed contacts and the members who may make them."""
    household_ids = [c.candidate.household_id for c in contacts]
    buildings = {b.id: b for b in session.scalars(select(Building).where(
        Building.id.in_({c.candidate.building_id for c in contacts if c.candidate.building_id})))}
    start = datetime.combine(first, time(0), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
    busy = _busy(session, [m.id for m in members], start, end, round_id)
    shifts = []
    for index, contact in enumerate(contacts):
        building = buildings.get(contact.candidate.building_id)
        location = (scheduling.Location(building.x_km, building.y_km)
                    if building and building.x_km is not None and building.y_km is not None
                    else None)
        contact.location = location
        shifts.append(scheduling.Shift(
            id=f"c{index}", start=contact.start, end=contact.end, min_count=1, max_count=1,
            priority=contact.candidate.priority, location=location,
            household=f"h{contact.candidate.household_id}",
            title=building.number if building else "",
        ))
    volunteers = []
    for member in members:
        spans = free_spans(member, first, last, zone, busy.get(member.id, []))
        location = (scheduling.Location(member.x_km, member.y_km)
                    if member.x_km is not None and member.y_km is not None else None)
        volunteers.append(scheduling.Volunteer(
            id=f"v{member.id}",
            availability=tuple(scheduling.Interval(s, e) for s, e in spans),
            max_minutes_per_week=member.max_minutes_per_week,
            # Visits are short: the weekly limit is the member's minutes, not a shift count.
            max_shifts_per_week=max(1, member.max_minutes_per_week // VISIT_MINUTES),
            location=location, name=member.name,
        ))
    return scheduling.Problem(
        timezone=str(zone), volunteers=volunteers, shifts=shifts,
        household_history=_history(session, household_ids), name="visit round",
    )


def load_members(session: Session, volunteer_ids: list[int]) -> list[Volunteer]:
    return list(session.scalars(
        select(Volunteer)
        .where(Volunteer.id.in_(volunteer_ids), Volunteer.active.is_(True))
        .options(selectinload(Volunteer.availabilities), selectinload(Volunteer.blackouts))
        .order_by(Volunteer.id)
    ))


def household_rows(session: Session, ids: list[int]) -> dict[int, Household]:
    return {h.id: h for h in session.scalars(select(Household).where(Household.id.in_(ids)))}
