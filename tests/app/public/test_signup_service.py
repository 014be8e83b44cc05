"""The one sign-up service: rules, waitlist order, cancellation, capacity changes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import EventStatus, RegistrationStatus
from app.models import Registration
from app.services import signup
from app.services.signup import Applicant, SignupError, SignupInvalid
from tests.factories import make_event, make_slot, make_user

pytestmark = pytest.mark.integration


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


def open_event(session: Session, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("capacity", 3)
    kw.setdefault("status", EventStatus.published)
    return make_event(session, **kw)


def person(n: int, **kw) -> Applicant:  # type: ignore[no-untyped-def]
    kw.setdefault("consent", True)
    return Applicant(name=f"居民{n}", phone=f"1390000{n:04d}", building="1号楼", room="101",
                     **kw)


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Registration)) or 0


@pytest.mark.unit
@pytest.mark.parametrize("raw", ["13800138000", "138 0013 8000", "138-0013-8000",
                                 "+86 138 0013 8000", "0086-13800138000", "8613800138000",
                                 "１３８００１３８０００"])
def test_mobile_numbers_are_normalised(raw: str) -> None:
    assert signup.normalise_phone(raw) == "13800138000"


@pytest.mark.unit
@pytest.mark.parametrize("raw", ["", "12800138000", "1380013800", "138001380001", "abc",
                                 "+1 138 0013 8000", "02150505050"])
def test_bad_mobile_numbers_are_refused(raw: str) -> None:
    with pytest.raises(SignupInvalid) as info:
        signup.normalise_phone(raw)
    assert "phone" in info.value.errors


@pytest.mark.unit
def test_names_are_masked() -> None:
    assert signup.mask_name("张三丰") == "张**"
    assert signup.mask_name("李四") == "李*"
    assert signup.mask_name("王") == "王*"
    assert signup.mask_name("Alice") == "A****"


def test_fills_capacity_then_waitlists_in_arrival_order(db_session: Session, ctx) -> None:
    event = open_event(db_session, capacity=3)
    results = [signup.register(db_session, event.id, person(n)) for n in range(6)]
    assert [r.registration.status for r in results] == [RegistrationStatus.confirmed] * 3 + [
        RegistrationStatus.waitlisted] * 3
    assert [r.waitlist_position for r in results] == [None, None, None, 1, 2, 3]
    assert signup.waitlist_position(db_session, results[5].registration) == 3


def test_party_size_counts_against_capacity(db_session: Session, ctx) -> None:
    event = open_event(db_session, capacity=3, max_party_size=3)
    first = signup.register(db_session, event.id, person(1, party_size=2))
    second = signup.register(db_session, event.id, person(2, party_size=2))
    third = signup.register(db_session, event.id, person(3, party_size=1))
    assert first.confirmed and not second.confirmed
    # Nobody jumps the queue: a single person waits behind the waitlisted couple.
    assert third.registration.status == RegistrationStatus.waitlisted
    assert signup.booked_places(db_session, event.id, None) == 2


def test_full_without_waitlist_is_refused_and_creates_nothing(db_session: Session, ctx) -> None:
    event = open_event(db_session, capacity=1, waitlist_enabled=False)
    signup.register(db_session, event.id, person(1))
    before = count(db_session)
    with pytest.raises(SignupError) as info:
        signup.register(db_session, event.id, person(2))
    assert info.value.code == "full"
    assert "名额已满" in str(info.value.message)
    assert count(db_session) == before


def test_same_mobile_number_cannot_hold_two_places(db_session: Session, ctx) -> None:
    event = open_event(db_session)
    signup.register(db_session, event.id, person(1))
    before = count(db_session)
    with pytest.raises(SignupError) as info:
        signup.register(db_session, event.id, Applicant(
            name="别人", phone="+86 139-0000-0001", consent=True))
    assert info.value.code == "duplicate" and info.value.field == "phone"
    assert count(db_session) == before


def test_same_number_may_book_two_different_slots(db_session: Session, ctx) -> None:
    event = open_event(db_session, capacity=None)
    slot_a, slot_b = make_slot(db_session, event, capacity=1), make_slot(db_session, event,
                                                                          capacity=1)
    a = signup.register(db_session, event.id, person(1), slot_id=slot_a.id)
    b = signup.register(db_session, event.id, person(1), slot_id=slot_b.id)
    assert a.confirmed and b.confirmed
    with pytest.raises(SignupError) as info:
        signup.register(db_session, event.id, person(1), slot_id=slot_a.id)
    assert info.value.code == "duplicate"


def test_slot_capacity_is_separate_and_slot_is_required(db_session: Session, ctx) -> None:
    event = open_event(db_session, capacity=None)
    slot = make_slot(db_session, event, capacity=1)
    assert signup.register(db_session, event.id, person(1), slot_id=slot.id).confirmed
    second = signup.register(db_session, event.id, person(2), slot_id=slot.id)
    assert second.waitlist_position == 1
    with pytest.raises(SignupError) as info:
        signup.register(db_session, event.id, person(3))
    assert info.value.field == "slot"
    other = open_event(db_session)
    with pytest.raises(SignupError) as info:
        signup.register(db_session, other.id, person(4), slot_id=slot.id)
    assert info.value.code == "not_found"


@pytest.mark.parametrize(("settings", "code"), [
    ({"registration_closes_at": datetime.now(UTC) - timedelta(hours=1),
      "registration_opens_at": datetime.now(UTC) - timedelta(days=2)}, "closed"),
    ({"registration_opens_at": datetime.now(UTC) + timedelta(days=1)}, "not_open"),
    ({"status": EventStatus.draft}, "closed"),
    ({"status": EventStatus.cancelled}, "closed"),
    ({"start_at": datetime.now(UTC) - timedelta(hours=1),
      "end_at": datetime.now(UTC) + timedelta(hours=1)}, "closed"),
    ({"is_public": False}, "not_found"),
])
def test_closed_registration_is_refused(db_session: Session, ctx, settings, code) -> None:
    event = open_event(db_session, **settings)
    with pytest.raises(SignupError) as info:
        signup.register(db_session, event.id, person(1))
    assert info.value.code == code
    assert count(db_session) == 0


def test_coordinator_may_register_for_a_non_public_event(db_session: Session, ctx) -> None:
    event = open_event(db_session, is_public=False)
    coordinator = make_user(db_session)
    result = signup.register(db_session, event.id, person(1), registered_by=coordinator,
                             public_only=False)
    assert result.registration.registered_by_id == coordinator.id


@pytest.mark.parametrize(("applicant", "field"), [
    (Applicant(name="张三", phone="12345", consent=True), "phone"),
    (Applicant(name="张三", phone="13800138000", party_size=0, consent=True), "party_size"),
    (Applicant(name="张三", phone="13800138000", party_size=3, consent=True), "party_size"),
    (Applicant(name="张三", phone="13800138000", party_size="two", consent=True),
     "party_size"),
    (Applicant(name="张三", phone="13800138000", consent=False), "consent"),
    (Applicant(name="  ", phone="13800138000", consent=True), "name"),
    (Applicant(name="张\x00三", phone="13800138000", consent=True), "name"),
    (Applicant(name="张三", phone="13800138000", email="not-an-email", consent=True), "email"),
])
def test_bad_input_gives_a_clear_message_and_creates_nothing(
    db_session: Session, ctx, applicant: Applicant, field: str
) -> None:
    event = open_event(db_session, max_party_size=2)
    with pytest.raises(SignupInvalid) as info:
        signup.register(db_session, event.id, applicant)
    assert field in info.value.errors
    assert str(info.value.errors[field])
    assert count(db_session) == 0


def test_cancel_frees_the_place_and_promotes_the_first_in_line(db_session: Session, ctx) -> None:
    event = open_event(db_session, capacity=2)
    rs = [signup.register(db_session, event.id, person(n)).registration for n in range(5)]
    result = signup.cancel(db_session, rs[0].cancel_token)
    assert result.cancelled_now and result.promoted == [rs[2]]
    assert rs[2].status == RegistrationStatus.confirmed and rs[2].promoted_at is not None
    assert signup.waitlist_position(db_session, rs[3]) == 1
    again = signup.cancel(db_session, rs[0].cancel_token)
    assert not again.cancelled_now and again.promoted == []
    assert rs[3].status == RegistrationStatus.waitlisted
    assert signup.booked_places(db_session, event.id, None) == 2


def test_cancelling_a_waitlisted_entry_promotes_nobody_unless_it_fits(db_session: Session,
                                                                      ctx) -> None:
    event = open_event(db_session, capacity=2, max_party_size=2)
    signup.register(db_session, event.id, person(1))
    big = signup.register(db_session, event.id, person(2, party_size=2)).registration
    small = signup.register(db_session, event.id, person(3)).registration
    assert big.status == small.status == RegistrationStatus.waitlisted
    # The couple does not fit in the one free place, and nobody overtakes them...
    assert signup.cancel(db_session, big.cancel_token).promoted == [small]


def test_unknown_token(db_session: Session, ctx) -> None:
    with pytest.raises(SignupError) as info:
        signup.cancel(db_session, "nope")
    assert info.value.code == "not_found"


def test_lowering_capacity_below_bookings_is_refused_with_the_count(db_session: Session,
                                                                    ctx) -> None:
    event = open_event(db_session, capacity=5)
    for n in range(4):
        signup.register(db_session, event.id, person(n))
    with pytest.raises(SignupError) as info:
        signup.set_capacity(db_session, event, 3)
    assert info.value.code == "below_bookings" and info.value.details["booked"] == 4
    assert "4" in str(info.value.message)
    assert signup.set_capacity(db_session, event, 4) == []
    assert event.capacity == 4


def test_raising_capacity_promotes_in_order(db_session: Session, ctx) -> None:
    event = open_event(db_session, capacity=1, max_party_size=2)
    slot_event = open_event(db_session, capacity=None)
    slot = make_slot(db_session, slot_event, capacity=1)
    rs = [signup.register(db_session, event.id, person(n)).registration for n in range(4)]
    promoted = signup.set_capacity(db_session, event, 3)
    assert promoted == rs[1:3]
    s1 = signup.register(db_session, slot_event.id, person(1), slot_id=slot.id)
    s2 = signup.register(db_session, slot_event.id, person(2), slot_id=slot.id)
    assert s1.confirmed and not s2.confirmed
    with pytest.raises(SignupError):
        signup.set_capacity(db_session, slot, 0)
    assert signup.set_capacity(db_session, slot, 2) == [s2.registration]
