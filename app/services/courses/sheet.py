"""The sign-in sheet: who is expected at each session, and how many people that is.

One resident may hold several sign-ups for one event (a session-only place in each of several
lectures, or a whole-event place and a slot); the sheet counts each mobile number once, with
the largest party it signed up.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Event, Registration, SessionAttendance, Slot
from app.services.signup import HOLDING


@dataclass(frozen=True)
class SheetLine:
    registration: Registration
    #: Present at this section's session (or at the event, for an event without sessions).
    present: bool


@dataclass(frozen=True)
class SheetSection:
    """One session's list (or the whole event's, when `slot` is empty)."""

    slot: Slot | None
    lines: list[SheetLine]

    @property
    def people(self) -> int:
        return sum(line.registration.party_size for line in self.lines)

    @property
    def present(self) -> int:
        return sum(line.registration.party_size for line in self.lines if line.present)


@dataclass(frozen=True)
class SignInSheet:
    event: Event
    sections: list[SheetSection]
    #: People expected, each mobile number once whatever it signed up for.
    people: int
    registrations: int


def _people(registrations: list[Registration]) -> int:
    largest: dict[str, int] = {}
    for registration in registrations:
        largest[registration.phone] = max(largest.get(registration.phone, 0),
                                          registration.party_size)
    return sum(largest.values())


def _by_name(registration: Registration) -> tuple[str, int]:
    return registration.name, registration.id


def sign_in_sheet(session: Session, event: Event) -> SignInSheet:
    """Confirmed residents by session: a course's participants are on every session's list,
    with that session's session-only sign-ups; other events list whole-event places apart."""
    registrations = list(session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(HOLDING))
    ))
    present = set(session.execute(
        select(SessionAttendance.registration_id, SessionAttendance.slot_key)
        .where(SessionAttendance.event_id == event.id)).tuples())
    whole = sorted((r for r in registrations if r.slot_key == 0), key=_by_name)
    by_slot: dict[int, list[Registration]] = {}
    for registration in registrations:
        if registration.slot_key:
            by_slot.setdefault(registration.slot_key, []).append(registration)

    def section(slot: Slot | None, rows: list[Registration]) -> SheetSection:
        key = slot.id if slot is not None else 0
        return SheetSection(slot, [SheetLine(r, (r.id, key) in present) for r in rows])

    sections: list[SheetSection] = []
    if event.is_course:
        for slot in event.slots:
            rows = whole + sorted(by_slot.get(slot.id, []), key=_by_name)
            sections.append(section(slot, rows))
    else:
        if whole or not event.slots:
            sections.append(section(None, whole))
        sections += [section(slot, sorted(by_slot.get(slot.id, []), key=_by_name))
                     for slot in event.slots]
    return SignInSheet(event, sections, _people(registrations), len(registrations))
