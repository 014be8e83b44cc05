"""Which families of the six categories have a member now: the dashboard's figure and the rows
behind it, defined once.

A family has a member when one of its pairings is confirmed and current (begun, its end not
passed). A proposal waiting for the coordinator's confirmation is no member yet, nor is a
confirmed pairing that starts later, or one whose end has passed before the nightly
`rules.end_expired` marks it ended. Such families are "waiting" (`waiting_pairings`): the
engine does not propose for them again, and the review page says which pairing they wait on.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from app.enums import OPEN_PAIRING, PAIRING_CATEGORIES, PairingStatus
from app.models import Household, HouseholdCategoryLink, Pairing


def in_six_categories() -> Select:
    return select(HouseholdCategoryLink.household_id).where(
        HouseholdCategoryLink.category.in_(PAIRING_CATEGORIES))


def paired_now(today: date) -> Select:
    """Households with a confirmed pairing current on `today`."""
    return select(Pairing.household_id).where(
        Pairing.status == PairingStatus.confirmed, Pairing.starts_on <= today,
        or_(Pairing.ends_on.is_(None), Pairing.ends_on >= today))


def without_member_count(session: Session, neighbourhood_ids: frozenset[int] | None, *,
                         today: date) -> int:
    """How many families of the six categories have no member on `today` (in these
    neighbourhoods; all of them for ``None``): one query, for the dashboard."""
    statement = select(func.count()).select_from(Household).where(
        Household.id.in_(in_six_categories()), Household.id.not_in(paired_now(today)))
    if neighbourhood_ids is not None:
        statement = statement.where(Household.neighbourhood_id.in_(neighbourhood_ids))
    return session.scalar(statement) or 0


def waiting_pairings(session: Session, neighbourhood_id: int, *, today: date
                     ) -> list[Pairing]:
    """For each family of the six categories in the neighbourhood without a member on
    `today` but with an open pairing, the pairing it waits on (a confirmed one before a
    proposal, the earliest first)."""
    rows = session.scalars(
        select(Pairing).join(Household, Household.id == Pairing.household_id)
        .where(Household.neighbourhood_id == neighbourhood_id,
               Household.id.in_(in_six_categories()),
               Household.id.not_in(paired_now(today)),
               Pairing.status.in_(OPEN_PAIRING))
        .options(joinedload(Pairing.household).joinedload(Household.building),
                 joinedload(Pairing.volunteer))
        .order_by(Pairing.household_id, Pairing.status != PairingStatus.confirmed,
                  Pairing.starts_on, Pairing.id)
    ).unique()
    first: dict[int, Pairing] = {}
    for row in rows:
        first.setdefault(row.household_id, row)
    return list(first.values())
