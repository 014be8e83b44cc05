"""What residents may see: public events, and what each offers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.enums import EventKind, EventStatus
from app.models import Event, utcnow
from app.services.signup.applicant import MAX_ID

#: Statuses that hold a place (and count against capacity).
# -- Public listing ----------------------------------------------------------------------

def public_events(
    session: Session,
    *,
    neighbourhood_id: int | None = None,
    kind: str | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
    now: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Event]:
    """Published public events that have not ended, soonest first (slots and neighbourhood
    loaded with them, so a list page costs a fixed number of queries)."""
    now = now or utcnow()
    statement = (
        select(Event)
        .where(Event.shown_publicly, Event.status == EventStatus.published,
               Event.end_at > now)
        .options(joinedload(Event.neighbourhood), selectinload(Event.slots),
                 selectinload(Event.shifts))
        .order_by(Event.start_at, Event.id)
        .limit(limit)
        .offset(offset)
    )
    if neighbourhood_id is not None:
        statement = statement.where(Event.neighbourhood_id == neighbourhood_id)
    if kind:
        statement = statement.where(Event.kind == kind)
    if starts_from is not None:
        statement = statement.where(Event.end_at > starts_from)
    if starts_before is not None:
        statement = statement.where(Event.start_at < starts_before)
    return list(session.scalars(statement).unique())


def public_kinds(session: Session, *, now: datetime | None = None) -> list[EventKind]:
    """The kinds of the public events that have not ended, in the enum's order: the events
    page offers only a kind that can show something (care visits and patrols never do)."""
    found = set(session.scalars(
        select(Event.kind).distinct()
        .where(Event.shown_publicly, Event.status == EventStatus.published,
               Event.end_at > (now or utcnow()))))
    return [kind for kind in EventKind if kind in found]


def public_event(session: Session, event_id: int) -> Event | None:
    event = session.get(Event, event_id) if 1 <= event_id <= MAX_ID else None
    if event is None or not event.shown_publicly or event.status != EventStatus.published:
        return None
    return event


def services_offered(event: Event) -> list[str]:
    """The stations of an event (its shifts' titles), each once, in time order."""
    seen: dict[str, None] = {}
    for shift in event.shifts:
        seen.setdefault(shift.title, None)
    return list(seen)
