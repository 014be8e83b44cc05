"""Integrity lives in the database: these go around the forms and straight to the tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError, StatementError

from app.enums import HouseholdCategory, RegistrationStatus
from app.models import Assignment, Event, Shift, Slot
from tests import factories as f

pytestmark = pytest.mark.integration


def test_double_assignment_is_refused(db_session) -> None:
    shift = f.make_shift(db_session)
    volunteer = f.make_volunteer(db_session)
    f.make_assignment(db_session, shift, volunteer)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.add(Assignment(shift=shift, volunteer=volunteer))
        db_session.flush()


def test_event_ending_before_it_starts_is_refused(db_session) -> None:
    neighbourhood = f.make_neighbourhood(db_session)
    start = f.future()
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.add(Event(neighbourhood=neighbourhood, kind="service_day", title="x",
                             start_at=start, end_at=start - timedelta(hours=1)))
        db_session.flush()


@pytest.mark.parametrize(
    ("minimum", "maximum"), [(3, 2), (-1, 2), (0, 0)], ids=["min>max", "negative", "max=0"]
)
def test_shift_headcount_rules(db_session, minimum: int, maximum: int) -> None:
    event = f.make_event(db_session)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.add(Shift(event=event, title="x", start_at=event.start_at, end_at=event.end_at,
                             min_volunteers=minimum, max_volunteers=maximum))
        db_session.flush()


def test_negative_capacity_is_refused(db_session) -> None:
    event = f.make_event(db_session)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.add(Slot(event=event, label="x", start_at=event.start_at,
                            end_at=event.end_at, capacity=-1))
        db_session.flush()


def test_unknown_enum_value_is_refused(db_session) -> None:
    event = f.make_event(db_session)
    with pytest.raises(StatementError), db_session.begin_nested():
        event.kind = "party"
        db_session.flush()


def test_naive_datetimes_are_refused_and_aware_ones_come_back_in_utc(db_session) -> None:
    event = f.make_event(db_session)
    with pytest.raises(StatementError), db_session.begin_nested():
        event.start_at = datetime(2027, 3, 5, 9, 0)
        db_session.flush()
    shanghai = datetime.fromisoformat("2027-03-05T09:00:00+08:00")
    event.start_at, event.end_at = shanghai, shanghai + timedelta(hours=3)
    db_session.flush()
    db_session.expire(event)
    assert event.start_at == datetime(2027, 3, 5, 1, 0, tzinfo=UTC)
    assert event.start_at.utcoffset() == timedelta(0)


def test_deleting_a_neighbourhood_in_use_is_refused(db_session) -> None:
    volunteer = f.make_volunteer(db_session)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.delete(volunteer.neighbourhood)
        db_session.flush()


def test_household_categories_round_trip(db_session) -> None:
    household = f.make_household(
        db_session, categories=[HouseholdCategory.living_alone, HouseholdCategory.very_old]
    )
    db_session.expire(household)
    assert set(household.categories) == {HouseholdCategory.living_alone, HouseholdCategory.very_old}


def test_one_active_place_per_phone_and_event(db_session) -> None:
    event = f.make_event(db_session)
    f.make_registration(db_session, event, phone="13912345678")
    with pytest.raises(IntegrityError), db_session.begin_nested():
        f.make_registration(db_session, event, phone="13912345678")


def test_cancelled_place_does_not_block_a_new_one_and_slots_are_separate(db_session) -> None:
    event = f.make_event(db_session)
    first = f.make_registration(db_session, event, phone="13912345678")
    first.status = RegistrationStatus.cancelled
    db_session.flush()
    f.make_registration(db_session, event, phone="13912345678")
    slot = f.make_slot(db_session, event)
    in_slot = f.make_registration(db_session, event, slot=slot, phone="13912345678")
    assert in_slot.slot_key == slot.id


def test_slot_key_must_match_the_slot(db_session) -> None:
    event = f.make_event(db_session)
    slot = f.make_slot(db_session, event)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        f.make_registration(db_session, event, slot=slot, slot_key=0)
