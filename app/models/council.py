"""Who was invited to a residents' council meeting (居民议事会), who came, and how they voted.

A council meeting is an event of the neighbourhood (`Event`); the residents' representatives
invited to it are rows here, one per person, ticked when the coordinator records the decision.
Names are personal data: the admin shows them, the notice board only the counts.

The vote is recorded with the step that takes a request out of the council (`CouncilVote`,
one per such `RequestChange`): the options put to the meeting, the votes each got and the
abstentions — counts, never who voted how — and the option adopted. A proposal voted for or
against is two options ("同意搭建花架" / "不同意"); a choice among plans is one option a plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin

if TYPE_CHECKING:
    from app.models.events import Event
    from app.models.requests import RequestChange

_ADOPTED_SQL = "adopted"


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


class CouncilVote(Base):
    """The council's vote on a request, recorded with the step that left the council: the
    abstentions here, the options and their votes in `CouncilVoteOption`. Append-only, as the
    history is; a request back with the council a second time gets a second vote."""

    __tablename__ = "council_votes"
    __table_args__ = (
        CheckConstraint("abstentions >= 0", name="abstentions_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(
        ForeignKey("resident_request_changes.id", ondelete="CASCADE"), unique=True)
    abstentions: Mapped[int] = mapped_column(default=0, server_default="0")

    change: Mapped[RequestChange] = relationship(back_populates="council_vote")
    options: Mapped[list[CouncilVoteOption]] = relationship(
        back_populates="vote", cascade="all, delete-orphan",
        order_by="CouncilVoteOption.position", lazy="selectin")


class CouncilVoteOption(Base):
    """One option put to the meeting and the votes it got; `adopted` marks the decision (one
    per vote: the most votes, or the coordinator's choice among those tied, with a note)."""

    __tablename__ = "council_vote_options"
    __table_args__ = (
        CheckConstraint("votes >= 0", name="votes_not_negative"),
        CheckConstraint("position > 0", name="position_positive"),
        CheckConstraint("length(label) > 0", name="label_not_empty"),
        UniqueConstraint("vote_id", "position"),
        UniqueConstraint("vote_id", "label"),
        Index("uq_council_vote_options_adopted", "vote_id", unique=True,
              sqlite_where=text(_ADOPTED_SQL), postgresql_where=text(_ADOPTED_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("council_votes.id", ondelete="CASCADE"))
    #: The order the options were put to the meeting, from 1.
    position: Mapped[int]
    #: The committee's words for the option: public, posted with the decision.
    label: Mapped[str] = mapped_column(String(100))
    votes: Mapped[int]
    adopted: Mapped[bool] = mapped_column(default=False, server_default=false())

    vote: Mapped[CouncilVote] = relationship(back_populates="options")
