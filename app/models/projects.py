"""Service projects 服务项目 (step 3 of the article): events and activities grouped toward an
aim for a target group, with goal figures and results. The figures are computed once, in
`app.services.projects`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import ProjectTarget
from app.models.base import Base, TimestampMixin
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from app.models.events import Event
    from app.models.geography import Neighbourhood
    from app.models.volunteers import Volunteer

project_organisers = Table(
    "project_organisers",
    Base.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("volunteer_id", ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

#: An event belongs to at most one project (the primary key on the event alone).
project_events = Table(
    "project_events",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), nullable=False,
           index=True),
)


class Project(TimestampMixin, Base):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="date_range"),
        CheckConstraint("goal_events >= 0", name="goal_events_non_negative"),
        CheckConstraint("goal_participants >= 0", name="goal_participants_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    target: Mapped[ProjectTarget] = mapped_column(
        enum_column_type(ProjectTarget, "project_target")
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    #: Goal figures ("4 information sessions, 150 participants"); 0 means no goal set.
    goal_events: Mapped[int] = mapped_column(default=0)
    goal_participants: Mapped[int] = mapped_column(default=0)
    #: The short report of results, written by the organisers.
    report: Mapped[str | None] = mapped_column(Text)
    #: Links to the photos, one a line.
    photo_links: Mapped[str | None] = mapped_column(Text)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    organisers: Mapped[list[Volunteer]] = relationship(secondary=project_organisers,
                                                       order_by="Volunteer.name")
    events: Mapped[list[Event]] = relationship(secondary=project_events,
                                               order_by="Event.start_at")

    def __str__(self) -> str:
        return self.title
