"""Buildings (楼组) and the service groups (团组) whose patch they form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import ServiceGroupKind
from app.models.base import Base
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from app.models.events import Shift
    from app.models.geography import Neighbourhood
    from app.models.households import Household
    from app.models.volunteers import Volunteer

service_group_members = Table(
    "service_group_members",
    Base.metadata,
    Column("group_id", ForeignKey("service_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("volunteer_id", ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class ServiceGroup(Base):
    """A neighbourhood's service group; its members visit the households of its patch."""

    __tablename__ = "service_groups"
    __table_args__ = (UniqueConstraint("neighbourhood_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[ServiceGroupKind] = mapped_column(
        enum_column_type(ServiceGroupKind, "service_group_kind")
    )

    neighbourhood: Mapped[Neighbourhood] = relationship()
    members: Mapped[list[Volunteer]] = relationship(
        secondary=service_group_members, back_populates="service_groups", order_by="Volunteer.name"
    )
    #: The patch: a building belongs to at most one group (the foreign key on the building).
    buildings: Mapped[list[Building]] = relationship(
        back_populates="service_group", order_by="Building.number"
    )
    #: Shifts reserved for the members; deleting the group opens them to anyone (the ORM sets
    #: their `service_group_id` to NULL: the column has no ON DELETE, see `Shift`).
    shifts: Mapped[list[Shift]] = relationship(back_populates="service_group")

    def __str__(self) -> str:
        return self.name


class Building(Base):
    """A residential building of a neighbourhood, with its address and position."""

    __tablename__ = "buildings"
    __table_args__ = (
        UniqueConstraint("neighbourhood_id", "number"),
        CheckConstraint("floors >= 1", name="floors_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True
    )
    #: The building's number within the neighbourhood ("12", "12A").
    number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(200))
    x_km: Mapped[float | None]
    y_km: Mapped[float | None]
    floors: Mapped[int] = mapped_column(default=6)
    service_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_groups.id", ondelete="SET NULL"), index=True
    )

    neighbourhood: Mapped[Neighbourhood] = relationship()
    service_group: Mapped[ServiceGroup | None] = relationship(back_populates="buildings")
    households: Mapped[list[Household]] = relationship(back_populates="building")

    def __str__(self) -> str:
        return self.name or self.address
