"""A resident's sign-up, committed; on PostgreSQL in one round trip to the server.

Why one round trip: every sign-up for an event waits for the same row lock, so sign-ups per
second for a popular event are one over the time that lock is held. Held across statements,
that time is the web worker's: a network wait per statement, and a Python thread of a busy
worker waiting for the GIL between them (about 23 ms a sign-up under load, against a few
hundred microseconds of work in the database). Here the lock, the count, the insert and the
COMMIT leave in one psycopg pipeline, so the lock is held only while the server works.

Nor does the lock wait for the disk: flushing a commit takes about 4 ms on a loaded machine,
which alone would cap an event at some 250 sign-ups a second. The sign-up's own commit is
asynchronous (``synchronous_commit = off`` for that transaction only), which lets the lock go
as soon as the commit is recorded; a second, synchronous transaction in the same pipeline then
writes one WAL record (a transactional `pg_logical_emit_message`: a transaction that writes
nothing does not wait for the disk) and so waits until the WAL is on disk up to a point after
the sign-up's commit. Only then is the resident told. A later sign-up that counted this place
answers only after its own flush, which covers this commit too (the WAL is written in order);
a page read in that instant may already count the place. Concurrent sign-ups share flushes.

That is why this is the one service function that ends its transaction: the COMMIT has to
travel with the insert. Call it as the first database work of a request (the views pass ids,
not loaded rows); the request's own commit then finds nothing left to do.

What is checked where:

- before anything is sent: the applicant's fields (`Applicant.cleaned`), except the party's
  upper bound, which is the event's;
- in the statement, on rows read after the lock: the event is shown publicly and open for
  sign-up (`OPEN_FOR_SIGNUP` is `registration_state`'s "open" in SQL; a test holds the two
  equal), the party is within the event's maximum, the number holds no place or waitlist
  entry here, and there is a place or a waitlist;
- when the statement inserts nothing, nothing was written and `register` runs, in a new
  transaction, to say why with its own refusal (or to sign up, should the event have changed
  in between).

Anywhere else (SQLite; a transaction that has already sent something, or is not the
session's own, as in the tests' rolled-back connection) it is `register` followed by a
commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.enums import EventStatus, RegistrationStatus
from app.models import Event, Registration, utcnow
from app.models.registrations import new_cancel_token, new_reference_code
from app.services.signup.applicant import ACTIVE, HOLDING, MAX_ID, Applicant, SignupInvalid
from app.services.signup.places import SignupResult, register

#: `Applicant.cleaned` checks the party against the event's maximum, which is only known in
#: the statement; here it only has to be a positive number.
_ANY_PARTY = 2**15


def _values(statuses: tuple[RegistrationStatus, ...]) -> str:
    return ", ".join(f"'{status.value}'" for status in statuses)


#: `registration_state(event, now) == "open"`, as a condition on the `events` row.
OPEN_FOR_SIGNUP = f"""
    events.status = '{EventStatus.published.value}' AND events.cancelled_at IS NULL
    AND (events.registration_opens_at IS NULL OR events.registration_opens_at <= %(now)s)
    AND %(now)s < coalesce(events.registration_closes_at, events.start_at)"""

_SHOWN_PUBLICLY = str(Event.shown_publicly.compile(
    dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))

#: The place is counted, and the decision taken, on rows read after the lock: under READ
#: COMMITTED each statement sees what was committed before it started, so this statement
#: (sent after the lock's) sees every earlier sign-up for the event.
_INSERT = f"""
WITH target AS (
    SELECT {{capacity}} AS capacity, events.waitlist_enabled
    FROM events {{slot_join}}
    WHERE events.id = %(event_id)s AND {{target}}
      AND {_SHOWN_PUBLICLY} AND {OPEN_FOR_SIGNUP}
      AND %(party_size)s <= events.max_party_size
), places AS (
    SELECT coalesce(sum(party_size) FILTER (WHERE status IN ({_values(HOLDING)})), 0) AS booked,
           count(*) FILTER (WHERE status = '{RegistrationStatus.waitlisted.value}') AS waiting,
           coalesce(bool_or(phone = %(phone)s), false) AS taken
    FROM registrations
    WHERE event_id = %(event_id)s AND slot_key = %(slot_key)s
      AND status IN ({_values((*HOLDING, *ACTIVE))})
), decided AS (
    -- Nobody jumps the queue: while others wait, a newcomer waits too.
    SELECT CASE WHEN places.waiting = 0 AND places.booked + %(party_size)s <= target.capacity
                THEN '{RegistrationStatus.confirmed.value}'
                ELSE '{RegistrationStatus.waitlisted.value}' END AS status,
           places.waiting
    FROM target, places
    WHERE NOT places.taken
      AND (places.waiting = 0 AND places.booked + %(party_size)s <= target.capacity
           OR target.waitlist_enabled)
), inserted AS (
    INSERT INTO registrations (event_id, slot_id, slot_key, name, phone, email, building, room,
                               party_size, status, reference_code, cancel_token, consent_at,
                               locale, created_at, updated_at)
    SELECT %(event_id)s::integer, %(slot_id)s::integer, %(slot_key)s::integer, %(name)s::text,
           %(phone)s::text, %(email)s::text, %(building)s::text, %(room)s::text,
           %(party_size)s::integer, decided.status, %(reference_code)s::text,
           %(cancel_token)s::text, %(now)s::timestamptz, %(locale)s::text,
           %(now)s::timestamptz, %(now)s::timestamptz
    FROM decided
    RETURNING id, status
)
SELECT inserted.id, inserted.status, decided.waiting FROM inserted, decided
"""

#: Lets the lock go when the commit is recorded, not when it is on disk (see the module doc).
_ASYNC_COMMIT = "SET LOCAL synchronous_commit = off"
#: A WAL record in a synchronous transaction: its commit returns once the WAL is on disk up to
#: its own record, which comes after the sign-up's commit. Returns that record's position.
_FLUSH = "SELECT pg_logical_emit_message(true, 'linli-signup', '')::text"

#: (lock, insert) for a whole-event place and for a place in a slot: the same rows as
#: `register` locks, so the two paths (and cancellations) queue for one lock.
_EVENT_PLACE = (
    "SELECT 1 FROM events WHERE id = %(event_id)s FOR UPDATE",
    _INSERT.format(capacity="events.capacity", slot_join="",
                   target="events.capacity IS NOT NULL"),
)
_SLOT_PLACE = (
    "SELECT 1 FROM slots WHERE id = %(slot_id)s FOR UPDATE",
    _INSERT.format(capacity="slots.capacity", slot_join="JOIN slots ON slots.event_id = events.id",
                   target="slots.id = %(slot_id)s"),
)


def register_and_commit(session: Session, event_id: int, applicant: Applicant, *,
                        slot_id: int | None = None, now: datetime | None = None) -> SignupResult:
    """`register` for a resident on the public pages or the API, committed.

    Refuses with `register`'s `SignupError`s, having written nothing. On the one-trip path the
    returned registration is not in the session (it is already committed): read its columns.
    """
    now = now or utcnow()
    if _one_trip_possible(session, event_id, slot_id):
        try:
            cleaned = applicant.cleaned(_ANY_PARTY)
        except SignupInvalid:
            cleaned = None  # `register` lists every problem of the form, the slot's included
        if cleaned is not None:
            result = _sign_up_in_one_trip(session, event_id, slot_id, cleaned, now)
            if result is not None:
                return result
    result = register(session, event_id, applicant, slot_id=slot_id, now=now)
    session.commit()
    return result


def _one_trip_possible(session: Session, event_id: int, slot_id: int | None) -> bool:
    return (session.get_bind().dialect.name == "postgresql"
            and 1 <= event_id <= MAX_ID and (slot_id is None or 1 <= slot_id <= MAX_ID))


def _sign_up_in_one_trip(session: Session, event_id: int, slot_id: int | None,
                         applicant: Applicant, now: datetime) -> SignupResult | None:
    """Lock, count, insert and commit in one pipeline, and wait for the disk after the lock
    has gone; None when nothing was inserted."""
    params: dict[str, Any] = {
        "event_id": event_id, "slot_id": slot_id, "slot_key": slot_id or 0,
        "name": applicant.name, "phone": applicant.phone, "email": applicant.email,
        "building": applicant.building, "room": applicant.room,
        "party_size": int(applicant.party_size or 1), "reference_code": new_reference_code(),
        "cancel_token": new_cancel_token(), "locale": applicant.locale, "now": now,
    }
    import psycopg  # the `postgres` extra, present whenever the engine is PostgreSQL

    connection = session.connection()
    driver = connection.connection.driver_connection
    if driver.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        # Something of this transaction is already in the database (or it is not ours, as
        # in the tests' rolled-back connection): committing here would commit that too.
        return None
    lock, insert = _SLOT_PLACE if slot_id is not None else _EVENT_PLACE
    try:
        with driver.pipeline(), driver.cursor() as locking, driver.cursor() as inserting, \
                driver.cursor() as flushing:
            driver.execute(_ASYNC_COMMIT)
            locking.execute(lock, params)
            inserting.execute(insert, params)
            driver.commit()  # the lock goes here
            flushing.execute(_FLUSH)
            driver.commit()  # returns once the sign-up's commit is on disk
            row = inserting.fetchone()
            on_disk_to = flushing.fetchone()
    except psycopg.Error as error:
        # As SQLAlchemy would raise it, so the app's handlers (503 for a busy or full
        # database, or a lost connection) treat it like any other; the session's rollback
        # ends the transaction. Its parameters (a resident's name and number) stay out of
        # the logs. A connection that died here is not given back to the pool.
        lost = driver.closed or driver.broken
        if lost:
            connection.invalidate(error)
        raise DBAPIError.instance(insert, params, error, psycopg.Error, hide_parameters=True,
                                  connection_invalidated=lost) from error
    if row is None:
        return None
    registration_id, status, waiting = row
    registration = Registration(
        id=registration_id, event_id=event_id, slot_id=slot_id, slot_key=params["slot_key"],
        name=applicant.name, phone=applicant.phone, email=applicant.email,
        building=applicant.building, room=applicant.room, party_size=params["party_size"],
        status=RegistrationStatus(status), reference_code=params["reference_code"],
        cancel_token=params["cancel_token"], consent_at=now, locale=applicant.locale,
        created_at=now, updated_at=now,
    )
    confirmed = registration.status == RegistrationStatus.confirmed
    return SignupResult(registration, None if confirmed else waiting + 1,
                        on_disk_to=on_disk_to[0] if on_disk_to else None)
