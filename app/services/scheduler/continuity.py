"""Who a household knows, for the engine's continuity: the paired volunteer of each care visit
(the helper of the service-package item that generated it) and the volunteers of the
household's done visits. The engine prefers them and names a lost pairing's reason."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import VisitOutcome
from app.models import PackageVisit, ServicePackageItem, Shift, Visit


def _vid(volunteer_id: int) -> str:
    return f"v{volunteer_id}"


def paired(session: Session, shifts: Sequence[Shift]) -> dict[int, int]:
    """Event id → the volunteer paired with that visit: the helper of the service-package
    item that generated it."""
    visits = {s.event.id for s in shifts if s.event.household_id is not None}
    if not visits:
        return {}
    return dict(session.execute(
        select(PackageVisit.event_id, ServicePackageItem.volunteer_id)
        .join(ServicePackageItem, ServicePackageItem.id == PackageVisit.item_id)
        .where(PackageVisit.event_id.in_(visits), ServicePackageItem.volunteer_id.is_not(None))
    ).tuples().all())


def household_history(session: Session, shifts: Sequence[Shift],
                      paired_by_event: dict[int, int]) -> dict[str, list[str]]:
    """Engine household id → the engine ids of the volunteers it knows: the paired volunteer
    of each of its visits in `shifts` — even before her first visit counted as done, since
    continuity and its reasons need her there — then those of its done visits."""
    history: dict[str, list[str]] = defaultdict(list)
    households: set[int] = set()
    for s in shifts:
        household, volunteer = s.event.household_id, paired_by_event.get(s.event.id)
        if household is None:
            continue
        households.add(household)
        if volunteer is not None and _vid(volunteer) not in history[f"h{household}"]:
            history[f"h{household}"].append(_vid(volunteer))
    if not households:
        return {}
    for household_id, volunteer_id in session.execute(
        select(Visit.household_id, Visit.volunteer_id)
        .where(
            Visit.household_id.in_(households),
            Visit.volunteer_id.is_not(None),
            Visit.outcome == VisitOutcome.done,
        )
        .distinct()
        .order_by(Visit.household_id, Visit.volunteer_id)
    ).tuples():
        key = f"h{household_id}"
        if _vid(volunteer_id) not in history[key]:
            history[key].append(_vid(volunteer_id))
    return dict(history)
