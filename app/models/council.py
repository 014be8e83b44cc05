"""Who was invited to a residents' council meeting (居民议事会) and who came.

A council meeting is an event of the neighbourhood (`Event`); the residents' representatives
invited to it are rows here, one per person, ticked when the coordinator records the decision.
Names are personal data: the admin shows them, the notice board only the counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin

if TYPE_CHECKING:
    from app.models.events import Event


class CouncilAttendee(TimestampMixin, Base):
    """A residents' representative invited to a council meeting; `attended` once ticked."""

    __tablename__ = "council_attendees"
    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        UniqueConstraint("event_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    name: Mapped[str] = mapped_column(String(80))
    #: Set when the decision is recorded; false until then (invited, not yet known to come).
    attended: Mapped[bool] = mapped_column(default=False, server_default=false())

    event: Mapped[Event] = relationship()

    def __str__(self) -> str:
        return self.name
