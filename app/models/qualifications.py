"""Qualifications 资质: a licence or certificate that makes a volunteer's skill usable.

Some skills (home medical visits, blood pressure by a doctor, food safety) may only be used
while the volunteer holds a valid qualification for them (`Skill.requires_qualification`).
The scheduler's eligibility reads `app.services.qualifications`; a qualification past its
`valid_until` no longer counts from the day after.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin, UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.skills import Skill
    from app.models.users import User
    from app.models.volunteers import Volunteer


class Qualification(TimestampMixin, Base):
    __tablename__ = "qualifications"
    __table_args__ = (
        UniqueConstraint("volunteer_id", "skill_id", "licence_number"),
        CheckConstraint("valid_from IS NULL OR valid_until IS NULL OR valid_until >= valid_from",
                        name="date_range"),
        CheckConstraint("length(trim(licence_number)) > 0", name="licence_number_present"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"),
                                          index=True)
    licence_number: Mapped[str] = mapped_column(String(80))
    issued_by: Mapped[str | None] = mapped_column(String(120))
    valid_from: Mapped[date | None]
    #: The last day it is valid; empty for a qualification that does not expire.
    valid_until: Mapped[date | None] = mapped_column(index=True)
    #: When the volunteer and their coordinators were told it expires soon (once per expiry).
    expiry_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    volunteer: Mapped[Volunteer] = relationship()
    skill: Mapped[Skill] = relationship()
    scan: Mapped[QualificationScan | None] = relationship(
        back_populates="qualification", cascade="all, delete-orphan")

    def valid_on(self, day: date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_until is None or day <= self.valid_until))

    def __str__(self) -> str:
        return f"{self.skill} · {self.licence_number}"


#: The largest scan kept (a phone photo or a scanned PDF page or two).
SCAN_MAX_BYTES = 5 * 1024 * 1024


class QualificationScan(Base):
    """The scan of a qualification (a photo re-encoded without metadata, or a PDF): personal
    data, kept in the database (never under static files) and served only to the coordinators
    of the volunteer's neighbourhood and to the volunteer herself
    (`app.services.qualification_scans`)."""

    __tablename__ = "qualification_scans"
    __table_args__ = (
        CheckConstraint(f"size > 0 AND size <= {SCAN_MAX_BYTES}", name="size_within_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One scan per qualification: a new upload replaces it.
    qualification_id: Mapped[int] = mapped_column(
        ForeignKey("qualifications.id", ondelete="CASCADE"), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    #: Deferred: lists never load it.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)

    qualification: Mapped[Qualification] = relationship(back_populates="scan")
    uploaded_by: Mapped[User | None] = relationship()
