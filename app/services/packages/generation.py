"""Package visits: each item of a household's service package becomes one care-visit event per
due date over a rolling horizon, given to the item's helper where the engine's rules allow.

`sync` is the one way visits are made, whoever calls it (the task queued after an admin save,
the nightly task, the demo, the CLI). For each household it brings the future to match the
package as it is now:

- a future visit that still matches its item (same due date, time, duration, service and
  helper) is left alone, so running twice changes nothing — and the unique (item, due date) of
  `PackageVisit` makes sure two runs at once cannot create a visit twice;
- a future visit that no longer matches (the cadence, time, service or helper changed; the item
  was removed; the package ended or was paused) is deleted — unless its helper has confirmed
  it: a confirmed visit is kept as agreed;
- missing due dates get a new visit. The helper is assigned (published and pinned, so no
  solver run moves it) only when the engine's checker finds no rule broken — skill and
  licence, availability, overlapping shifts, weekly caps; otherwise the seat is left for the
  scheduler and the visit records why (`PackageVisitLeft`).

When an item changed, every helper concerned is told once, in one message: the visits taken
off their list, the confirmed ones kept, and their new visits. It only flushes; the caller
commits (the messages leave after the commit).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.enums import (
    AssignmentSource,
    AssignmentStatus,
    EventKind,
    EventStatus,
    PackageVisitLeft,
)
from app.models import (
    Assignment,
    Event,
    Household,
    Notification,
    PackageVisit,
    ServicePackage,
    ServicePackageItem,
    Shift,
    Volunteer,
    utcnow,
)
from app.services import holidays, notify
from app.services.packages.cadence import MOVED_AT_MOST, Cadence, due_dates
from app.services.scheduler.eligibility import rule_breaks
from app.services.scheduler.text import shift_line

#: How far ahead visits exist: four weeks, so a monthly item always has its next visit.
DEFAULT_HORIZON_DAYS = 35
#: A helper's answer that makes a visit theirs for good: an edit keeps it.
CONFIRMED = (AssignmentStatus.confirmed, AssignmentStatus.attended)
#: Who has a visit on their list and must hear when it goes.
ON_THE_LIST = (AssignmentStatus.pending, AssignmentStatus.confirmed)


@dataclass
class SyncResult:
    created: int = 0
    #: Of those created, given to the item's helper.
    assigned: int = 0
    #: Created visits left for the scheduler, with the reason.
    left: list[PackageVisit] = field(default_factory=list)
    #: Future visits deleted because their item changed (none was confirmed).
    replaced: int = 0
    #: Confirmed visits kept although their item changed.
    kept: int = 0
    #: The messages to helpers; what became of them is `notify.DeliveryCounts.of(...)`.
    notifications: list[Notification] = field(default_factory=list)


@dataclass
class _Told:
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)


def _start(day: date, item: ServicePackageItem, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, item.time_of_day, tzinfo=zone)


def _matches(visit: PackageVisit, item: ServicePackageItem | None, due: set[date],
             zone: ZoneInfo) -> bool:
    """Whether the visit is still what its item would generate today."""
    if item is None or visit.due_on not in due or visit.helper_id != item.volunteer_id:
        return False
    event = visit.event
    start = _start(visit.due_on, item, zone)
    return (event.start_at == start
            and event.end_at == start + timedelta(minutes=item.duration_minutes)
            and all(s.skill_id == item.skill_id for s in event.shifts))


def _item_dates(item: ServicePackageItem, package: ServicePackage, first: date,
                last: date, now: datetime, zone: ZoneInfo,
                holiday_days: frozenset[date]) -> list[date]:
    if not package.active:
        return []
    cadence = Cadence.of(item, package.starts_on, package.ends_on)
    return [d for d in due_dates(cadence, first, last, holiday_days)
            if _start(d, item, zone) > now]


def public_holidays(session: Session, first: date, last: date) -> frozenset[date]:
    """The public holidays visits in [first, last] may be moved from or over (one query)."""
    calendar = holidays.calendar_between(session, first - MOVED_AT_MOST, last)
    return frozenset(day for day in calendar.days if calendar.is_public_holiday(day))


def visit_event(household: Household, title: str, description: str | None,
                start: datetime, minutes: int, skill_id: int | None) -> Event:
    """The private care-visit event of a package visit, with its one seat."""
    end = start + timedelta(minutes=minutes)
    return Event(
        neighbourhood_id=household.neighbourhood_id, kind=EventKind.care_visit,
        title=f"{title} · {household.contact_name}", description=description,
        place=household.address, start_at=start, end_at=end, is_public=False,
        status=EventStatus.published, household_id=household.id,
        shifts=[Shift(title=title, start_at=start, end_at=end, skill_id=skill_id,
                      min_volunteers=1, max_volunteers=1, priority=2)],
    )


def new_visit(session: Session, item: ServicePackageItem, household: Household, day: date,
              zone: ZoneInfo) -> PackageVisit | None:
    """The item's visit on `day`, its seat still empty (`place_helper` fills it); None when
    that visit exists already."""
    event = visit_event(household, item.skill.name_zh, item.description,
                        _start(day, item, zone), item.duration_minutes, item.skill_id)
    visit = PackageVisit(item_id=item.id, due_on=day, event=event, helper_id=item.volunteer_id)
    try:
        with session.begin_nested():
            session.add(visit)
    except IntegrityError:  # made at the same moment by another worker
        return None
    return visit


def place_helper(session: Session, visit: PackageVisit, helper: Volunteer | None,
                 zone: ZoneInfo) -> None:
    """Give the visit's seat to the helper when the engine's checker finds no rule broken;
    otherwise record why and leave it for the scheduler."""
    if helper is None:
        visit.left_reason = PackageVisitLeft.no_helper
        return
    shift = visit.event.shifts[0]
    broken = rule_breaks(session, shift, helper, zone)
    if broken:
        visit.left_reason = PackageVisitLeft(broken[0][0])
        return
    session.add(Assignment(shift=shift, volunteer=helper, status=AssignmentStatus.pending,
                           source=AssignmentSource.manual, pinned=True))
    # Flushed now: the helper's next visit is checked against this one (caps, overlaps).
    session.flush()


def _future_visits(session: Session, household_ids: list[int], now: datetime
                   ) -> list[PackageVisit]:
    return list(session.scalars(
        select(PackageVisit)
        .join(Event, Event.id == PackageVisit.event_id)
        .where(Event.household_id.in_(household_ids), Event.start_at > now,
               # Make-ups belong to the visit they make up for, not to the cadence.
               PackageVisit.makeup_of_id.is_(None))
        .options(selectinload(PackageVisit.event).selectinload(Event.shifts)
                 .selectinload(Shift.assignments).selectinload(Assignment.volunteer))
        .order_by(Event.start_at, PackageVisit.id)
    ))


def sync(session: Session, household_ids: Iterable[int], *, today: date, zone: ZoneInfo,
         horizon_days: int = DEFAULT_HORIZON_DAYS, now: datetime | None = None) -> SyncResult:
    """Bring the households' package visits in [today, today + horizon) in line with their
    packages; returns what was done. Flushes, never commits."""
    now = now or utcnow()
    ids = sorted(set(household_ids))
    result = SyncResult()
    if not ids:
        return result
    last = today + timedelta(days=horizon_days - 1)
    packages = list(session.scalars(
        select(ServicePackage).where(ServicePackage.household_id.in_(ids))
        .options(selectinload(ServicePackage.household),
                 selectinload(ServicePackage.items).selectinload(ServicePackageItem.skill),
                 selectinload(ServicePackage.items).selectinload(ServicePackageItem.volunteer))
    ))
    items: dict[int, tuple[ServicePackageItem, ServicePackage]] = {
        item.id: (item, package) for package in packages for item in package.items}
    holiday_days = public_holidays(session, today, last)
    due = {item_id: _item_dates(item, package, today, last, now, zone, holiday_days)
           for item_id, (item, package) in items.items()}
    told: dict[int, _Told] = defaultdict(_Told)
    helpers: dict[int, Volunteer] = {}
    changed_items: set[int] = set()
    taken: set[tuple[int, date]] = set()

    for visit in _future_visits(session, ids, now):
        item = items.get(visit.item_id) if visit.item_id is not None else None
        item_row = item[0] if item else None
        if _matches(visit, item_row, set(due.get(visit.item_id or 0, ())), zone):
            taken.add((visit.item_id, visit.due_on))
            continue
        if visit.item_id is not None:
            changed_items.add(visit.item_id)
        assignments = [a for s in visit.event.shifts for a in s.assignments]
        line = shift_line(visit.event.shifts[0], zone)
        if any(a.status in CONFIRMED for a in assignments):
            if visit.item_id is not None:
                taken.add((visit.item_id, visit.due_on))
            if not visit.kept_after_change:
                visit.kept_after_change = True
                result.kept += 1
                for a in assignments:
                    if a.status in CONFIRMED:
                        helpers[a.volunteer_id] = a.volunteer
                        told[a.volunteer_id].kept.append(line)
            continue
        for a in assignments:
            if a.status in ON_THE_LIST:
                helpers[a.volunteer_id] = a.volunteer
                told[a.volunteer_id].removed.append(line)
        # The event goes with its shift and assignments (the feeds record a tombstone).
        session.delete(visit)
        session.delete(visit.event)
        result.replaced += 1
    session.flush()

    for item_id, (item, package) in sorted(items.items()):
        for day in due[item_id]:
            if (item_id, day) in taken:
                continue
            visit = new_visit(session, item, package.household, day, zone)
            if visit is None:
                continue
            result.created += 1
            place_helper(session, visit, item.volunteer, zone)
            if visit.left_reason is None:
                result.assigned += 1
                if item_id in changed_items and item.volunteer is not None:
                    helpers[item.volunteer.id] = item.volunteer
                    told[item.volunteer.id].added.append(
                        shift_line(visit.event.shifts[0], zone))
            else:
                result.left.append(visit)
    session.flush()

    for volunteer_id, lines in sorted(told.items()):
        result.notifications.append(notify.to_volunteer(
            session, helpers[volunteer_id], "packages/changed",
            removed=lines.removed, kept=lines.kept, added=lines.added,
            count=len(lines.removed) + len(lines.kept) + len(lines.added),
        ))
    return result


def households_with_packages(session: Session) -> list[int]:
    """Every household with an active package (the nightly task extends all horizons)."""
    return list(session.scalars(
        select(ServicePackage.household_id).where(ServicePackage.active.is_(True))
        .order_by(ServicePackage.household_id)))

