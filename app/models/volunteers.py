from __future__ import annotations

import secrets
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.models.base import Base, TimestampMixin, UTCDateTime
from app.sorting import pinyin_key

if TYPE_CHECKING:
    from app.models.geography import Neighbourhood
    from app.models.service_groups import ServiceGroup
    from app.models.skills import Skill
    from app.models.teams import Team

volunteer_skills = Table(
    "volunteer_skills",
    Base.metadata,
    Column("volunteer_id", ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True),
)


#: Families a member may be paired with unless the coordinator says otherwise.
DEFAULT_MAX_FAMILIES = 2


def new_feed_token() -> str:
    # 32 bytes from the OS generator: far beyond guessing, and URL-safe.
    return secrets.token_urlsafe(32)


class Volunteer(TimestampMixin, Base):
    __tablename__ = "volunteers"
    __table_args__ = (
        CheckConstraint("max_minutes_per_week >= 0", name="max_minutes_non_negative"),
        CheckConstraint("max_shifts_per_week >= 0", name="max_shifts_non_negative"),
        CheckConstraint("max_families BETWEEN 0 AND 20", name="max_families_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    #: The name's pinyin (`app.sorting.pinyin_key`): lists sort people as a Chinese reader
    #: expects. Kept in step with `name` by `_sort_by_pinyin`.
    name_sort: Mapped[str] = mapped_column(String(400), default="", server_default="",
                                           index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True
    )
    max_minutes_per_week: Mapped[int] = mapped_column(default=8 * 60)
    max_shifts_per_week: Mapped[int] = mapped_column(default=4)
    #: How many families the member may be paired with at once (结对户数上限): a personal
    #: figure (a retired member takes more than one in work), 0 for "not for pairing".
    max_families: Mapped[int] = mapped_column(default=DEFAULT_MAX_FAMILIES,
                                              server_default=str(DEFAULT_MAX_FAMILIES))
    #: Home location in kilometres on the neighbourhood grid; used to prefer nearby volunteers.
    x_km: Mapped[float | None]
    y_km: Mapped[float | None]
    #: 党员责任岗: a party member holding a responsibility post.
    is_party_member: Mapped[bool] = mapped_column(default=False)
    #: 双报到: an in-service party member who also registered where they live.
    is_dual_registered: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    #: Secret part of the personal calendar feed URL; replacing it revokes the old link.
    feed_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_feed_token)
    #: When a calendar app last fetched the personal feed ("subscribed / last synced").
    feed_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str | None] = mapped_column(Text)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    skills: Mapped[list[Skill]] = relationship(secondary=volunteer_skills, order_by="Skill.code")
    teams: Mapped[list[Team]] = relationship(secondary="team_members", back_populates="members")
    #: The neighbourhood service groups (团组) the volunteer is a member of.
    service_groups: Mapped[list[ServiceGroup]] = relationship(
        secondary="service_group_members", back_populates="members"
    )
    availabilities: Mapped[list[Availability]] = relationship(
        back_populates="volunteer", cascade="all, delete-orphan",
        order_by="(Availability.weekday, Availability.start_time)",
    )
    blackouts: Mapped[list[Blackout]] = relationship(
        back_populates="volunteer", cascade="all, delete-orphan", order_by="Blackout.start_at"
    )

    def __str__(self) -> str:
        return self.name

    @validates("name")
    def _sort_by_pinyin(self, key: str, value: str) -> str:
        self.name_sort = pinyin_key(value)[0][:400]
        return value


class Availability(Base):
    """A weekly window in the deployment's time zone, optionally limited to a date range."""

    __tablename__ = "availabilities"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("end_time > start_time", name="end_after_start"),
        CheckConstraint(
            "valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from",
            name="valid_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    #: ISO weekday minus one: 0 is Monday.
    weekday: Mapped[int]
    start_time: Mapped[time]
    end_time: Mapped[time]
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]

    volunteer: Mapped[Volunteer] = relationship(back_populates="availabilities")

    def __str__(self) -> str:
        return f"{self.weekday} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class Blackout(Base):
    """A period in which the volunteer cannot serve, whatever their weekly windows say."""

    __tablename__ = "blackouts"
    __table_args__ = (CheckConstraint("end_at > start_at", name="end_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(String(200))

    volunteer: Mapped[Volunteer] = relationship(back_populates="blackouts")
