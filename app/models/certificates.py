"""Certificates: service hours 志愿服务时长证明 and course completion 结业证明 — what was
certified, to whom, and when.

The figures are kept as issued, so the public verification page (by the code printed on the
certificate) confirms exactly what the paper says, even after later corrections or after the
volunteer's record is gone; it shows the name masked and nothing else about the person.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.volunteers import Volunteer


class HoursCertificate(Base):
    __tablename__ = "hours_certificates"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="date_range"),
        CheckConstraint("minutes >= 0", name="minutes_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Printed on the certificate and in its QR code; the verification page's key.
    code: Mapped[str] = mapped_column(String(16), unique=True)
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"), index=True)
    #: As printed: the name, and the town that certifies.
    volunteer_name: Mapped[str] = mapped_column(String(80))
    town: Mapped[str] = mapped_column(String(80))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    minutes: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The coordinator who made it; empty when the volunteer downloaded it from the portal.
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    volunteer: Mapped[Volunteer | None] = relationship()


class CourseCertificate(Base):
    """A completion certificate 结业证明 for a course place, with the figures as issued."""

    __tablename__ = "course_certificates"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="date_range"),
        CheckConstraint("sessions_attended >= 1 AND sessions_attended <= sessions_total",
                        name="sessions_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Printed on the certificate and in its QR code; the verification page's key.
    code: Mapped[str] = mapped_column(String(16), unique=True)
    #: One certificate per course place: asking again gives the same one.
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), unique=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True)
    #: As printed: the participant, the course, the town that certifies, the first and last
    #: sessions' days, and the sessions attended of all.
    resident_name: Mapped[str] = mapped_column(String(80))
    course_title: Mapped[str] = mapped_column(String(200))
    town: Mapped[str] = mapped_column(String(80))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    sessions_attended: Mapped[int]
    sessions_total: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: The coordinator who made it; empty when the resident downloaded it.
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
