"""A paired member's contacts with their family (a visit, a call, help given), recorded as
visits: they count for the household's follow-up cadence (`households.due`) and the five
comparisons (`reports`) like every other effective contact."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import PairingStatus, VisitKind, VisitOutcome
from app.models import Pairing, Visit, utcnow
from app.services.pairing.rules import PairingError

#: How a member may say they were in touch.
CONTACT_KINDS = (VisitKind.door, VisitKind.phone)
MAX_NOTES = 2000


def record_contact(session: Session, pairing: Pairing, volunteer_id: int, kind: str, *,
                   notes: str | None = None, now: datetime | None = None) -> Visit:
    """The member was in touch with the family now: an effective contact, by `kind`."""
    if pairing.volunteer_id != volunteer_id or pairing.status != PairingStatus.confirmed:
        raise PairingError(str(_l("This family is not paired with you.")))
    try:
        value = VisitKind(kind)
    except ValueError:
        value = None
    if value not in CONTACT_KINDS:
        raise PairingError(str(_l("Say whether you visited or phoned the family.")))
    text = (notes or "").strip() or None
    if text is not None and len(text) > MAX_NOTES:
        raise PairingError(str(_l("The notes are too long (at most %(n)s characters).",
                                  n=MAX_NOTES)))
    visit = Visit(household_id=pairing.household_id, volunteer_id=volunteer_id,
                  visited_at=now or utcnow(), kind=value, outcome=VisitOutcome.done,
                  notes=text)
    session.add(visit)
    session.flush()
    return visit


def last_contacts(session: Session, volunteer_id: int,
                  household_ids: list[int]) -> dict[int, datetime]:
    """When the member was last in touch with each family (recorded contacts only)."""
    if not household_ids:
        return {}
    return dict(session.execute(
        select(Visit.household_id, func.max(Visit.visited_at))
        .where(Visit.volunteer_id == volunteer_id, Visit.household_id.in_(household_ids),
               Visit.outcome != VisitOutcome.planned)
        .group_by(Visit.household_id)).tuples().all())
