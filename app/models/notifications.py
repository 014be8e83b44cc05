from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.enums import NotificationChannel, NotificationStatus
from app.models.base import Base, TimestampMixin, UTCDateTime, utcnow
from app.models.types import enum_column_type


class Notification(TimestampMixin, Base):
    """One message to one person: what was said, by which channel, and what became of it.

    Counts shown to coordinators ("9 by e-mail, 18 by SMS, 1 without contact details") and the
    delivery status on the run page are read from here, so they say what happened.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint(
            "(channel = 'none') = (status = 'unreachable')", name="unreachable_iff_no_channel"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The template under app/templates/mail/, e.g. "scheduler/publish".
    template: Mapped[str] = mapped_column(String(80), index=True)
    channel: Mapped[NotificationChannel] = mapped_column(
        enum_column_type(NotificationChannel, "notification_channel")
    )
    status: Mapped[NotificationStatus] = mapped_column(
        enum_column_type(NotificationStatus, "notification_status"),
        default=NotificationStatus.queued, index=True,
    )
    #: The e-mail address or mobile number used, as it was when the message was made.
    address: Mapped[str | None] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    #: Template parameters, for SMS providers that send approved templates with parameters.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"), index=True
    )
    #: A staff member (a coordinator told of a decline).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    schedule_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("schedule_runs.id", ondelete="SET NULL"), index=True
    )
    #: A resident's request (told of its progress).
    resident_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("resident_requests.id", ondelete="SET NULL"), index=True
    )
    #: A calendar file sent with the mail: the shifts the message is about, with the same UIDs
    #: and SEQUENCE as the volunteer's feed, so an imported copy is updated, not doubled.
    ics: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RefusalClearance(Base):
    """A staff member's decision that a number or address refused for good may be tried again
    (the resident fixed the mailbox, left the do-not-disturb list, or the provider erred).
    Refusals recorded before it no longer block the address (`app.services.notify.refusals`).
    Append-only, it is also the audit: who, when and why; names kept after the account goes."""

    __tablename__ = "refusal_clearances"
    __table_args__ = (
        CheckConstraint("length(reason) > 0", name="reason_given"),
        Index("ix_refusal_clearances_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The e-mail address or mobile number, exactly as the refused messages recorded it.
    address: Mapped[str] = mapped_column(String(254))
    reason: Mapped[str] = mapped_column(String(500))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: The user's login name then, kept after the account is deleted.
    user_name: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    def __str__(self) -> str:
        return f"{self.address} · {self.user_name}"
