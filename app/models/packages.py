"""Service packages 服务套餐 (step 3 of the article): an elderly person's package is a set of
items, each a service with its own helper and cadence — one member performs opera, another
brings groceries and rice, a third cuts their hair. Items become care-visit events through
`app.services.packages.generation`; `PackageVisit` ties each generated event to its item and
due date."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import PackageCadence, PackageVisitLeft
from app.models.base import Base, TimestampMixin, UTCDateTime
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from app.models.events import Event
    from app.models.households import Household
    from app.models.skills import Skill
    from app.models.volunteers import Volunteer

#: Every weekday bit set (Monday = 1 … Sunday = 64).
ALL_WEEKDAYS_MASK = 127


class ServicePackage(TimestampMixin, Base):
    """A household's package: one per household, its items generated over a rolling horizon
    while it is active and within its dates."""

    __tablename__ = "service_packages"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="date_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), unique=True
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str | None] = mapped_column(Text)

    household: Mapped[Household] = relationship()
    items: Mapped[list[ServicePackageItem]] = relationship(
        back_populates="package", cascade="all, delete-orphan", order_by="ServicePackageItem.id"
    )

    def __str__(self) -> str:
        return str(self.household)


class ServicePackageItem(Base):
    """One service of a package: what (a skill), by whom (the helper, optional), how often,
    at what time and for how long."""

    __tablename__ = "service_package_items"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint(f"weekdays_mask BETWEEN 0 AND {ALL_WEEKDAYS_MASK}",
                        name="weekdays_mask_range"),
        #: "On set weekdays" needs at least one weekday.
        CheckConstraint("cadence <> 'weekdays' OR weekdays_mask > 0", name="weekdays_chosen"),
        #: The nth weekday of a month: 1st to 4th (every month has them) or -1, the last.
        CheckConstraint("cadence <> 'monthly' OR nth IN (1, 2, 3, 4, -1)", name="nth_range"),
        CheckConstraint("duration_minutes BETWEEN 5 AND 480", name="duration_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(
        ForeignKey("service_packages.id", ondelete="CASCADE"), index=True
    )
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="RESTRICT"),
                                          index=True)
    #: The member who does this item each time, when the engine's rules allow.
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"), index=True
    )
    cadence: Mapped[PackageCadence] = mapped_column(
        enum_column_type(PackageCadence, "package_cadence"), default=PackageCadence.weekly
    )
    #: Monday = 0: the day of weekly, fortnightly and monthly items.
    weekday: Mapped[int] = mapped_column(default=0)
    #: Monthly items: which of the month's `weekday`s (1–4, or -1 for the last).
    nth: Mapped[int | None]
    #: "On set weekdays" items: bit d (1 << d) set for each weekday d.
    weekdays_mask: Mapped[int] = mapped_column(default=0)
    time_of_day: Mapped[time] = mapped_column(default=time(9, 30))
    duration_minutes: Mapped[int] = mapped_column(default=60)
    description: Mapped[str | None] = mapped_column(Text)
    #: Whether a visit due on a public holiday moves to the next day that is not one. Off by
    #: default: an elderly person's meals, medicine and company are needed on holidays too,
    #: and the long ones (Spring Festival, National Day) are when someone living alone is most
    #: cut off; a helper away for the festival sets a blackout, and the engine then leaves the
    #: visit to the scheduler saying why. Turned on for what can wait (a haircut, a show).
    skip_holidays: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: The care subscription this item was made from when subscriptions were merged into
    #: packages (history; the downgrade of that migration reads it). No ON DELETE: SQLite
    #: cannot report one for a column added by ALTER TABLE.
    care_subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("care_subscriptions.id", name="fk_package_items_care_subscription_id"))

    package: Mapped[ServicePackage] = relationship(back_populates="items")
    skill: Mapped[Skill] = relationship()
    volunteer: Mapped[Volunteer | None] = relationship()

    def __str__(self) -> str:
        return str(self.skill) if self.skill is not None else f"#{self.id}"


class PackageVisit(TimestampMixin, Base):
    """A care-visit event generated for an item on a due date. The unique (item, due date)
    makes generation idempotent, whoever runs it and however often."""

    __tablename__ = "package_visits"
    __table_args__ = (UniqueConstraint("item_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Empty once the item is deleted: the next generation removes the visit if unconfirmed.
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_package_items.id", ondelete="SET NULL")
    )
    due_on: Mapped[date]
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          unique=True)
    #: The item's helper when the visit was generated (a new helper replaces the visit).
    helper_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"), index=True
    )
    #: Why the helper was not assigned, leaving the seat to the scheduler; empty when assigned.
    left_reason: Mapped[PackageVisitLeft | None] = mapped_column(
        enum_column_type(PackageVisitLeft, "package_visit_left")
    )

    #: A confirmed visit kept although its item changed; its helper has been told so once.
    kept_after_change: Mapped[bool] = mapped_column(default=False)
    #: When the visit was escalated as missed (coordinators told, a make-up made): once.
    missed_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The missed visit this one makes up for (outside the item's cadence; one per miss).
    makeup_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("package_visits.id", ondelete="SET NULL"), unique=True
    )

    item: Mapped[ServicePackageItem | None] = relationship()
    event: Mapped[Event] = relationship()
    helper: Mapped[Volunteer | None] = relationship()
    makeup_of: Mapped[PackageVisit | None] = relationship(remote_side="PackageVisit.id")

    def __str__(self) -> str:
        return f"{self.item} · {self.due_on.isoformat()}"
