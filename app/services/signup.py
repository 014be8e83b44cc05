"""The one sign-up service: register, cancel, promote from the waitlist, change capacity.

The public pages, the JSON API and the coordinators' on-behalf form all call these functions;
none of them holds a rule of its own. The functions only flush: the request, task or CLI
command that called them commits (or rolls back on an error).

**Never overbooked.** Every change to the places of one event (or one slot) first takes a
lock on that event or slot, then counts and writes:

- PostgreSQL: ``SELECT … FOR UPDATE`` on the event or slot row. Other sign-ups for the same
  event wait for the row; under READ COMMITTED each later statement sees what they committed.
- SQLite: a no-op ``UPDATE`` of the row as the *first* statement of the transaction. A write
  takes SQLite's single write lock (waiting up to ``busy_timeout``), and in WAL mode the
  transaction's snapshot starts there, so the counts that follow are current — the same effect
  as ``BEGIN IMMEDIATE``. Callers must therefore not read from the database in the same
  transaction before calling `register`, `cancel` or `set_capacity` (the views pass ids, not
  loaded rows). If they did and another writer committed in between, SQLite refuses the write
  (SQLITE_BUSY_SNAPSHOT); that surfaces as `SignupError("busy")`, never as an overbooking.

Capacity counts the ``party_size`` of confirmed (and attended) places. The waitlist is kept in
arrival order, which is id order: ids are drawn after the lock, so they follow it.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, SessionTransaction, joinedload, selectinload

from app.enums import EventStatus, RegistrationStatus
from app.models import Event, Registration, Slot, User, utcnow
from app.services import links, notify

#: Statuses that hold a place (and count against capacity).
HOLDING = (RegistrationStatus.confirmed, RegistrationStatus.attended)
#: Statuses that block a second sign-up with the same number.
ACTIVE = (RegistrationStatus.confirmed, RegistrationStatus.waitlisted)

_PHONE = re.compile(r"1[3-9][0-9]{9}")
_PHONE_NOISE = re.compile(r"[\s\-()（）\u00a0]")

NAME_MAX = 80
MAX_ID = 2**31 - 1
SLOT_NOT_FOUND = _l("This time slot does not exist.")
EVENT_NOT_FOUND = _l("This event does not exist.")
ROOM_MAX = 40
EMAIL_MAX = 254


class SignupError(Exception):
    """A sign-up or cancellation refused for a reason the user can understand.

    `code` is stable (API clients switch on it); `message` is in the user's language;
    `field` names the form field at fault, when there is one.
    """

    #: code → HTTP status for the API and the pages.
    STATUS = {
        "invalid": 422,
        "not_found": 404,
        "not_open": 409,
        "closed": 409,
        "full": 409,
        "duplicate": 409,
        "busy": 503,
        "below_bookings": 409,
    }

    def __init__(self, code: str, message: Any, field: str | None = None, **details: Any):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        self.details = details

    @property
    def status(self) -> int:
        return self.STATUS.get(self.code, 400)


class SignupInvalid(SignupError):
    """One or more fields are wrong; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, Any]):
        first_field, first = next(iter(errors.items()))
        super().__init__("invalid", first, first_field)
        self.errors = errors


# -- Input -------------------------------------------------------------------------------

def normalise_phone(raw: str | None) -> str:
    """A mainland mobile number as 11 digits; spaces, dashes and +86/0086 are accepted."""
    value = _PHONE_NOISE.sub("", unicodedata.normalize("NFKC", raw or ""))
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    elif len(value) == 13 and value.startswith("86"):
        value = value[2:]
    if not _PHONE.fullmatch(value):
        raise SignupInvalid(
            {"phone": _l("Please enter a mainland mobile number: 11 digits starting with 1.")}
        )
    return value


def mask_name(name: str) -> str:
    """张三丰 → 张**, Alice → A****: names on any public list show the first character only."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def _has_control(value: str | None) -> bool:
    return bool(value) and any(
        unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r" for c in value or ""
    )


@dataclass
class Applicant:
    """What a resident gives: only what is needed."""

    name: str
    phone: str
    building: str | None = None
    room: str | None = None
    party_size: int | str | None = 1
    consent: bool = False
    email: str | None = None
    locale: str | None = None

    def cleaned(self, max_party_size: int) -> Applicant:
        """Validated and normalised copy; raises `SignupInvalid` listing every bad field."""
        errors: dict[str, Any] = {}
        for key in ("name", "building", "room", "email"):
            if _has_control(getattr(self, key)):
                errors[key] = _l("Please remove the invisible control characters.")
        if errors:
            raise SignupInvalid(errors)
        name = " ".join((self.name or "").split())
        if not name:
            errors["name"] = _l("Please enter your name.")
        elif len(name) > NAME_MAX:
            errors["name"] = _l("The name is too long (at most %(n)s characters).", n=NAME_MAX)
        phone = ""
        try:
            phone = normalise_phone(self.phone)
        except SignupInvalid as error:
            errors.update(error.errors)
        building = (self.building or "").strip() or None
        room = (self.room or "").strip() or None
        for key, value in (("building", building), ("room", room)):
            if value and len(value) > ROOM_MAX:
                errors[key] = _l("At most %(n)s characters, please.", n=ROOM_MAX)
        try:
            party = int(str(self.party_size if self.party_size is not None else 1).strip())
        except ValueError:
            party = 0
        if not 1 <= party <= max_party_size:
            errors["party_size"] = _l(
                "The number of people must be between 1 and %(n)s.", n=max_party_size
            )
        email = (self.email or "").strip() or None
        if email and (len(email) > EMAIL_MAX or not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+",
                                                                  email)):
            errors["email"] = _l("Please enter a valid e-mail address, or leave it empty.")
        if self.consent is not True:
            errors["consent"] = _l(
                "Please agree to the use of your details for this sign-up."
            )
        if errors:
            raise SignupInvalid(errors)
        return Applicant(name, phone, building, room, party, True, email, self.locale)


# -- Locking and counting ----------------------------------------------------------------

#: SQLite has one write lock per database file, and threads waiting for it poll with growing
#: sleeps (its busy handler), which wastes most of the time under contention. Threads of one
#: process therefore queue on this mutex first, held until the transaction ends; SQLite's own
#: lock still guards against other processes. PostgreSQL's row locks queue properly.
_SQLITE_WRITERS: dict[str, threading.RLock] = {}
_SQLITE_WRITERS_GUARD = threading.Lock()
_MUTEX_KEY = "linli_sqlite_writer"
_MUTEX_TIMEOUT_S = 10.0


def _sqlite_writer_mutex(session: Session) -> None:
    if session.info.get(_MUTEX_KEY) is not None:
        return
    bind = session.get_bind()
    database = str(getattr(bind, "engine", bind).url)
    with _SQLITE_WRITERS_GUARD:
        mutex = _SQLITE_WRITERS.setdefault(database, threading.RLock())
    if not mutex.acquire(timeout=_MUTEX_TIMEOUT_S):
        raise SignupError(
            "busy", _l("Many people are signing up right now. Please try again.")
        )
    session.info[_MUTEX_KEY] = mutex


def release_sqlite_writer_mutex(session: Session, transaction: SessionTransaction) -> None:
    """Part of the `after_transaction_end` listener (`app.database`): the mutex is held until
    the outermost transaction ends."""
    if transaction.parent is None:
        mutex = session.info.pop(_MUTEX_KEY, None)
        if mutex is not None:
            mutex.release()


def _lock(session: Session, model: type[Event] | type[Slot], pk: int) -> Any:
    """Take the per-event (or per-slot) lock and return the row, freshly loaded."""
    missing = SLOT_NOT_FOUND if model is Slot else EVENT_NOT_FOUND
    if not 1 <= pk <= MAX_ID:
        raise SignupError("not_found", missing)
    dialect = session.get_bind().dialect.name
    table = model.__table__.name  # type: ignore[attr-defined]
    try:
        if dialect == "sqlite":
            _sqlite_writer_mutex(session)
            # First statement of the transaction: takes the write lock (see module doc).
            session.execute(text(f"UPDATE {table} SET id = id WHERE id = :id"), {"id": pk})
            statement = select(model).where(model.id == pk)
        else:
            statement = select(model).where(model.id == pk).with_for_update()
        row = session.scalars(statement.execution_options(populate_existing=True)).first()
    except OperationalError as error:
        raise SignupError(
            "busy", _l("Many people are signing up right now. Please try again.")
        ) from error
    if row is None:
        raise SignupError("not_found", missing, "slot" if model is Slot else None)
    return row


def _slot_key(slot: Slot | None) -> int:
    return slot.id if slot is not None else 0


def booked_places(session: Session, event_id: int, slot: Slot | None) -> int:
    return session.scalar(
        select(func.coalesce(func.sum(Registration.party_size), 0)).where(
            Registration.event_id == event_id,
            Registration.slot_key == _slot_key(slot),
            Registration.status.in_(HOLDING),
        )
    ) or 0


def _capacity(event: Event, slot: Slot | None) -> int:
    return slot.capacity if slot is not None else (event.capacity or 0)


def waitlist_position(session: Session, registration: Registration) -> int | None:
    """1 for the first in line; None when the registration is not waitlisted."""
    if registration.status != RegistrationStatus.waitlisted:
        return None
    ahead = session.scalar(
        select(func.count()).where(
            Registration.event_id == registration.event_id,
            Registration.slot_key == registration.slot_key,
            Registration.status == RegistrationStatus.waitlisted,
            Registration.id < registration.id,
        )
    )
    return (ahead or 0) + 1


@dataclass(frozen=True)
class Availability:
    capacity: int
    booked: int
    waitlisted: int

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)


def availability(session: Session, event_ids: Iterable[int]) -> dict[tuple[int, int], Availability]:
    """Booked places and waitlist length per (event id, slot key), in two grouped queries.

    Capacities are filled in by `availability_for`; here capacity is 0.
    """
    ids = list(event_ids)
    result: dict[tuple[int, int], list[int]] = {}
    if not ids:
        return {}
    rows = session.execute(
        select(
            Registration.event_id, Registration.slot_key, Registration.status,
            func.coalesce(func.sum(Registration.party_size), 0), func.count(),
        )
        .where(Registration.event_id.in_(ids), Registration.status.in_(
            (*HOLDING, RegistrationStatus.waitlisted)))
        .group_by(Registration.event_id, Registration.slot_key, Registration.status)
    )
    for event_id, slot_key, status, places, count in rows:
        entry = result.setdefault((event_id, slot_key), [0, 0])
        if status == RegistrationStatus.waitlisted:
            entry[1] += count
        else:
            entry[0] += places
    return {key: Availability(0, booked, waiting) for key, (booked, waiting) in result.items()}


def availability_for(counts: dict[tuple[int, int], Availability], event: Event,
                     slot: Slot | None = None) -> Availability:
    found = counts.get((event.id, _slot_key(slot)), Availability(0, 0, 0))
    return Availability(_capacity(event, slot), found.booked, found.waitlisted)


# -- Register ----------------------------------------------------------------------------

def registration_state(event: Event, now: datetime | None = None) -> str:
    """"open", "not_open" (not yet), "closed", or "none" (residents do not sign up)."""
    now = now or utcnow()
    if event.status != EventStatus.published or event.cancelled_at is not None:
        return "closed"
    if event.capacity is None and not event.slots:
        return "none"
    if event.registration_opens_at and now < event.registration_opens_at:
        return "not_open"
    closes = event.registration_closes_at or event.start_at
    if now >= closes:
        return "closed"
    return "open"


@dataclass(frozen=True)
class SignupResult:
    registration: Registration
    #: 1-based place in the waitlist; None when confirmed.
    waitlist_position: int | None

    @property
    def confirmed(self) -> bool:
        return self.registration.status == RegistrationStatus.confirmed


def register(
    session: Session,
    event_id: int,
    applicant: Applicant,
    *,
    slot_id: int | None = None,
    registered_by: User | None = None,
    public_only: bool = True,
    within: Callable[[Event], bool] | None = None,
    now: datetime | None = None,
) -> SignupResult:
    """Sign a resident up for an event (or one of its slots), or put them on its waitlist.

    Refuses with `SignupError`: bad fields ("invalid", nothing is checked against the
    database then), unknown or non-public event ("not_found"), registration not open yet
    ("not_open") or over ("closed"), the same mobile number already holding a place or a
    waitlist entry here ("duplicate"), no place and no waitlist ("full").
    """
    now = now or utcnow()
    if slot_id is not None:
        slot = _lock(session, Slot, slot_id)
        if slot.event_id != event_id:
            raise SignupError("not_found", SLOT_NOT_FOUND, "slot")
        event = session.get(Event, slot.event_id, populate_existing=True)
        assert event is not None
    else:
        event = _lock(session, Event, event_id)
        slot = None
    # `within` (the staff's scope) is checked here, under the lock: reading before the lock
    # would start SQLite's snapshot too early (see the module doc).
    if (public_only and not event.shown_publicly) or (within is not None and not within(event)):
        raise SignupError("not_found", EVENT_NOT_FOUND)
    missing_slot = slot is None and event.capacity is None
    try:
        applicant = applicant.cleaned(event.max_party_size)
    except SignupInvalid as invalid:
        if missing_slot:  # every problem of the form in one round, the slot first
            raise SignupInvalid({"slot": _l("Please choose a time slot."),
                                 **invalid.errors}) from None
        raise
    state = registration_state(event, now)
    if state == "not_open":
        raise SignupError("not_open", _l("Sign-up for this event has not opened yet."))
    if state in ("closed", "none"):
        raise SignupError("closed", _l("Sign-up for this event is closed."))
    if slot is None and event.capacity is None:
        raise SignupError("invalid", _l("Please choose a time slot."), "slot")

    capacity = _capacity(event, slot)
    # One query under the lock: places held, people waiting, and whether this number is in.
    holding = Registration.status.in_(HOLDING)
    booked, waiting, existing = session.execute(
        select(
            func.coalesce(func.sum(case((holding, Registration.party_size), else_=0)), 0),
            func.coalesce(func.sum(case(
                (Registration.status == RegistrationStatus.waitlisted, 1), else_=0)), 0),
            func.coalesce(func.max(case(
                (Registration.phone == applicant.phone, 1), else_=0)), 0),
        ).where(
            Registration.event_id == event.id,
            Registration.slot_key == _slot_key(slot),
            Registration.status.in_((*HOLDING, RegistrationStatus.waitlisted)),
        )
    ).one()
    if existing:
        raise SignupError(
            "duplicate",
            _l("This mobile number already has a place or a waitlist entry here."),
            "phone",
        )
    # Nobody jumps the queue: while others wait, a newcomer waits too.
    if waiting == 0 and booked + applicant.party_size <= capacity:
        status = RegistrationStatus.confirmed
    elif event.waitlist_enabled:
        status = RegistrationStatus.waitlisted
    else:
        raise SignupError(
            "full", _l("Sorry, this is full and has no waitlist."),
            remaining=max(capacity - booked, 0),
        )

    registration = Registration(
        event_id=event.id,
        slot_id=slot.id if slot else None,
        slot_key=_slot_key(slot),
        name=applicant.name,
        phone=applicant.phone,
        email=applicant.email,
        building=applicant.building,
        room=applicant.room,
        party_size=int(applicant.party_size or 1),
        status=status,
        consent_at=now,
        locale=applicant.locale,
        registered_by_id=registered_by.id if registered_by else None,
    )
    session.add(registration)
    try:
        # No savepoint: on an error the caller rolls the whole request back anyway.
        session.flush()
    except IntegrityError as error:  # the partial unique index, should the lock be bypassed
        raise SignupError(
            "duplicate",
            _l("This mobile number already has a place or a waitlist entry here."),
            "phone",
        ) from error
    position = waiting + 1 if status == RegistrationStatus.waitlisted else None
    return SignupResult(registration, position)


# -- Cancel and promote ------------------------------------------------------------------

@dataclass(frozen=True)
class CancelResult:
    registration: Registration
    #: False when it had been cancelled before (the link was used twice).
    cancelled_now: bool
    promoted: list[Registration]


def find_by_token(session: Session, token: str) -> Registration | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(select(Registration).where(Registration.cancel_token == token))


def cancel(session: Session, token: str, *, now: datetime | None = None) -> CancelResult:
    """Cancel the place behind a cancel token, free it and promote the waitlist in order.

    Idempotent: a second cancellation (a double click, or two racing requests) finds the
    registration cancelled under the lock and promotes nobody again.
    """
    now = now or utcnow()
    # The token is looked up with a lock-free query that only reads immutable columns, then
    # the event or slot is locked; SQLite needs the lock first, so it locks the event of
    # the token's registration through a sub-select.
    _lock_for_token(session, token)
    registration = session.scalars(
        select(Registration).where(Registration.cancel_token == token)
        .execution_options(populate_existing=True)
    ).one()
    if registration.status not in ACTIVE:
        return CancelResult(registration, False, [])
    registration.status = RegistrationStatus.cancelled
    registration.cancelled_at = now
    session.flush()
    # Also after a waitlisted entry leaves: a smaller party behind a large one may now fit.
    promoted = _promote(session, registration.event, registration.slot, now)
    return CancelResult(registration, True, promoted)


def _lock_for_token(session: Session, token: str) -> Any:
    if not token or len(token) > 64:
        raise SignupError("not_found", _l("This sign-up does not exist."))
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_writer_mutex(session)
        try:
            result = session.execute(
                text(
                    "UPDATE events SET id = id WHERE id = "
                    "(SELECT event_id FROM registrations WHERE cancel_token = :token)"
                ),
                {"token": token},
            )
        except OperationalError as error:
            raise SignupError(
                "busy", _l("Many people are signing up right now. Please try again.")
            ) from error
        if not result.rowcount:  # type: ignore[attr-defined]
            raise SignupError("not_found", _l("This sign-up does not exist."))
        return None
    keys = session.execute(
        select(Registration.event_id, Registration.slot_id).where(
            Registration.cancel_token == token
        )
    ).first()
    if keys is None:
        raise SignupError("not_found", _l("This sign-up does not exist."))
    if keys.slot_id is not None:
        return _lock(session, Slot, keys.slot_id)
    return _lock(session, Event, keys.event_id)


def _promote(session: Session, event: Event, slot: Slot | None,
             now: datetime) -> list[Registration]:
    """Confirm waitlisted entries in arrival order while they fit. Call under the lock."""
    capacity = _capacity(event, slot)
    booked = booked_places(session, event.id, slot)
    promoted: list[Registration] = []
    waiting = session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.slot_key == _slot_key(slot),
            Registration.status == RegistrationStatus.waitlisted,
        ).order_by(Registration.id)
    )
    for candidate in waiting:
        if booked + candidate.party_size > capacity:
            break  # strict arrival order: nobody behind may overtake a larger party
        candidate.status = RegistrationStatus.confirmed
        candidate.promoted_at = now
        booked += candidate.party_size
        promoted.append(candidate)
    session.flush()
    for registration in promoted:
        notify.to_resident(
            session, registration, "signup/promotion",
            title=event.title, starts=event.start_at, code=registration.reference_code,
            url=links.cancel_url(registration.cancel_token),
        )
    return promoted


# -- Capacity ----------------------------------------------------------------------------

def set_capacity(session: Session, target: Event | Slot, new_capacity: int | None,
                 *, now: datetime | None = None) -> list[Registration]:
    """Change the places of an event or slot without ever overbooking it.

    Lowering below the places already confirmed is refused with the count
    (`SignupError("below_bookings", booked=…)`); raising it promotes the waitlist in order.
    Returns the promoted registrations. For an event, ``None`` means "no whole-event
    places" and is allowed only when nobody holds one.
    """
    now = now or utcnow()
    model: type[Event] | type[Slot] = Slot if isinstance(target, Slot) else Event
    row = _lock(session, model, target.id)
    slot = row if isinstance(row, Slot) else None
    event = row.event if slot is not None else row
    booked = booked_places(session, event.id, slot)
    if new_capacity is not None and new_capacity < 0:
        raise SignupError("invalid", _l("The capacity cannot be negative."), "capacity")
    if (new_capacity or 0) < booked:
        raise SignupError(
            "below_bookings",
            _l(
                "%(booked)s places are already confirmed; the capacity cannot be lower. "
                "Cancel or move registrations first.",
                booked=booked,
            ),
            "capacity",
            booked=booked,
        )
    row.capacity = new_capacity if slot is None else int(new_capacity or 0)
    session.flush()
    return _promote(session, event, slot, now)


# -- Public listing ----------------------------------------------------------------------

def public_events(
    session: Session,
    *,
    neighbourhood_id: int | None = None,
    kind: str | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
    now: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Event]:
    """Published public events that have not ended, soonest first (slots and neighbourhood
    loaded with them, so a list page costs a fixed number of queries)."""
    now = now or utcnow()
    statement = (
        select(Event)
        .where(Event.shown_publicly, Event.status == EventStatus.published,
               Event.end_at > now)
        .options(joinedload(Event.neighbourhood), selectinload(Event.slots),
                 selectinload(Event.shifts))
        .order_by(Event.start_at, Event.id)
        .limit(limit)
        .offset(offset)
    )
    if neighbourhood_id is not None:
        statement = statement.where(Event.neighbourhood_id == neighbourhood_id)
    if kind:
        statement = statement.where(Event.kind == kind)
    if starts_from is not None:
        statement = statement.where(Event.end_at > starts_from)
    if starts_before is not None:
        statement = statement.where(Event.start_at < starts_before)
    return list(session.scalars(statement).unique())


def public_event(session: Session, event_id: int) -> Event | None:
    event = session.get(Event, event_id) if 1 <= event_id <= MAX_ID else None
    if event is None or not event.shown_publicly or event.status != EventStatus.published:
        return None
    return event


def services_offered(event: Event) -> list[str]:
    """The stations of an event (its shifts' titles), each once, in time order."""
    seen: dict[str, None] = {}
    for shift in event.shifts:
        seen.setdefault(shift.title, None)
    return list(seen)
