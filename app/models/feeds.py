"""What a calendar feed must go on showing after its row is gone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class FeedTombstone(Base):
    """An entry that left a feed because its row was deleted or moved elsewhere (a shift
    deleted, an assignment deleted or given to someone else, a shift moved to another team, a
    public event deleted).

    A calendar app that only sees an entry vanish may keep it; the feed therefore shows the
    tombstone as STATUS:CANCELLED with a higher SEQUENCE for 30 days
    (`app.services.feeds.CANCELLED_VISIBLE`), then it is purged. Exactly one owner is set:
    the volunteer (personal feed), the team (team feed) or the neighbourhood (public feeds;
    `event_id` then names the deleted event, whose own feed shows it too). Written by a
    `before_flush` listener (`app.services.feeds.tombstones`), whatever code path deleted the
    row. No foreign key to the deleted row, which is gone.
    """

    __tablename__ = "feed_tombstones"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN volunteer_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN team_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN neighbourhood_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        Index("ix_feed_tombstones_removed_at", "removed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The entry's UID before the `@`: "assignment-12", "team-shift-3", "event-7".
    uid: Mapped[str] = mapped_column(String(80))
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), index=True
    )
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="CASCADE"), index=True
    )
    #: The deleted public event (its own feed URL keeps answering with the tombstone).
    event_id: Mapped[int | None] = mapped_column(index=True)
    #: The entry's title as it was ("理发 · 学雷锋服务日"); the feed adds "已取消：".
    summary: Mapped[str] = mapped_column(String(500))
    place: Mapped[str | None] = mapped_column(String(300))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: One above the entry's last SEQUENCE, so every calendar app takes the cancellation.
    sequence: Mapped[int] = mapped_column(default=0)
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
