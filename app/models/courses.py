"""Residents' attendance at events and at the sessions of a course.

A course is an event with a completion rule (`Event.completion_sessions`); its sessions are its
slots. One row says one registration was present at one session (or, for an event without
sessions, at the event): recorded once, however many times the code is scanned or the name
tapped.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import AttendanceMethod
from app.models.base import Base, UTCDateTime, utcnow
from app.models.registrations import _slot_key_default
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from app.models.events import Event, Slot
    from app.models.registrations import Registration
    from app.models.users import User


class SessionAttendance(Base):
    __tablename__ = "session_attendances"
    __table_args__ = (
        #: Present once per session: a second scan or tap finds the row and adds nothing.
        UniqueConstraint("registration_id", "slot_key"),
        CheckConstraint("slot_key = COALESCE(slot_id, 0)", name="slot_key_matches"),
        Index("ix_session_attendances_event_slot", "event_id", "slot_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"))
    #: The registration's event, kept here so a session's and a course's counts need no join.
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    #: The session; empty for an event without sessions.
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"),
                                                index=True)
    #: `slot_id` or 0: NULLs never collide in a unique constraint (kept equal by a CHECK).
    slot_key: Mapped[int] = mapped_column(default=_slot_key_default)
    method: Mapped[AttendanceMethod] = mapped_column(
        enum_column_type(AttendanceMethod, "attendance_method"))
    attended_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The staff member who recorded it; empty when the resident scanned the sheet's code.
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)

    registration: Mapped[Registration] = relationship()
    event: Mapped[Event] = relationship()
    slot: Mapped[Slot | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class SessionNotice(Base):
    """A course participant was told of an upcoming session: claimed once per session, so a
    second run (concurrent, or after a restart) sends nothing again."""

    __tablename__ = "session_notices"
    __table_args__ = (UniqueConstraint("registration_id", "slot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"), index=True)
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
