"""Places: register, cancel, promote from the waitlist, change capacity; counts of places."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.enums import EventStatus, RegistrationStatus
from app.models import Event, Registration, Slot, User, utcnow
from app.services import links, notify

#: Statuses that hold a place (and count against capacity).
from app.services.signup.applicant import (
    ACTIVE,
    EVENT_NOT_FOUND,
    HOLDING,
    SLOT_NOT_FOUND,
    Applicant,
    SignupError,
    SignupInvalid,
)
from app.services.signup.derived import derived_places
from app.services.signup.locking import _lock, _lock_for_token


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
    #: PostgreSQL, one trip (`register_and_commit`): a WAL position after the sign-up's
    #: commit, known to be on disk before the answer; None elsewhere.
    on_disk_to: str | None = None

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
    if event.is_course and slot is not None:
        _refuse_session_only(session, event, slot, applicant.phone)

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
        session_notices=applicant.session_notices and event.is_course and slot is None,
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


def _refuse_session_only(session: Session, course: Event, slot: Slot, phone: str) -> None:
    """A course's session takes session-only sign-ups only when it has places of its own, and
    not from someone who already has a place (or waits for one) in the whole course."""
    if slot.capacity == 0:
        raise SignupError(
            "closed", _l("This session is for the course's participants only: please sign up "
                         "for the whole course."), "slot")
    in_course = session.scalar(select(Registration.id).where(
        Registration.event_id == course.id, Registration.slot_key == 0,
        Registration.phone == phone,
        Registration.status.in_((*ACTIVE, RegistrationStatus.attended))).limit(1))
    if in_course is not None:
        raise SignupError(
            "duplicate", _l("This mobile number already has a place in the whole course, "
                            "which includes this session."), "phone")


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


def confirm_still_coming(session: Session, token: str, *,
                         now: datetime | None = None) -> Registration:
    """The resident's one tap after the event moved: she is still coming at the new time.
    Saying it twice keeps the first answer. Flush only."""
    registration = find_by_token(session, token)
    if registration is None:
        raise SignupError("not_found", _l("This sign-up was not found."))
    if registration.status not in ACTIVE:
        raise SignupError("closed", _l("This sign-up is cancelled; there is nothing to confirm."))
    if registration.moved_at is None:
        raise SignupError("invalid", _l("The event has not moved; your place stands as it is."))
    if registration.still_coming_at is None:
        registration.still_coming_at = now or utcnow()
        session.flush()
    return registration


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
    if (slot.id if slot is not None else None) in derived_places(session, event):
        raise SignupError(
            "follows_staffing",
            _l("These places follow the staffing (residents per volunteer on the shift): "
               "change that on the shift, or clear it to set places by hand."),
            "capacity",
        )
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


