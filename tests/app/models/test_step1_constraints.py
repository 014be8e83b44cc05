"""The database itself refuses bad buildings, households, visits and incidents."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from app.enums import ContactWindow
from tests.factories import (
    make_building,
    make_household,
    make_incident,
    make_neighbourhood,
    make_service_group,
)


def _refused(session, make) -> None:
    with pytest.raises(IntegrityError), session.begin_nested():
        make()


def test_building_numbers_are_unique_per_neighbourhood(db_session) -> None:
    n = make_neighbourhood(db_session)
    make_building(db_session, neighbourhood=n, number="12")
    _refused(db_session, lambda: make_building(db_session, neighbourhood=n, number="12"))
    make_building(db_session, number="12")  # another neighbourhood: fine


def test_building_needs_a_floor(db_session) -> None:
    _refused(db_session, lambda: make_building(db_session, floors=0))


def test_a_building_belongs_to_one_group_patch(db_session) -> None:
    n = make_neighbourhood(db_session)
    group = make_service_group(db_session, neighbourhood=n)
    building = make_building(db_session, neighbourhood=n, service_group=group)
    assert group.buildings == [building]
    _refused(db_session, lambda: make_service_group(db_session, neighbourhood=n, name=group.name))


def test_one_household_per_flat(db_session) -> None:
    building = make_building(db_session)
    n = building.neighbourhood
    make_household(db_session, neighbourhood=n, building=building, unit="1", room="702", floor=7)
    _refused(db_session, lambda: make_household(
        db_session, neighbourhood=n, building=building, unit="1", room="702", floor=7))
    _refused(db_session, lambda: make_household(db_session, neighbourhood=n, floor=500))
    _refused(db_session, lambda: make_household(db_session, neighbourhood=n, members_count=0))


def test_contact_windows_are_a_set(db_session) -> None:
    household = make_household(db_session)
    household.contact_windows.extend([ContactWindow.weekday_evening, ContactWindow.weekend_daytime])
    db_session.flush()
    db_session.expire_all()
    assert list(household.contact_windows) == [ContactWindow.weekday_evening,
                                               ContactWindow.weekend_daytime]


def test_incident_restored_after_it_started(db_session) -> None:
    incident = make_incident(db_session)
    _refused(db_session, lambda: make_incident(
        db_session, neighbourhood=incident.neighbourhood,
        restored_at=incident.started_at - timedelta(hours=1), started_at=incident.started_at))
