"""Residents' presence at a session (or at an event without sessions), recorded once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Registration, SessionAttendance


def attended_slot_ids(session: Session, registration: Registration) -> set[int]:
    """The sessions (slot ids; 0 for the event itself) the registration was present at."""
    return set(session.scalars(select(SessionAttendance.slot_key).where(
        SessionAttendance.registration_id == registration.id)))
