from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import RegistrationStatus
from app.models.base import Base, TimestampMixin, UTCDateTime
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from sqlalchemy.engine.default import DefaultExecutionContext

    from app.models.events import Event, Slot


def new_cancel_token() -> str:
    return secrets.token_urlsafe(24)


def new_reference_code() -> str:
    # Short enough to read over the phone; unambiguous letters only.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


def _slot_key_default(context: DefaultExecutionContext) -> int:
    return context.get_current_parameters().get("slot_id") or 0


class Registration(TimestampMixin, Base):
    """A resident's place at an event or in one of its slots. Personal data."""

    __tablename__ = "registrations"
    __table_args__ = (
        CheckConstraint("party_size >= 1", name="party_size_positive"),
        CheckConstraint("slot_key = COALESCE(slot_id, 0)", name="slot_key_matches"),
        Index("ix_registrations_event_status", "event_id", "status"),
        Index("ix_registrations_slot_status", "slot_id", "status"),
        Index("ix_registrations_event_phone", "event_id", "phone"),
        # One active place per mobile number and event (or slot): the database keeps the rule
        # even when two sign-ups race.
        Index(
            "uq_registrations_active_phone",
            "event_id", "slot_key", "phone",
            unique=True,
            sqlite_where=text("status IN ('confirmed', 'waitlisted')"),
            postgresql_where=text("status IN ('confirmed', 'waitlisted')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"))
    #: `slot_id`, or 0 for a whole-event place: NULLs never collide in a unique index, so the
    #: one-place-per-phone index needs a non-null stand-in (kept equal by a CHECK).
    slot_key: Mapped[int] = mapped_column(default=_slot_key_default)
    name: Mapped[str] = mapped_column(String(80))
    #: Normalised mainland mobile number, 11 digits.
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    building: Mapped[str | None] = mapped_column(String(40))
    room: Mapped[str | None] = mapped_column(String(40))
    party_size: Mapped[int] = mapped_column(default=1)
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_column_type(RegistrationStatus, "registration_status"),
        default=RegistrationStatus.confirmed,
    )
    reference_code: Mapped[str] = mapped_column(String(12), unique=True, default=new_reference_code)
    cancel_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_cancel_token)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When a waitlisted place became confirmed.
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the event last moved to a new time after this sign-up (the resident is asked to
    #: confirm with one tap), and when she answered "still coming" for that time.
    moved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    still_coming_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The language the resident signed up in; notices (e.g. "you have a place") use it.
    locale: Mapped[str | None] = mapped_column(String(10))
    #: A course participant who asked to be told before each session.
    session_notices: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: The coordinator who signed the resident up (on the phone, or from a paper list).
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    event: Mapped[Event] = relationship()
    slot: Mapped[Slot | None] = relationship()
