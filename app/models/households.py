from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import (
    EFFECTIVE,
    ContactWindow,
    HouseholdCategory,
    RoundStatus,
    VisitKind,
    VisitOutcome,
)
from app.models.base import Base, TimestampMixin, UTCDateTime
from app.models.types import enum_column_type, mainland_phone_sql

if TYPE_CHECKING:
    from app.models.festivals import FestivalCampaign
    from app.models.geography import Neighbourhood
    from app.models.requests import ResidentRequest
    from app.models.service_groups import Building, ServiceGroup
    from app.models.skills import Skill
    from app.models.users import User
    from app.models.volunteers import Volunteer


HOUSEHOLD_PHONE_SQL = mainland_phone_sql("contact_phone")


class Household(TimestampMixin, Base):
    """A household in a neighbourhood's resident files (民情档案). Personal data."""

    __tablename__ = "households"
    __table_args__ = (
        #: One household per flat: a duplicate address is refused.
        UniqueConstraint("building_id", "unit", "room"),
        CheckConstraint("floor IS NULL OR floor BETWEEN -5 AND 200", name="floor_range"),
        CheckConstraint("members_count >= 1", name="members_positive"),
        #: The stored forms of app.services.text_input.normalise_contact_phone (portable SQL).
        CheckConstraint(HOUSEHOLD_PHONE_SQL, name="phone_format"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True
    )
    address: Mapped[str] = mapped_column(String(200))
    building_id: Mapped[int | None] = mapped_column(
        ForeignKey("buildings.id", ondelete="RESTRICT"), index=True
    )
    #: Staircase / entrance (单元), empty for a single-entrance building.
    unit: Mapped[str] = mapped_column(String(10), default="")
    floor: Mapped[int | None]
    room: Mapped[str | None] = mapped_column(String(10))
    contact_name: Mapped[str] = mapped_column(String(80))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    members_count: Mapped[int] = mapped_column(default=1)
    x_km: Mapped[float | None]
    y_km: Mapped[float | None]
    notes: Mapped[str | None] = mapped_column(Text)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    building: Mapped[Building | None] = relationship(back_populates="households")
    window_links: Mapped[list[HouseholdContactWindow]] = relationship(
        back_populates="household", cascade="all, delete-orphan",
        order_by="HouseholdContactWindow.window",
    )
    contact_windows: AssociationProxy[list[ContactWindow]] = association_proxy(
        "window_links", "window", creator=lambda w: HouseholdContactWindow(window=w)
    )
    category_links: Mapped[list[HouseholdCategoryLink]] = relationship(
        back_populates="household", cascade="all, delete-orphan",
        order_by="HouseholdCategoryLink.category",
    )
    categories: AssociationProxy[list[HouseholdCategory]] = association_proxy(
        "category_links", "category", creator=lambda c: HouseholdCategoryLink(category=c)
    )
    visits: Mapped[list[Visit]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="Visit.visited_at"
    )
    #: What the family needs help with (matched against members' skills when pairing).
    needs: Mapped[list[Skill]] = relationship(secondary="household_needs",
                                              order_by="Skill.code")

    def __str__(self) -> str:
        return f"{self.contact_name} · {self.address}"


class HouseholdCategoryLink(Base):
    __tablename__ = "household_categories"

    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[HouseholdCategory] = mapped_column(
        enum_column_type(HouseholdCategory, "household_category"), primary_key=True, index=True
    )

    household: Mapped[Household] = relationship(back_populates="category_links")


class HouseholdContactWindow(Base):
    """A time of the week the household prefers to be contacted."""

    __tablename__ = "household_contact_windows"

    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), primary_key=True
    )
    window: Mapped[ContactWindow] = mapped_column(
        enum_column_type(ContactWindow, "contact_window"), primary_key=True
    )

    household: Mapped[Household] = relationship(back_populates="window_links")


class VisitRound(TimestampMixin, Base):
    """A plan of who contacts which household when, for a group (or a whole neighbourhood)
    over some weeks: drafted by the planner, reviewed and published by the coordinator."""

    __tablename__ = "visit_rounds"
    __table_args__ = (CheckConstraint("weeks BETWEEN 1 AND 26", name="weeks_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True
    )
    service_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_groups.id", ondelete="SET NULL"), index=True
    )
    starts_on: Mapped[date]
    weeks: Mapped[int]
    status: Mapped[RoundStatus] = mapped_column(
        enum_column_type(RoundStatus, "round_status"), default=RoundStatus.draft
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    #: Contacts proposed when the round was planned (those without a member are counted
    #: live: `visits.rounds.unassigned_count`).
    proposed_count: Mapped[int] = mapped_column(default=0)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    service_group: Mapped[ServiceGroup | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    visits: Mapped[list[Visit]] = relationship(back_populates="round", order_by="Visit.visited_at")

    def __str__(self) -> str:
        return f"#{self.id} {self.starts_on.isoformat()} +{self.weeks}w"


class VisitPolicy(Base):
    """How often households of a category must be contacted (the article's first step)."""

    __tablename__ = "visit_policies"
    __table_args__ = (CheckConstraint("interval_days > 0", name="interval_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[HouseholdCategory] = mapped_column(
        enum_column_type(HouseholdCategory, "policy_category"), unique=True
    )
    #: At least one effective contact every this many days.
    interval_days: Mapped[int]
    preferred_kind: Mapped[VisitKind] = mapped_column(
        enum_column_type(VisitKind, "policy_visit_kind"), default=VisitKind.door
    )
    notes: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return HouseholdCategory(self.category).label


#: `app.enums.EFFECTIVE` as SQL, for a partial index.
EFFECTIVE_SQL = "outcome IN (" + ", ".join(f"'{o.value}'" for o in EFFECTIVE) + ")"


class Visit(TimestampMixin, Base):
    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_household_visited", "household_id", "visited_at"),
        #: The reports count effective contacts by household and time (the five comparisons,
        #: the latest contact before a request): this index answers them without the table
        #: (an index-only scan of the contacts that count, once vacuumed).
        Index("ix_visits_effective_household", "household_id", "visited_at",
              postgresql_where=text(EFFECTIVE_SQL), sqlite_where=text(EFFECTIVE_SQL)),
        #: A care-visit event is recorded once (marking it again updates the outcome).
        UniqueConstraint("event_id"),
        #: A festival campaign visits a household once.
        UniqueConstraint("campaign_id", "household_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"), index=True
    )
    #: When the contact happened (or, for a planned one, when it is planned).
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The visit round that planned this contact (outcome ``planned`` until recorded).
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("visit_rounds.id", ondelete="CASCADE"), index=True
    )
    #: The care-visit event this visit records, when it came from one.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    #: The festival campaign that planned this visit (kind ``festival``).
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("festival_campaigns.id", ondelete="CASCADE"), index=True
    )
    #: The request whose explanation this contact follows up (kind ``follow_up``): shown to
    #: its member without a round; recording it writes the request's history. (A request
    #: points at the visit it was raised on too: `use_alter` breaks the cycle.)
    follow_up_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("resident_requests.id", ondelete="SET NULL", use_alter=True), index=True
    )
    kind: Mapped[VisitKind] = mapped_column(enum_column_type(VisitKind, "visit_kind"))
    outcome: Mapped[VisitOutcome] = mapped_column(
        enum_column_type(VisitOutcome, "visit_outcome"), default=VisitOutcome.done
    )
    notes: Mapped[str | None] = mapped_column(Text)

    household: Mapped[Household] = relationship(back_populates="visits")
    volunteer: Mapped[Volunteer | None] = relationship()
    round: Mapped[VisitRound | None] = relationship(back_populates="visits")
    campaign: Mapped[FestivalCampaign | None] = relationship()
    follow_up_of: Mapped[ResidentRequest | None] = relationship(foreign_keys=[follow_up_of_id])

    def __str__(self) -> str:
        return f"{VisitKind(self.kind).label} · {VisitOutcome(self.outcome).label}"


class CarePackage(Base):
    """History, read-only: what a care subscription delivered (which skill, how often). Care
    subscriptions became service-package items (migration c4r3subm3rg3); no code writes these
    rows, kept because dropping `events.care_subscription_id` would rebuild `events` on
    SQLite."""

    __tablename__ = "care_packages"
    __table_args__ = (
        CheckConstraint("cadence_days > 0", name="cadence_positive"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id", ondelete="RESTRICT"))
    cadence_days: Mapped[int] = mapped_column(default=7)
    duration_minutes: Mapped[int] = mapped_column(default=60)

    skill: Mapped[Skill | None] = relationship()

    def __str__(self) -> str:
        return self.name


class CareSubscription(TimestampMixin, Base):
    """History, read-only: a household received a care package from a paired volunteer. Now
    a service-package item (`ServicePackageItem.care_subscription_id`); past visits still
    point here through `Event.care_subscription_id`."""

    __tablename__ = "care_subscriptions"
    __table_args__ = (
        UniqueConstraint("household_id", "package_id"),
        CheckConstraint("preferred_weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="date_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    package_id: Mapped[int] = mapped_column(
        ForeignKey("care_packages.id", ondelete="RESTRICT"), index=True
    )
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"), index=True
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    preferred_weekday: Mapped[int] = mapped_column(default=0)
    preferred_time: Mapped[time] = mapped_column(default=time(9, 30))
    active: Mapped[bool] = mapped_column(default=True)

    household: Mapped[Household] = relationship()
    package: Mapped[CarePackage] = relationship()
    volunteer: Mapped[Volunteer | None] = relationship()

    def __str__(self) -> str:
        return f"{self.household} · {self.package}"
