"""Phone numbers and the completeness score of resident files."""

from __future__ import annotations

import pytest

from app.enums import ContactWindow, HouseholdCategory
from app.services.households.files import (
    BASE_FIELDS,
    HouseholdError,
    completeness,
    completeness_by_category,
    mask_phone,
    normalise_household_phone,
)
from tests.factories import make_building, make_household, make_neighbourhood
from tests.helpers import in_english


@pytest.mark.parametrize(("raw", "expected"), [
    ("138 1234 5678", "13812345678"),
    ("+86 138-1234-5678", "13812345678"),
    ("021-58881234", "021-58881234"),
    ("（021）5888 1234", "021-58881234"),
    ("02158881234", "021-58881234"),
    ("0571 88881234", "0571-88881234"),
    ("", None),
])
def test_mainland_phone_formats(raw, expected, app) -> None:
    with in_english(app):
        assert normalise_household_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "2381234567a", "1381234567", "00000000", "58881234"])
def test_invalid_phone_refused_with_a_message(raw, app) -> None:
    with in_english(app), pytest.raises(HouseholdError, match="mainland"):
        normalise_household_phone(raw)


def test_masked_phone() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("02158881234") == "021******34"
    assert mask_phone(None) == ""


def test_completeness_on_a_hand_built_set(db_session) -> None:
    n = make_neighbourhood(db_session)
    building = make_building(db_session, neighbourhood=n)
    # Ordinary, everything filled: 6 / 6.
    full = make_household(db_session, neighbourhood=n, building=building, floor=3, room="301",
                          categories=[HouseholdCategory.ordinary])
    # Ordinary without building, floor, room, phone: 2 / 6.
    sparse = make_household(db_session, neighbourhood=n, contact_phone=None,
                            categories=[HouseholdCategory.ordinary])
    # Elderly-only expects windows and notes too: 8 fields, windows filled, notes missing → 7 / 8.
    elderly = make_household(db_session, neighbourhood=n, building=building, floor=4,
                             room="401", categories=[HouseholdCategory.elderly_only])
    elderly.contact_windows.append(ContactWindow.weekday_daytime)
    db_session.flush()

    assert completeness(full).score == 1.0
    sparse_score = completeness(sparse)
    assert (sparse_score.filled, sparse_score.expected) == (2, len(BASE_FIELDS))
    assert set(sparse_score.missing) == {"contact_phone", "building", "floor", "room"}
    elderly_score = completeness(elderly)
    assert (elderly_score.filled, elderly_score.expected) == (7, 8)
    assert elderly_score.missing == ("notes",)

    by_category = completeness_by_category(db_session, neighbourhood_ids=frozenset({n.id}))
    assert by_category[HouseholdCategory.ordinary] == pytest.approx((1 + 2 / 6) / 2)
    assert by_category[HouseholdCategory.elderly_only] == pytest.approx(7 / 8)
    assert HouseholdCategory.resource not in by_category
