"""Residents' places that follow the volunteer staffing (a haircut station: places per slot =
confirmed barbers × haircuts per barber per slot).

A shift with `places_per_volunteer` set gives each slot of its event that lies within the
shift's time that many places per confirmed (or attended) volunteer; an event without slots
gets the sum over such shifts as its whole-event capacity. Only what has not started follows:
a slot under way keeps its places.

When the staffing shrinks below the places already confirmed, the latest sign-ups beyond the
new capacity go back to the waitlist, last come first, and each is told with their place in
line and a link to cancel: nobody is dropped silently, and they are first in line (the
waitlist is in arrival order) when staffing grows again. When it grows, the waitlist is
promoted in order and told (`places._promote`).

`follow_staffing` is called by every service that changes who is confirmed on a shift
(confirm, decline, help accepted, swap approved, reschedule, admin edits). It takes each
slot's (or the event's) lock before counting, like every other change to places. Flush only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import RegistrationStatus
from app.models import Event, Registration, Slot, utcnow
from app.services import links, notify
from app.services.signup.derived import derived_places
from app.services.signup.locking import _lock
from app.services.signup.places import _promote, booked_places, waitlist_position


@dataclass
class StaffingReport:
    #: Confirmed places moved back to the waitlist (told), latest sign-up first.
    waitlisted: list[Registration] = field(default_factory=list)
    #: Waitlisted places confirmed because staffing grew (told).
    promoted: list[Registration] = field(default_factory=list)

    def __iadd__(self, other: StaffingReport) -> StaffingReport:
        self.waitlisted += other.waitlisted
        self.promoted += other.promoted
        return self


def follow_staffing(session: Session, event_id: int, *,
                    now: datetime | None = None) -> StaffingReport:
    """Bring the places of the event's slots that have not started (or of the whole event) in
    line with its confirmed staffing; see the module doc. Nothing happens for an event whose
    places are set by hand."""
    now = now or utcnow()
    report = StaffingReport()
    session.flush()
    event = session.get(Event, event_id)
    if event is None:
        return report
    places = derived_places(session, event)
    for slot_id, capacity in sorted(places.items(), key=lambda item: item[0] or 0):
        if slot_id is None:
            if event.start_at <= now:
                continue
            target: Event | Slot = _lock(session, Event, event.id)
        else:
            slot = session.get(Slot, slot_id)
            if slot is None or slot.start_at <= now:
                continue
            target = _lock(session, Slot, slot_id)
        if target.capacity == capacity:
            continue
        report += _apply(session, event, target if isinstance(target, Slot) else None,
                         capacity, now)
    return report


def _apply(session: Session, event: Event, slot: Slot | None, capacity: int,
           now: datetime) -> StaffingReport:
    """Set the capacity (the row is locked); wait-list the latest places beyond it, or
    promote the waitlist into the places it adds."""
    report = StaffingReport()
    (slot if slot is not None else event).capacity = capacity
    booked = booked_places(session, event.id, slot)
    if booked > capacity:
        latest_first = session.scalars(
            select(Registration).where(
                Registration.event_id == event.id,
                Registration.slot_key == (slot.id if slot is not None else 0),
                Registration.status == RegistrationStatus.confirmed,
            ).order_by(Registration.id.desc()))
        for registration in latest_first:
            if booked <= capacity:
                break
            registration.status = RegistrationStatus.waitlisted
            registration.promoted_at = None
            booked -= registration.party_size
            report.waitlisted.append(registration)
        session.flush()
        for registration in report.waitlisted:
            notify.to_resident(
                session, registration, "signup/staffing_waitlisted",
                title=event.title, starts=slot.start_at if slot is not None else event.start_at,
                position=waitlist_position(session, registration),
                url=links.cancel_url(registration.cancel_token),
            )
    else:
        session.flush()
        report.promoted = _promote(session, event, slot, now)
    return report

