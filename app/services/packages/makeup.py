"""Where a make-up visit goes: into the helper's own free time in the next `MAKEUP_WITHIN_DAYS`
days, earliest fitting slot first. Most helpers give one weekly window, so trying only the
missed visit's time of day on each next day seldom finds her; her free time is her weekly
windows (validity dates honoured) minus blackouts and her other booked shifts, the same
availability the engine builds (`scheduler.availability`). A slot is the start of a free span
long enough for the visit; on a public holiday only when the item does not skip them (as its
cadence treats them). The engine's checker still has the last word on each slot (skills,
weekly caps, …), through `generation.place_helper`.

Only when no slot of hers fits does the make-up fall back to the missed visit's time of day on
the next days, left for the scheduler on the last of them if she cannot come on any, saying
why: `no_free_time` when what stopped her is her availability or another shift and her free
time had no room, else the rule that refused her."""

from __future__ import annotations

from collections.abc import Container
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import BOOKED, PackageVisitLeft
from app.models import Assignment, PackageVisit, ServicePackageItem, Shift, Volunteer
from app.services.packages.generation import place_helper, public_holidays, visit_event
from app.services.scheduler.availability import free_spans

#: How many days ahead a make-up visit may be placed with the helper.
MAKEUP_WITHIN_DAYS = 7
#: The checker's reasons that mean "she has no time then", which a search of her free time
#: that found nothing turns into the make-up's own reason.
_NO_TIME = (PackageVisitLeft.availability, PackageVisitLeft.overlap)


def _item_of(visit: PackageVisit) -> ServicePackageItem | None:
    """The package item a visit comes from, through the visits it makes up for."""
    while visit.item is None and visit.makeup_of is not None:
        visit = visit.makeup_of
    return visit.item


def helper_slots(session: Session, helper: Volunteer, *, now: datetime, minutes: int,
                 zone: ZoneInfo, holidays: Container[date]) -> list[datetime]:
    """The starts of the helper's free spans from tomorrow to `MAKEUP_WITHIN_DAYS` days on
    that hold a visit of `minutes`, not on one of `holidays`, earliest first."""
    first = now.astimezone(zone).date() + timedelta(days=1)
    last = first + timedelta(days=MAKEUP_WITHIN_DAYS - 1)
    lo = datetime.combine(first, time(0), tzinfo=zone)
    hi = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
    busy = [(s.start_at, s.end_at) for s in session.scalars(
        select(Shift).join(Assignment, Assignment.shift_id == Shift.id)
        .where(Assignment.volunteer_id == helper.id, Assignment.status.in_(BOOKED),
               Shift.end_at > lo, Shift.start_at < hi))]
    length = timedelta(minutes=minutes)
    return [start for start, end in free_spans(helper, first, last, zone, busy)
            if end - start >= length and start.astimezone(zone).date() not in holidays]


def _try(session: Session, missed: PackageVisit, start: datetime, minutes: int
         ) -> PackageVisit:
    """A make-up visit at `start` (local time: its day is the due date), its seat empty."""
    event, shift = missed.event, missed.event.shifts[0]
    assert event.household is not None
    visit = PackageVisit(
        item_id=None, makeup_of_id=missed.id, due_on=start.date(),
        helper_id=missed.helper_id,
        event=visit_event(event.household, shift.title, event.description, start, minutes,
                          shift.skill_id))
    session.add(visit)
    session.flush()
    return visit


def _drop(session: Session, visit: PackageVisit) -> None:
    session.delete(visit.event)
    session.delete(visit)
    session.flush()


def make_up(session: Session, missed: PackageVisit, *, now: datetime,
            zone: ZoneInfo) -> PackageVisit | None:
    """The make-up visit for `missed`, with its helper where she has time; None when the
    visit has no family to go to."""
    event = missed.event
    if event.household is None:
        return None
    minutes = int((event.end_at - event.start_at).total_seconds() // 60)
    helper = missed.helper
    today = now.astimezone(zone).date()
    item = _item_of(missed)
    # An item that skips public holidays is not made up on one either.
    holidays = (public_holidays(session, today, today + timedelta(days=MAKEUP_WITHIN_DAYS))
                if item is not None and item.skip_holidays else frozenset())
    refused: PackageVisitLeft | None = None
    if helper is not None and helper.active:
        for start in helper_slots(session, helper, now=now, minutes=minutes, zone=zone,
                                  holidays=holidays):
            visit = _try(session, missed, start.astimezone(zone), minutes)
            place_helper(session, visit, helper, zone)
            if visit.left_reason is None:
                return visit
            # A rule besides her time (a weekly cap): the next slot.
            refused = refused or PackageVisitLeft(visit.left_reason)
            _drop(session, visit)
    # None of her time fits: the missed visit's time of day on the next days, as before.
    local_start = event.start_at.astimezone(zone)
    days = [today + timedelta(days=ahead) for ahead in range(1, MAKEUP_WITHIN_DAYS + 1)]
    visit = None
    for day in [d for d in days if d not in holidays] or days[-1:]:
        if visit is not None:
            _drop(session, visit)
        start = datetime.combine(day, local_start.timetz())
        visit = _try(session, missed, start, minutes)
        place_helper(session, visit, helper, zone)
        if visit.left_reason is None:
            return visit
    assert visit is not None
    if visit.left_reason in _NO_TIME:
        # Her time was searched: it had no room, or a rule refused what room it had.
        visit.left_reason = refused or PackageVisitLeft.no_free_time
    return visit

