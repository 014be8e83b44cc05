"""The household import's rules on a small hand-built neighbourhood: how a row finds the
household it describes, what a changed row changes, and what is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.enums import ContactWindow, HouseholdCategory
from app.models import Household
from app.services.households.importing import RowStatus, apply, plan
from app.services.spreadsheet_import import ImportRefused, SpreadsheetImportError
from tests.factories import make_building, make_household, make_neighbourhood
from tests.helpers import in_english

HEADER = ["Neighbourhood", "Building", "Unit", "Room", "Address", "Contact", "Categories"]


@pytest.fixture
def place(db_session):
    n = make_neighbourhood(db_session, name="示范居民区", name_en="Demo area")
    b = make_building(db_session, neighbourhood=n, number="12", floors=14)
    flat = make_household(db_session, neighbourhood=n, building=b, unit="2", room="701",
                          address="示范路12号2单元701室", contact_name="甲",
                          categories=[HouseholdCategory.living_alone,
                                      HouseholdCategory.very_old])
    twins = [make_household(db_session, neighbourhood=n, address="示范路3号",
                            contact_name=name) for name in ("乙", "丙")]
    return n, b, flat, twins


def test_rows_find_their_household_by_flat_or_address(app, db_session, place) -> None:
    flat = place[2]
    with in_english(app):
        result = plan(db_session, [
            HEADER,
            ["Demo area", "12", "2", "701", flat.address, "甲",
             "Very old, Elderly living alone"],  # same set, other order and language
            ["Demo area", "12", "2", "702", "示范路12号2单元702室", "丁", "very_old"],
            ["Demo area", "", "", "", "示范路3号", "戊", ""],
        ], neighbourhood_ids=None)
    first, second, third = result.rows
    assert (first.status, first.household_id, first.errors) == (RowStatus.unchanged,
                                                                flat.id, [])
    assert second.status is RowStatus.new and not second.errors
    assert "2 households have this address" in str(third.errors[0])


def test_apply_changes_only_what_the_file_has(app, db_session, place) -> None:
    n, _b, flat, _twins = place
    flat.contact_windows.append(ContactWindow.weekend_daytime)
    db_session.flush()
    with in_english(app):
        result = plan(db_session, [
            ["Building", "Unit", "Room", "Address", "Contact", "Categories"],
            ["12", "2", "701", flat.address, "甲", "Elderly living alone"],
        ], neighbourhood_ids=frozenset({n.id}))  # one neighbourhood: no column needed
        assert result.ok and result.rows[0].status is RowStatus.changed
        done = apply(db_session, result)
    assert (done.created, done.updated, done.unchanged) == (0, 1, 0)
    db_session.refresh(flat)
    assert list(flat.categories) == [HouseholdCategory.living_alone]
    assert list(flat.contact_windows) == [ContactWindow.weekend_daytime]  # no such column


def test_refused_plan_writes_nothing(app, db_session, place) -> None:
    before = db_session.scalar(select(func.count()).select_from(Household))
    with in_english(app):
        result = plan(db_session, [
            HEADER, ["Demo area", "12", "2", "702", "x", "丁", "martian"],
        ], neighbourhood_ids=None)
        assert "no household category called “martian”" in str(result.rows[0].errors[0])
        with pytest.raises(ImportRefused):
            apply(db_session, result)
    assert db_session.scalar(select(func.count()).select_from(Household)) == before


def test_a_file_without_the_required_columns_is_refused(app, db_session) -> None:
    with in_english(app), pytest.raises(SpreadsheetImportError, match="Address"):
        plan(db_session, [["Contact"], ["甲"]], neighbourhood_ids=None)
