"""`register_and_commit`: the residents' sign-up, committed (on PostgreSQL in one round trip).

It runs here on an app with a database of its own, not on the tests' rolled-back connection:
a transaction the session does not own is never committed by it, and would take `register`'s
path. On PostgreSQL every sign-up that may go through is checked to have taken the one trip
(the registration it returns is not in the session); elsewhere the same answers come from
`register`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.database import MIGRATIONS_DIR
from app.enums import EventKind, EventStatus, RegistrationStatus
from app.extensions import db
from app.models import Registration
from app.services import signup
from app.services.signup import Applicant, SignupError, SignupInvalid
from tests.conftest import _empty_database, temporary_app
from tests.factories import make_event, make_household, make_slot
from tests.live import NO_LIMITS, signup_body

pytestmark = pytest.mark.integration

#: Parameters are built when the tests are collected: hours or days away from now.
NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def own_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with _empty_database(tmp_path_factory.mktemp("one-trip")) as url, \
            temporary_app(url) as app:
        with app.app_context():
            upgrade(directory=str(MIGRATIONS_DIR))
        yield app


@pytest.fixture
def ctx(own_app: Flask) -> Iterator[Flask]:
    with own_app.test_request_context():
        yield own_app
        db.session.rollback()


def committed_event(slots: tuple[int, ...] = (), **kw: Any) -> tuple[int, list[int]]:
    """A published event (and slots with these capacities), committed; their ids. Nothing is
    read afterwards, so the next sign-up is the first statement of its transaction."""
    kw.setdefault("capacity", 3)
    kw.setdefault("status", EventStatus.published)
    event = make_event(db.session, **kw)
    slot_ids = [make_slot(db.session, event, capacity=c).id for c in slots]
    event_id = event.id
    db.session.commit()
    db.session.expunge_all()
    return event_id, slot_ids


def person(n: int, **kw: Any) -> Applicant:
    kw.setdefault("consent", True)
    return Applicant(name=f"居民{n}", phone=f"1390000{n:04d}", building="1号楼", room="101",
                     **kw)


def sign_up(event_id: int, n: int, **kw: Any) -> signup.SignupResult:
    slot_id = kw.pop("slot_id", None)
    result = signup.register_and_commit(db.session, event_id, person(n, **kw), slot_id=slot_id)
    if db.engine.dialect.name == "postgresql":
        assert inspect(result.registration).transient, "expected the one-trip path"
    return result


def refused(event_id: int, applicant: Applicant, **kw: Any) -> SignupError:
    with pytest.raises(SignupError) as info:
        signup.register_and_commit(db.session, event_id, applicant, **kw)
    db.session.rollback()
    return info.value


def stored(event_id: int) -> list[tuple[str, RegistrationStatus, int]]:
    rows = db.session.execute(
        select(Registration.phone, Registration.status, Registration.party_size)
        .where(Registration.event_id == event_id).order_by(Registration.id)).all()
    db.session.rollback()
    return [tuple(row) for row in rows]


def test_fills_the_places_then_waitlists_in_arrival_order(ctx: Flask) -> None:
    event_id, _ = committed_event(capacity=3)
    results = [sign_up(event_id, n) for n in range(5)]
    assert [r.confirmed for r in results] == [True, True, True, False, False]
    assert [r.waitlist_position for r in results] == [None, None, None, 1, 2]
    first = results[0].registration
    assert len(first.reference_code) == 8 and len(first.cancel_token) >= 32
    assert (first.name, first.phone, first.building, first.room) == (
        "居民0", "13900000000", "1号楼", "101")
    assert [status for _, status, _ in stored(event_id)] == [RegistrationStatus.confirmed] * 3 \
        + [RegistrationStatus.waitlisted] * 2
    # The committed row is the one the answer describes, found by its cancel link.
    found = signup.find_by_token(db.session, first.cancel_token)
    assert found is not None and found.reference_code == first.reference_code
    assert found.consent_at is not None and found.created_at is not None


def test_a_party_counts_against_the_places_and_nobody_jumps_the_queue(ctx: Flask) -> None:
    event_id, _ = committed_event(capacity=3, max_party_size=3)
    assert sign_up(event_id, 1, party_size=2).confirmed
    assert sign_up(event_id, 2, party_size=2).waitlist_position == 1
    # One place is left, but someone is waiting: a newcomer waits too.
    assert sign_up(event_id, 3).waitlist_position == 2
    assert stored(event_id)[0][2] == 2


def test_full_without_a_waitlist_is_refused_and_writes_nothing(ctx: Flask) -> None:
    event_id, _ = committed_event(capacity=1, waitlist_enabled=False)
    sign_up(event_id, 1)
    error = refused(event_id, person(2))
    assert error.code == "full" and error.details["remaining"] == 0
    assert len(stored(event_id)) == 1


def test_the_same_number_is_refused_and_writes_nothing(ctx: Flask) -> None:
    event_id, _ = committed_event(capacity=1)
    sign_up(event_id, 1)
    sign_up(event_id, 2)  # waitlisted
    for n in (1, 2):
        error = refused(event_id, Applicant(name="别人", phone=f"+86 139-0000-000{n}",
                                            consent=True))
        assert (error.code, error.field) == ("duplicate", "phone")
    assert len(stored(event_id)) == 2


def test_slots_have_places_of_their_own(ctx: Flask) -> None:
    event_id, (slot_a, slot_b) = committed_event(slots=(1, 1), capacity=None)
    assert sign_up(event_id, 1, slot_id=slot_a).confirmed
    assert sign_up(event_id, 1, slot_id=slot_b).confirmed  # the same number, another slot
    assert sign_up(event_id, 2, slot_id=slot_a).waitlist_position == 1
    assert refused(event_id, person(1), slot_id=slot_a).code == "duplicate"
    assert refused(event_id, person(3)).field == "slot"  # no whole-event places
    other_id, _ = committed_event()
    assert refused(other_id, person(4), slot_id=slot_a).code == "not_found"
    assert refused(event_id, person(4), slot_id=2**31 - 1).code == "not_found"
    assert len(stored(event_id)) == 3 and stored(other_id) == []


@pytest.mark.parametrize(("settings", "code"), [
    ({"registration_closes_at": NOW - timedelta(hours=1),
      "registration_opens_at": NOW - timedelta(days=2)}, "closed"),
    ({"registration_opens_at": NOW + timedelta(days=1)}, "not_open"),
    ({"status": EventStatus.draft}, "closed"),
    ({"status": EventStatus.cancelled}, "closed"),
    ({"cancelled_at": NOW - timedelta(hours=1)}, "closed"),
    ({"start_at": NOW - timedelta(hours=1), "end_at": NOW + timedelta(days=1)}, "closed"),
    ({"is_public": False}, "not_found"),
    ({"kind": EventKind.care_visit}, "not_found"),
    ({"capacity": None}, "closed"),  # no places for residents at all
])
def test_what_register_refuses_is_refused(ctx: Flask, settings: dict[str, Any],
                                          code: str) -> None:
    event_id, _ = committed_event(**settings)
    assert refused(event_id, person(1)).code == code
    assert stored(event_id) == []


def test_a_private_household_event_is_never_open_to_residents(ctx: Flask) -> None:
    household = make_household(db.session)
    event_id, _ = committed_event(household=household, neighbourhood=household.neighbourhood)
    assert refused(event_id, person(1)).code == "not_found"
    assert refused(2**31 - 1, person(1)).code == "not_found"


@pytest.mark.parametrize(("offsets", "open_"), [
    ({}, True),
    ({"registration_opens_at": -timedelta(minutes=10)}, True),
    ({"registration_closes_at": timedelta(minutes=10),
      "registration_opens_at": -timedelta(days=1)}, True),
    ({"registration_closes_at": timedelta(days=30)}, True),  # after the start
    ({"registration_opens_at": timedelta(minutes=10)}, False),
    ({"registration_closes_at": -timedelta(minutes=10)}, False),
])
def test_open_for_sign_up_means_what_registration_state_says(
    ctx: Flask, offsets: dict[str, timedelta], open_: bool,
) -> None:
    now = datetime.now(UTC)
    event_id, _ = committed_event(**{key: now + offset for key, offset in offsets.items()})
    event = signup.public_event(db.session, event_id)
    assert event is not None and (signup.registration_state(event) == "open") is open_
    db.session.rollback()
    if open_:
        assert sign_up(event_id, 1).confirmed
    else:
        assert refused(event_id, person(1)).code in ("closed", "not_open")


def test_a_party_over_the_events_maximum_is_refused_by_field(ctx: Flask) -> None:
    event_id, _ = committed_event(max_party_size=2)
    error = refused(event_id, person(1, party_size=3))
    assert isinstance(error, SignupInvalid) and "party_size" in error.errors
    assert sign_up(event_id, 1, party_size=2).confirmed


def test_bad_fields_are_all_listed_and_nothing_is_written(ctx: Flask) -> None:
    event_id, _ = committed_event(capacity=None, slots=(2,))
    error = refused(event_id, Applicant(name=" ", phone="12345", email="x", consent=False))
    assert isinstance(error, SignupInvalid)
    assert set(error.errors) == {"slot", "name", "phone", "email", "consent"}
    assert stored(event_id) == []


def test_a_sign_up_is_on_disk_before_anybody_is_told(ctx: Flask) -> None:
    """The lock goes before the commit reaches the disk; the answer waits for it."""
    event_id, _ = committed_event()
    result = sign_up(event_id, 1)
    with db.engine.connect() as elsewhere:
        assert elsewhere.scalar(select(Registration.id).where(
            Registration.cancel_token == result.registration.cancel_token)) is not None
        if db.engine.dialect.name == "postgresql":
            assert result.on_disk_to is not None
            assert elsewhere.scalar(
                text("SELECT pg_current_wal_flush_lsn() >= CAST(:lsn AS pg_lsn)"),
                {"lsn": result.on_disk_to})
        else:
            assert result.on_disk_to is None


def test_a_lock_held_too_long_is_503_and_keeps_the_residents_details_out_of_the_error(
    empty_database_url: str,
) -> None:
    """PostgreSQL: lock_timeout while another transaction holds the event; SQLite: the busy
    timeout while another connection writes. Either way the resident is asked to try again
    and nothing is written."""
    url = make_url(empty_database_url)
    if url.get_backend_name() == "postgresql":
        options = f"{url.query.get('options', '')} -clock_timeout=300".strip()
        url = url.update_query_dict({"options": options})
    with temporary_app(url.render_as_string(hide_password=False),
                       SQLITE_BUSY_TIMEOUT_MS=300, **NO_LIMITS) as app:
        with app.app_context():
            upgrade(directory=str(MIGRATIONS_DIR))
        with app.test_request_context():
            event_id, _ = committed_event()
            blocker = db.engine.connect()
            try:
                # A write holds the event's row (PostgreSQL) or the database (SQLite).
                blocker.execute(text("UPDATE events SET id = id WHERE id = :id"),
                                {"id": event_id})
                if db.engine.dialect.name == "postgresql":
                    with pytest.raises(OperationalError) as info:
                        signup.register_and_commit(db.session, event_id, person(7))
                    assert "1390000" not in str(info.value) and "居民" not in str(info.value)
                    db.session.rollback()
                answer = app.test_client().post(
                    f"/api/v1/events/{event_id}/registrations", json=signup_body(7))
            finally:
                blocker.rollback()
                blocker.close()
            assert answer.status_code == 503 and answer.headers["Retry-After"]
            assert stored(event_id) == []
