"""A member's own contacts and recording their outcome (portal, API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from app.enums import RECORDABLE, RoundStatus, VisitKind, VisitOutcome
from app.models import Building, Household, Visit, VisitRound, utcnow
from app.services.incidents import complete_follow_ups
from app.services.requests import follow_up

MAX_NOTES = 2000


class RecordingError(ValueError):
    """The outcome cannot be recorded; the message says why."""


def my_visits(session: Session, volunteer_id: int, *, now: datetime | None = None,
              days_back: int = 14) -> list[Visit]:
    """The member's contacts of published rounds and her follow-ups of explained requests:
    planned ones, and those recorded lately."""
    now = now or utcnow()
    return list(session.scalars(
        select(Visit)
        .outerjoin(VisitRound, VisitRound.id == Visit.round_id)
        .where(
            Visit.volunteer_id == volunteer_id,
            or_(VisitRound.status == RoundStatus.published, Visit.follow_up_of_id.is_not(None)),
            (Visit.outcome == VisitOutcome.planned)
            | (Visit.visited_at >= now - timedelta(days=days_back)),
        )
        .options(joinedload(Visit.household).joinedload(Household.building)
                 .joinedload(Building.service_group))
        .order_by(Visit.outcome != VisitOutcome.planned, Visit.visited_at, Visit.id)
    ).unique())


@dataclass(frozen=True)
class Recorded:
    visit: Visit
    follow_ups_completed: int


def record_outcome(
    session: Session, visit: Visit, volunteer_id: int, outcome: str, *,
    notes: str | None = None, now: datetime | None = None,
) -> Recorded:
    """The member records what happened: the contact's outcome, time (now) and notes.
    Recording again corrects it. An effective contact completes open incident follow-ups; a
    request's follow-up contact writes its outcome into the request's history."""
    now = now or utcnow()
    listed = visit.follow_up_of_id is not None or (
        visit.round is not None and visit.round.status == RoundStatus.published)
    if visit.volunteer_id != volunteer_id or not listed:
        raise RecordingError(str(_l("This contact is not on your list.")))
    try:
        value = VisitOutcome(outcome)
    except ValueError:
        value = None
    if value not in RECORDABLE:
        raise RecordingError(str(_l("Choose what happened: done, not at home, refused or "
                                    "phone call instead.")))
    notes = (notes or "").strip() or None
    if notes and len(notes) > MAX_NOTES:
        raise RecordingError(str(_l("Notes are limited to %(n)s characters.", n=MAX_NOTES)))
    if visit.outcome == VisitOutcome.planned:
        visit.visited_at = now
    visit.outcome = value
    if value == VisitOutcome.phone_instead and visit.kind == VisitKind.door:
        visit.kind = VisitKind.phone
    visit.notes = notes
    session.flush()
    follow_up.visit_recorded(session, visit)
    return Recorded(visit, complete_follow_ups(session, visit))
