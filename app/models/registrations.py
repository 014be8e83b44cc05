from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import RegistrationStatus
from app.models.base import Base, TimestampMixin, UTCDateTime
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from app.models.events import Event, Slot


def new_cancel_token() -> str:
    return secrets.token_urlsafe(24)


def new_reference_code() -> str:
    # Short enough to read over the phone; unambiguous letters only.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Registration(TimestampMixin, Base):
    """A resident's place at an event or in one of its slots. Personal data."""

    __tablename__ = "registrations"
    __table_args__ = (
        CheckConstraint("party_size >= 1", name="party_size_positive"),
        Index("ix_registrations_event_status", "event_id", "status"),
        Index("ix_registrations_slot_status", "slot_id", "status"),
        Index("ix_registrations_event_phone", "event_id", "phone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"))
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

    event: Mapped[Event] = relationship()
    slot: Mapped[Slot | None] = relationship()
