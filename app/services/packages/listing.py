"""The package visits ahead, each with its item's helper, who actually holds the seat and,
when the helper does not, why; a make-up visit also says when the visit it makes up for was
(for `flask packages visits` and the checks of the demo)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.enums import ON_DUTY, AssignmentStatus, PackageVisitLeft
from app.models import Event, PackageVisit, ServicePackageItem, Shift


@dataclass(frozen=True)
class PackageVisitRow:
    visit_id: int
    household_id: int | None
    family: str
    service: str
    due_on: date
    start: datetime
    helper: str | None
    #: Who holds the seat (the helper, or whoever the scheduler put there), and how.
    on_duty: str | None
    status: AssignmentStatus | None
    left_reason: PackageVisitLeft | None
    #: A make-up visit: when the missed visit it makes up for was.
    makes_up_for: datetime | None = None


def upcoming(session: Session, *, now: datetime, household_id: int | None = None
             ) -> list[PackageVisitRow]:
    statement = (
        select(PackageVisit).join(Event, Event.id == PackageVisit.event_id)
        .where(Event.start_at > now)
        .options(selectinload(PackageVisit.event).selectinload(Event.household),
                 selectinload(PackageVisit.event).selectinload(Event.shifts)
                 .selectinload(Shift.assignments),
                 selectinload(PackageVisit.helper),
                 selectinload(PackageVisit.makeup_of).selectinload(PackageVisit.event),
                 selectinload(PackageVisit.item).selectinload(ServicePackageItem.skill))
        .order_by(Event.start_at, PackageVisit.id))
    if household_id is not None:
        statement = statement.where(Event.household_id == household_id)
    rows = []
    for visit in session.scalars(statement):
        event = visit.event
        seats = [a for s in event.shifts for a in s.assignments if a.status in ON_DUTY]
        seat = seats[0] if seats else None
        rows.append(PackageVisitRow(
            visit_id=visit.id, household_id=event.household_id,
            family=event.household.contact_name if event.household else "",
            service=str(visit.item.skill) if visit.item else event.shifts[0].title,
            due_on=visit.due_on, start=event.start_at,
            helper=visit.helper.name if visit.helper else None,
            on_duty=seat.volunteer.name if seat else None,
            status=AssignmentStatus(seat.status) if seat else None,
            left_reason=PackageVisitLeft(visit.left_reason) if visit.left_reason else None,
            makes_up_for=visit.makeup_of.event.start_at if visit.makeup_of else None,
        ))
    return rows
