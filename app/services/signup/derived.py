"""The residents' places an event's staffing gives (see `app.services.signup.staffing`)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus
from app.models import Assignment, Event, Shift, Slot

#: Who counts as staffing a shift: a volunteer who said yes (or came). A pending volunteer
#: may still decline, and residents' places must not rest on them.
STAFFING = (AssignmentStatus.confirmed, AssignmentStatus.attended)


def derived_places(session: Session, event: Event) -> dict[int | None, int]:
    """The places staffing gives: per slot id (slots within the time of a shift that sets
    places per volunteer; other slots keep places set by hand), or under None for the whole
    event when it has no slots. Empty when no shift of the event sets places per volunteer."""
    staffed = session.execute(
        select(Shift.start_at, Shift.end_at, Shift.places_per_volunteer,
               func.count(Assignment.id))
        .outerjoin(Assignment, (Assignment.shift_id == Shift.id)
                   & Assignment.status.in_(STAFFING))
        .where(Shift.event_id == event.id, Shift.places_per_volunteer.is_not(None))
        .group_by(Shift.id, Shift.start_at, Shift.end_at, Shift.places_per_volunteer)
    ).all()
    if not staffed:
        return {}
    slots = session.execute(
        select(Slot.id, Slot.start_at, Slot.end_at).where(Slot.event_id == event.id)).all()
    if not slots:
        return {None: sum(per * people for _, _, per, people in staffed)}
    return {
        slot_id: sum(per * people for start, end, per, people in covering)
        for slot_id, slot_start, slot_end in slots
        if (covering := [row for row in staffed if row[0] <= slot_start and slot_end <= row[1]])
    }
