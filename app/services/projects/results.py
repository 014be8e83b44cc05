"""A project's figures, defined once: events held, participants, against its goals.

- **events**: the project's events that are not cancelled; **held**: those already over.
- **participants**: the people registered for the held events and not cancelled (confirmed
  or marked attended), each registration counted with its party size; waitlisted places do
  not count. Two queries whatever the number of projects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.enums import EventStatus, RegistrationStatus
from app.models import Event, Registration, project_events, utcnow

#: Registrations that count as participants of a held event.
PARTICIPATED = (RegistrationStatus.confirmed, RegistrationStatus.attended)


@dataclass(frozen=True)
class ProjectResults:
    events: int = 0
    held: int = 0
    participants: int = 0


def project_results(session: Session, project_ids: Iterable[int], *,
                    now: datetime | None = None) -> dict[int, ProjectResults]:
    ids = list(project_ids)
    out = dict.fromkeys(ids, ProjectResults())
    if not ids:
        return out
    now = now or utcnow()
    live = (Event.status != EventStatus.cancelled)
    events = session.execute(
        select(project_events.c.project_id, func.count(),
               func.coalesce(func.sum(case((Event.end_at <= now, 1), else_=0)), 0))
        .join(Event, Event.id == project_events.c.event_id)
        .where(project_events.c.project_id.in_(ids), live)
        .group_by(project_events.c.project_id)).tuples().all()
    people = dict(session.execute(
        select(project_events.c.project_id, func.coalesce(func.sum(Registration.party_size), 0))
        .join(Event, Event.id == project_events.c.event_id)
        .join(Registration, Registration.event_id == Event.id)
        .where(project_events.c.project_id.in_(ids), live, Event.end_at <= now,
               Registration.status.in_(PARTICIPATED))
        .group_by(project_events.c.project_id)).tuples().all())
    for pid, total, held in events:
        out[pid] = ProjectResults(int(total), int(held), int(people.get(pid, 0)))
    return out
