from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import TeamKind
from app.models.base import Base
from app.models.types import enum_column_type
from app.models.volunteers import new_feed_token

if TYPE_CHECKING:
    from app.models.geography import Neighbourhood
    from app.models.volunteers import Volunteer

team_members = Table(
    "team_members",
    Base.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("volunteer_id", ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Team(Base):
    """A professional team working across the town, or a patrol group.

    A neighbourhood's service groups (团组) are `ServiceGroup`s, not teams: one concept, with its
    members and its patch of buildings."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    #: As wide as when "service_group" was a kind (now a `ServiceGroup`, not a team).
    kind: Mapped[TeamKind] = mapped_column(enum_column_type(TeamKind, "team_kind", length=21))
    town: Mapped[str] = mapped_column(String(80))
    #: Empty for a town-wide professional team.
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True
    )
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL", use_alter=True), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)
    #: Secret part of the team calendar feed URL, for the team lead.
    feed_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_feed_token)

    neighbourhood: Mapped[Neighbourhood | None] = relationship()
    lead: Mapped[Volunteer | None] = relationship(foreign_keys=[lead_id])
    members: Mapped[list[Volunteer]] = relationship(
        secondary=team_members, back_populates="teams", order_by="Volunteer.name"
    )

    def __str__(self) -> str:
        return self.name
