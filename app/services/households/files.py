"""A household's file: phone numbers, masking, and the completeness score.

The completeness score is one of the town's "five comparisons" (whose resident files are the
most complete): for each household, the share of the fields its categories expect that are
filled in. Every household is expected to have the base fields; some categories expect more
(a resource-group household: when to contact it; a group-renting flat: how many live there and
notes on the tenants; an assistance household: notes on its needs and contact windows).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, true
from sqlalchemy.orm import Session, selectinload

from app.enums import HouseholdCategory
from app.models import Household
from app.services.text_input import normalise_contact_phone

_NOISE = re.compile(r"[\s\-()（）]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
#: Fixed line with area code (021 + 8 digits, 0571 + 7–8 digits), or a local 8-digit number.
_LANDLINE = re.compile(r"0\d{2,3}\d{7,8}|[2-9]\d{7}")


class HouseholdError(ValueError):
    """A household's data is refused; the message says why (in the user's language)."""


def normalise_household_phone(raw: str | None) -> str | None:
    """A mainland mobile or fixed-line number in the one stored form the database checks
    (`app.services.text_input.normalise_contact_phone`); empty gives ``None``."""
    try:
        return normalise_contact_phone(raw)
    except ValueError as error:
        raise HouseholdError(str(error.args[0])) from error


def check_household(household: Household) -> None:
    """The rules of a household's file before it is saved (form, import): at least one member,
    a phone in the stored form, and a building (with that floor) in its own neighbourhood.
    Normalises the phone in place; `HouseholdError` with a message otherwise."""
    if household.members_count is None or household.members_count < 1:
        raise HouseholdError(_("A household has at least one member."))
    household.contact_phone = normalise_household_phone(household.contact_phone)
    building = household.building
    if building is None:
        return
    neighbourhood_id = household.neighbourhood_id or household.neighbourhood.id
    if building.neighbourhood_id != neighbourhood_id:
        raise HouseholdError(_("The building is in another neighbourhood than the household."))
    if household.floor is not None and not 1 <= household.floor <= building.floors:
        raise HouseholdError(_("Floor %(floor)s: the building has %(n)s floors.",
                               floor=household.floor, n=building.floors))


def same_flat(session: Session, household: Household) -> Household | None:
    """Another household file at the same building, unit and room, if there is one (the
    database refuses a second one; this lets the form say which file is already there)."""
    if household.building is None or not household.room:
        return None
    with session.no_autoflush:
        return session.scalar(select(Household).where(
            Household.building_id == household.building.id,
            Household.unit == (household.unit or ""), Household.room == household.room,
            Household.id != household.id if household.id is not None else true()))


def mask_phone(phone: str | None) -> str:
    """13812345678 → 138****5678; fixed lines keep their first three and last two digits."""
    if not phone:
        return ""
    if len(phone) == 11 and phone.startswith("1"):
        return phone[:3] + "****" + phone[-4:]
    return phone[:3] + "*" * max(len(phone) - 5, 1) + phone[-2:]


#: Fields every file should have.
BASE_FIELDS = ("contact_name", "contact_phone", "building", "floor", "room", "members_count")
#: What a category expects on top of the base fields.
CATEGORY_FIELDS: dict[HouseholdCategory, tuple[str, ...]] = {
    HouseholdCategory.resource: ("contact_windows",),
    HouseholdCategory.group_renting: ("notes",),
    HouseholdCategory.elderly_only: ("contact_windows", "notes"),
    HouseholdCategory.living_alone: ("contact_windows", "notes"),
    HouseholdCategory.very_old: ("notes",),
    HouseholdCategory.disabled: ("notes",),
    HouseholdCategory.intellectual_disability: ("notes",),
    HouseholdCategory.poor_and_ill: ("notes",),
    HouseholdCategory.special_population: ("notes",),
    HouseholdCategory.major_misfortune: ("notes",),
}


def expected_fields(categories: Iterable[HouseholdCategory]) -> tuple[str, ...]:
    out = list(BASE_FIELDS)
    for category in categories:
        for name in CATEGORY_FIELDS.get(HouseholdCategory(category), ()):
            if name not in out:
                out.append(name)
    return tuple(out)


def _filled(household: Household, name: str) -> bool:
    if name == "building":
        return household.building_id is not None or household.building is not None
    if name == "contact_windows":
        return bool(household.window_links)
    if name == "members_count":
        return bool(household.members_count and household.members_count >= 1)
    value = getattr(household, name)
    return value is not None and str(value).strip() != ""


@dataclass(frozen=True)
class Completeness:
    filled: int
    expected: int
    missing: tuple[str, ...]

    @property
    def score(self) -> float:
        return self.filled / self.expected if self.expected else 1.0


def completeness(household: Household) -> Completeness:
    """Which of the fields this household's categories expect are filled."""
    fields = expected_fields(household.categories)
    missing = tuple(name for name in fields if not _filled(household, name))
    return Completeness(len(fields) - len(missing), len(fields), missing)


def completeness_by_category(
    session: Session, *, neighbourhood_ids: frozenset[int] | None = None
) -> dict[HouseholdCategory, float]:
    """Average completeness of the files of each category (a household counts in each of its
    categories); categories without households are left out. Three queries."""
    statement = select(Household).options(
        selectinload(Household.category_links), selectinload(Household.window_links)
    )
    if neighbourhood_ids is not None:
        statement = statement.where(Household.neighbourhood_id.in_(neighbourhood_ids))
    scores: dict[HouseholdCategory, list[float]] = defaultdict(list)
    for household in session.scalars(statement):
        score = completeness(household).score
        for category in household.categories:
            scores[HouseholdCategory(category)].append(score)
    return {c: sum(v) / len(v) for c, v in scores.items()}
