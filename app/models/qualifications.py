"""Qualifications 资质: a licence or certificate that makes a volunteer's skill usable.

Some skills (home medical visits, blood pressure by a doctor, food safety) may only be used
while the volunteer holds a valid qualification for them (`Skill.requires_qualification`).
The scheduler's eligibility reads `app.services.qualifications`; a qualification past its
`valid_until` no longer counts from the day after.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin, UTCDateTime

if TYPE_CHECKING:
    from app.models.skills import Skill
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

    def valid_on(self, day: date) -> bool:
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_until is None or day <= self.valid_until))

    def __str__(self) -> str:
        return f"{self.skill} · {self.licence_number}"
