"""Pairing 结对 (step 3 of the article): a member looks after a family for a period, with a
stated aim. What the family needs (`household_needs`) is matched against members' skills
when Linli proposes pairs (`app.services.pairing`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import PairingStatus
from app.models.base import Base, TimestampMixin, UTCDateTime
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from app.models.households import Household
    from app.models.users import User
    from app.models.volunteers import Volunteer

#: What a family needs help with, as skills (haircut, grocery delivery, home medical visit…).
household_needs = Table(
    "household_needs",
    Base.metadata,
    Column("household_id", ForeignKey("households.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

_OPEN_SQL = "status IN ('proposed', 'confirmed')"


class Pairing(TimestampMixin, Base):
    """A member (volunteer, usually a party member) paired with a household."""

    __tablename__ = "pairings"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="date_range"),
        #: An ended pairing says when it ended.
        CheckConstraint("status <> 'ended' OR ends_on IS NOT NULL", name="ended_has_end"),
        CheckConstraint("distance_km IS NULL OR distance_km >= 0", name="distance_non_negative"),
        CheckConstraint("length(trim(aim)) > 0", name="aim_present"),
        #: A member is paired with a family at most once at a time (proposed or confirmed).
        Index(
            "uq_pairings_open",
            "household_id", "volunteer_id",
            unique=True,
            sqlite_where=text(_OPEN_SQL),
            postgresql_where=text(_OPEN_SQL),
        ),
        Index("ix_pairings_volunteer_status", "volunteer_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    status: Mapped[PairingStatus] = mapped_column(
        enum_column_type(PairingStatus, "pairing_status"), default=PairingStatus.proposed
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    #: The stated aim: what the member will do for the family (帮扶目标).
    aim: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str | None] = mapped_column(Text)
    #: Walking distance from the member's home to the family's building when proposed.
    distance_km: Mapped[float | None]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    household: Mapped[Household] = relationship()
    volunteer: Mapped[Volunteer] = relationship()
    created_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return f"{self.volunteer} ↔ {self.household}"
