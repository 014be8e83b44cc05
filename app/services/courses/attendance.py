"""Residents' presence at a session (or at an event without sessions), recorded once.

Three ways in, one rule: the resident scans the printed sheet's code of a session and types
their reference code; a coordinator taps the name on the staff page; or the resident shows the
reference code to a coordinator, who types it. A reference code is looked up within the one
event the page or the sheet is about, so a code of another course (or a session-only place of
another session) marks nobody; the sheet's code names its session and works only around its
time (`app.services.links.session_sheet_token`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.enums import AttendanceMethod, EventStatus, RegistrationStatus
from app.models import Event, Registration, SessionAttendance, Slot, utcnow
from app.services.signup import HOLDING

#: The sheet's code works from this long before its session starts...
SHEET_OPENS = timedelta(minutes=60)
#: ...until this long after it ends.
SHEET_CLOSES = timedelta(minutes=30)
_CODE_ALPHABET = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


class AttendanceRefused(ValueError):
    """Nobody was marked; the message says why, in the user's language."""


@dataclass(frozen=True)
class Marked:
    registration: Registration
    slot: Slot | None
    #: False when the resident had been marked present there already (a second scan or tap).
    newly: bool


def sheet_window(event: Event, slot: Slot | None) -> tuple[datetime, datetime]:
    """When a session's sheet code works: an hour before it starts to half an hour after."""
    start, end = (slot.start_at, slot.end_at) if slot is not None else (event.start_at,
                                                                       event.end_at)
    return start - SHEET_OPENS, end + SHEET_CLOSES


def session_of(event: Event, slot_key: int) -> Slot | None:
    """The event's session with this key (0: the event itself, for whole-event places of an
    event that is not a course); refused when the event has no such session."""
    if slot_key == 0 and not event.is_course:
        return None
    for slot in event.slots:
        if slot.id == slot_key:
            return slot
    raise AttendanceRefused(str(_l("This session is not part of this event.")))


def expected_at(registration: Registration, slot: Slot | None) -> bool:
    """Whether the sign-up is for this session: a course place covers every session, a
    whole-event place the event, a slot's place that slot only."""
    if registration.slot_id is not None:
        return slot is not None and registration.slot_id == slot.id
    return slot is None or registration.event.is_course or not registration.event.slots


def find_by_code(session: Session, event: Event, code: str) -> Registration | None:
    """The event's sign-up with this reference code, or None (also for another event's)."""
    code = "".join((code or "").split()).upper()
    if not 4 <= len(code) <= 12 or not set(code) <= _CODE_ALPHABET:
        return None
    return session.scalar(select(Registration).where(Registration.reference_code == code,
                                                     Registration.event_id == event.id))


def mark_present(session: Session, event: Event, registration: Registration,
                 slot: Slot | None, *, method: AttendanceMethod, actor_id: int | None = None,
                 now: datetime | None = None) -> Marked:
    """Record the sign-up present at the session, once; flushes only."""
    now = now or utcnow()
    if registration.event_id != event.id:
        raise AttendanceRefused(str(_l("This sign-up is for another event.")))
    if event.status == EventStatus.cancelled or event.cancelled_at is not None:
        raise AttendanceRefused(str(_l("This event has been cancelled.")))
    if registration.status not in HOLDING:
        if registration.status == RegistrationStatus.waitlisted:
            raise AttendanceRefused(str(_l(
                "%(name)s is on the waitlist and has no place yet.", name=registration.name)))
        raise AttendanceRefused(str(_l("%(name)s's sign-up is cancelled.",
                                       name=registration.name)))
    if not expected_at(registration, slot):
        raise AttendanceRefused(str(_l(
            "%(name)s signed up for another session (%(slot)s), not this one.",
            name=registration.name,
            slot=registration.slot.label if registration.slot else event.title)))
    key = slot.id if slot is not None else 0
    exists = session.scalar(select(SessionAttendance.id).where(
        SessionAttendance.registration_id == registration.id, SessionAttendance.slot_key == key))
    newly = False
    if exists is None:
        try:
            with session.begin_nested():
                session.add(SessionAttendance(
                    registration_id=registration.id, event_id=event.id,
                    slot_id=slot.id if slot is not None else None, slot_key=key, method=method,
                    attended_at=now, recorded_by_id=actor_id))
            newly = True
        except IntegrityError:
            pass  # marked by a simultaneous scan or tap
    registration.status = RegistrationStatus.attended
    session.flush()
    return Marked(registration, slot, newly)


def unmark(session: Session, event: Event, registration: Registration,
           slot: Slot | None) -> bool:
    """Take back a wrong mark (a coordinator tapped the wrong name); flushes only. The sign-up
    holds its place as confirmed again once it is present nowhere."""
    if registration.event_id != event.id:
        raise AttendanceRefused(str(_l("This sign-up is for another event.")))
    key = slot.id if slot is not None else 0
    removed = session.execute(delete(SessionAttendance).where(
        SessionAttendance.registration_id == registration.id,
        SessionAttendance.slot_key == key)).rowcount
    left = session.scalar(select(SessionAttendance.id).where(
        SessionAttendance.registration_id == registration.id).limit(1))
    if left is None and registration.status == RegistrationStatus.attended:
        registration.status = RegistrationStatus.confirmed
    session.flush()
    return bool(removed)


def attended_slot_ids(session: Session, registration: Registration) -> set[int]:
    """The sessions (slot ids; 0 for the event itself) the registration was present at."""
    return set(session.scalars(select(SessionAttendance.slot_key).where(
        SessionAttendance.registration_id == registration.id)))
