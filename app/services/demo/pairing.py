"""The demo's pairings (结对, step 3): in each neighbourhood the engine proposes members for
the families of the six categories, the coordinator has confirmed most of them, and the last
few proposals wait for review. Families left over keep the engine's reason (see the admin's
pairing proposals page or `flask pairing propose`).

Every third family of the six categories (by id) states a need drawn from its category (an
elderly person living alone wants company, a very old one groceries and rice, a laid-off
worker legal advice…), so some wait for a member with the right skill. Keyed by the
neighbourhood: one with any pairing is left alone on a second load.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import PAIRING_CATEGORIES, HouseholdCategory
from app.models import Household, Neighbourhood, Pairing, Skill, utcnow
from app.services.pairing import bridge, proposals, rules

#: The walking distance the demo proposes with (km).
DEMO_MAX_KM = 0.8
#: Proposals left for the coordinator to review in each neighbourhood.
LEFT_PROPOSED = 3
#: A family's stated need, by its first category of the six.
NEEDS: dict[HouseholdCategory, str] = {
    HouseholdCategory.poor_and_ill: "home_medical",
    HouseholdCategory.living_alone: "companionship",
    HouseholdCategory.very_old: "grocery_delivery",
    HouseholdCategory.laid_off: "legal_advice",
    HouseholdCategory.disabled: "home_medical",
    HouseholdCategory.intellectual_disability: "companionship",
    HouseholdCategory.major_misfortune: "counselling",
}


def _has_pairings(session: Session, neighbourhood_id: int) -> bool:
    return session.scalar(
        select(Pairing.id).join(Household, Household.id == Pairing.household_id)
        .where(Household.neighbourhood_id == neighbourhood_id).limit(1)) is not None


def _state_needs(session: Session, families: list[Household],
                 skills: dict[str, Skill]) -> int:
    added = 0
    for k, household in enumerate(families):
        if k % 3 or household.needs:
            continue
        mine = set(household.categories)
        first = next((c for c in PAIRING_CATEGORIES if c in mine), None)
        skill = skills.get(NEEDS.get(first, "")) if first else None
        if skill is not None:
            household.needs.append(skill)
            added += 1
    session.flush()
    return added


def load_pairings(session: Session, neighbourhoods: list[Neighbourhood],
                  today: date) -> dict[str, int]:
    """Propose and confirm the demo's pairings where a neighbourhood has none yet."""
    created = {"household_needs": 0, "pairings": 0}
    skills = {s.code: s for s in session.scalars(select(Skill))}
    for neighbourhood in neighbourhoods:
        if _has_pairings(session, neighbourhood.id):
            continue
        families = bridge.unpaired_households(session, neighbourhood.id)
        if not families:
            continue
        created["household_needs"] += _state_needs(session, families, skills)
        result = proposals.propose(session, neighbourhood.id, today=today,
                                   max_km=DEMO_MAX_KM)
        now = utcnow()
        keep = max(0, len(result.proposed) - LEFT_PROPOSED)
        for row in result.proposed[:keep]:
            rules.confirm(session, row, now=now)
        created["pairings"] += len(result.proposed)
    return created
