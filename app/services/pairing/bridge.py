"""The bridge between pairing rows and the engine's pairing problem (`scheduling.pairing`).

Families: the neighbourhood's households in the article's six categories
(`app.enums.PAIRING_CATEGORIES`) that hold no open pairing; their position is their own or
their building's; their needs are skills; their priority is how many of the six categories
they are in; the members they had before (ended pairings, a replaced proposal, members of
their effective visits) are kept when possible. Members: the neighbourhood's active
volunteers with a family limit above 0, with the places they have left.

Engine ids: ``h<household id>``, ``v<volunteer id>``. The engine's rules (distance, needs,
places, load) are its own; this module never re-implements them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.enums import EFFECTIVE, OPEN_PAIRING, PAIRING_CATEGORIES, PairingStatus
from app.models import Household, Pairing, Visit, Volunteer
from app.services.pairing import coverage
from app.services.pairing.rules import open_counts
from scheduling.model import Location
from scheduling.pairing import Family, Member, PairingProblem

#: Walking distance limit (km) when the coordinator gives none: about a quarter of an hour.
DEFAULT_MAX_KM = 1.0


def household_key(household_id: int) -> str:
    return f"h{household_id}"


def volunteer_key(volunteer_id: int) -> str:
    return f"v{volunteer_id}"


def key_id(key: str) -> int:
    return int(key[1:])


@dataclass
class Rows:
    """The rows behind a problem, by id, for writing the answer back and wording it."""

    households: dict[int, Household]
    members: dict[int, Volunteer]


def unpaired_households(session: Session, neighbourhood_id: int) -> list[Household]:
    """Households of the six categories in the neighbourhood without an open pairing (the
    engine's families: one with a proposal or a pairing not yet begun is not proposed for
    again, though it has no member yet; see `coverage`)."""
    paired = select(Pairing.household_id).where(Pairing.status.in_(OPEN_PAIRING))
    return list(session.scalars(
        select(Household)
        .where(Household.neighbourhood_id == neighbourhood_id,
               Household.id.in_(coverage.in_six_categories()), Household.id.not_in(paired))
        .options(joinedload(Household.building), selectinload(Household.category_links),
                 selectinload(Household.needs))
        .order_by(Household.id)
    ))


def pairing_members(session: Session, neighbourhood_id: int) -> list[Volunteer]:
    return list(session.scalars(
        select(Volunteer)
        .where(Volunteer.neighbourhood_id == neighbourhood_id, Volunteer.active.is_(True),
               Volunteer.max_families > 0)
        .options(selectinload(Volunteer.skills))
        .order_by(Volunteer.id)
    ))


def _previous(session: Session, household_ids: list[int],
              extra: dict[int, list[int]]) -> dict[int, list[int]]:
    """Members each household had: `extra` first (a replaced proposal), then ended pairings,
    then members of effective visits, most recent first."""
    out: dict[int, list[int]] = defaultdict(list)
    for hid, vids in extra.items():
        out[hid].extend(vids)
    if not household_ids:
        return out
    for hid, vid in session.execute(
        select(Pairing.household_id, Pairing.volunteer_id)
        .where(Pairing.household_id.in_(household_ids), Pairing.status == PairingStatus.ended)
        .order_by(Pairing.ends_on.desc())
    ).tuples():
        out[hid].append(vid)
    for hid, vid in session.execute(
        select(Visit.household_id, Visit.volunteer_id)
        .where(Visit.household_id.in_(household_ids), Visit.volunteer_id.is_not(None),
               Visit.outcome.in_(EFFECTIVE))
        .order_by(Visit.visited_at.desc())
    ).tuples():
        out[hid].append(vid)
    return out


def _location(row: Household) -> Location | None:
    if row.x_km is not None and row.y_km is not None:
        return Location(row.x_km, row.y_km)
    building = row.building
    if building is not None and building.x_km is not None and building.y_km is not None:
        return Location(building.x_km, building.y_km)
    return None


def build_problem(session: Session, neighbourhood_id: int, *, max_km: float = DEFAULT_MAX_KM,
                  previous: dict[int, list[int]] | None = None
                  ) -> tuple[PairingProblem, Rows]:
    """The engine's problem for the neighbourhood as it stands (open pairings hold places)."""
    households = unpaired_households(session, neighbourhood_id)
    members = pairing_members(session, neighbourhood_id)
    held = open_counts(session, [m.id for m in members])
    had = _previous(session, [h.id for h in households], previous or {})
    member_ids = {m.id for m in members}
    families = []
    for row in households:
        categories = {link.category for link in row.category_links}
        before = [volunteer_key(v) for v in dict.fromkeys(had.get(row.id, []))
                  if v in member_ids]
        families.append(Family(
            id=household_key(row.id), needs=frozenset(s.code for s in row.needs),
            location=_location(row),
            priority=max(1, len(categories & set(PAIRING_CATEGORIES))),
            previous=tuple(before), name=row.contact_name))
    engine_members = []
    for m in members:
        taken = held.get(m.id, 0)
        engine_members.append(Member(
            id=volunteer_key(m.id), capacity=max(0, m.max_families - taken), held=taken,
            skills=frozenset(s.code for s in m.skills),
            location=(Location(m.x_km, m.y_km)
                      if m.x_km is not None and m.y_km is not None else None),
            party_member=m.is_party_member, name=m.name))
    problem = PairingProblem(members=tuple(engine_members), families=tuple(families),
                             max_km=max_km, name=f"pairing n{neighbourhood_id}")
    return problem, Rows({h.id: h for h in households}, {m.id: m for m in members})
