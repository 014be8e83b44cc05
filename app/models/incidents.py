"""Incidents (突发事件: water or power cut…), the households they hit, and the follow-ups."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import IncidentKind
from app.models.base import Base, TimestampMixin, UTCDateTime
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from app.models.geography import Neighbourhood
    from app.models.households import Household, Visit
    from app.models.service_groups import Building


class Incident(TimestampMixin, Base):
    __tablename__ = "incidents"
    __table_args__ = (
        CheckConstraint("restored_at IS NULL OR restored_at >= started_at",
                        name="restored_after_start"),
        CheckConstraint("follow_up_days >= 0", name="follow_up_days_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[IncidentKind] = mapped_column(enum_column_type(IncidentKind, "incident_kind"))
    title: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    restored_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: What was done (the committee's account).
    actions: Mapped[str | None] = mapped_column(Text)
    #: The follow-up contact is due this many days after restoration.
    follow_up_days: Mapped[int] = mapped_column(default=3)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    areas: Mapped[list[IncidentArea]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="IncidentArea.id"
    )
    households: Mapped[list[IncidentHousehold]] = relationship(
        back_populates="incident", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.title


class IncidentArea(Base):
    """Part of the affected area: a building, optionally a floor range in it."""

    __tablename__ = "incident_areas"
    __table_args__ = (
        CheckConstraint(
            "floor_from IS NULL OR floor_to IS NULL OR floor_from <= floor_to",
            name="floor_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    building_id: Mapped[int] = mapped_column(
        ForeignKey("buildings.id", ondelete="RESTRICT"), index=True
    )
    floor_from: Mapped[int | None]
    floor_to: Mapped[int | None]

    incident: Mapped[Incident] = relationship(back_populates="areas")
    building: Mapped[Building] = relationship()


class IncidentHousehold(Base):
    """An affected household and its follow-up contact after restoration."""

    __tablename__ = "incident_households"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    #: Set on restoration: the day the follow-up contact is due.
    follow_up_due_on: Mapped[date | None]
    #: The contact that did the follow-up (effective outcome), once recorded.
    follow_up_visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("visits.id", ondelete="SET NULL"), index=True
    )

    incident: Mapped[Incident] = relationship(back_populates="households")
    household: Mapped[Household] = relationship()
    follow_up_visit: Mapped[Visit | None] = relationship()
