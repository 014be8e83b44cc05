from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import EventKind, EventStatus
from app.models.base import Base, TimestampMixin, UTCDateTime
from app.models.types import enum_column_type

#: Kinds about one household's private life (a resident's name and address): never public.
PRIVATE_KINDS = frozenset({EventKind.care_visit})
_PRIVATE_KIND_VALUES = ", ".join(f"'{kind.value}'" for kind in sorted(PRIVATE_KINDS))
#: The database's guarantee: whatever path writes the row, a private event is not public.
PRIVATE_NEVER_PUBLIC_SQL = (
    f"NOT is_public OR (household_id IS NULL AND kind NOT IN ({_PRIVATE_KIND_VALUES}))")
TEMPLATE_PRIVATE_NEVER_PUBLIC_SQL = f"NOT is_public OR kind NOT IN ({_PRIVATE_KIND_VALUES})"


def _public_by_default(context: Any) -> bool:
    """New events are public unless they are private by kind or tied to a household."""
    if context is None:  # a form asking for the default before the kind is chosen
        return True
    params = context.get_current_parameters()
    return (params.get("household_id") is None
            and params.get("kind") not in {kind.value for kind in PRIVATE_KINDS}
            and params.get("kind") not in PRIVATE_KINDS)


def _template_public_by_default(context: Any) -> bool:
    if context is None:
        return True
    kind = context.get_current_parameters().get("kind")
    return kind not in PRIVATE_KINDS and kind not in {k.value for k in PRIVATE_KINDS}


if TYPE_CHECKING:
    from app.models.assignments import Assignment
    from app.models.geography import Neighbourhood
    from app.models.households import Household
    from app.models.series import EventSeries
    from app.models.service_groups import ServiceGroup
    from app.models.skills import Skill
    from app.models.teams import Team


class Event(TimestampMixin, Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="end_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_non_negative"),
        CheckConstraint("max_party_size >= 1", name="party_size_positive"),
        CheckConstraint(
            "registration_closes_at IS NULL OR registration_opens_at IS NULL"
            " OR registration_closes_at > registration_opens_at",
            name="registration_window",
        ),
        Index("ix_events_neighbourhood_start", "neighbourhood_id", "start_at"),
        Index("ix_events_public_start", "is_public", "status", "start_at"),
        #: One care visit per (former) care subscription and due date.
        UniqueConstraint("care_subscription_id", "care_due_on"),
        CheckConstraint(PRIVATE_NEVER_PUBLIC_SQL, name="private_never_public"),
        #: A course is booked as a whole: it needs places for the whole course.
        CheckConstraint(
            "completion_sessions IS NULL OR (completion_sessions >= 1 AND capacity IS NOT NULL)",
            name="course_completion"),
        #: One occurrence per series and day, however often generation runs.
        UniqueConstraint("series_id", "series_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT")
    )
    kind: Mapped[EventKind] = mapped_column(enum_column_type(EventKind, "event_kind"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(200))
    #: Who volunteers and residents call about this event (name and phone of the organiser).
    contact: Mapped[str | None] = mapped_column(String(120))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Shown on the public site, API and feeds (see `shown_publicly`, the one test for that).
    is_public: Mapped[bool] = mapped_column(default=_public_by_default)
    status: Mapped[EventStatus] = mapped_column(
        enum_column_type(EventStatus, "event_status"), default=EventStatus.draft
    )
    #: Places for residents in the whole event; empty when residents book slots or nothing.
    capacity: Mapped[int | None]
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    waitlist_enabled: Mapped[bool] = mapped_column(default=True)
    #: How many people one sign-up may bring (a resident with a spouse, a mother with a child).
    max_party_size: Mapped[int] = mapped_column(default=1)
    #: The household a care visit serves.
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL"), index=True
    )
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_templates.id", ondelete="SET NULL"), index=True
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Raised when its time, place or status changes: the public feeds' SEQUENCE.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    #: A volunteer's drop or swap is done at once, without a coordinator, whenever the shift
    #: keeps its minimum staffing (`app.services.scheduler.swaps.ask`); otherwise it waits.
    swaps_auto_approve: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: History: the care subscription that generated this care visit before subscriptions
    #: became package items, and the local date it was due. Nothing sets them any more;
    #: kept because dropping the column would rebuild `events` on SQLite.
    care_subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("care_subscriptions.id", ondelete="SET NULL"), index=True
    )
    care_due_on: Mapped[date | None]
    #: Set, the event is a course 课程: a resident signs up once (for `capacity` places) for
    #: all its sessions (its slots) and completes it by attending at least this many of them.
    #: A session whose slot has places also takes session-only sign-ups (an open lecture).
    completion_sessions: Mapped[int | None]
    #: The series that made this event, and the day of its rule it stands for (kept when the
    #: occurrence is moved; `app.services.series`).
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_series.id", ondelete="SET NULL"), index=True
    )
    series_day: Mapped[date | None]
    #: Edited on its own: an exception the series keeps as it is.
    series_detached: Mapped[bool] = mapped_column(default=False, server_default=false())

    neighbourhood: Mapped[Neighbourhood] = relationship()
    household: Mapped[Household | None] = relationship()
    template: Mapped[EventTemplate | None] = relationship()
    series: Mapped[EventSeries | None] = relationship()
    shifts: Mapped[list[Shift]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Shift.start_at"
    )
    slots: Mapped[list[Slot]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Slot.start_at"
    )

    def __str__(self) -> str:
        return self.title

    @property
    def is_course(self) -> bool:
        return self.completion_sessions is not None

    @property
    def is_private(self) -> bool:
        """About one household (a care visit): never public, by any path."""
        return self.household_id is not None or self.kind in PRIVATE_KINDS

    @hybrid_property
    def shown_publicly(self) -> bool:
        """Whether anyone may see the event on the public pages, the API and public feeds.

        The one test all of them use (with their own status and date rules on top).
        """
        return bool(self.is_public) and not self.is_private

    @shown_publicly.inplace.expression
    @classmethod
    def _shown_publicly_expression(cls) -> ColumnElement[bool]:
        return and_(cls.is_public.is_(True), cls.household_id.is_(None),
                    cls.kind.not_in(sorted(PRIVATE_KINDS)))


class Shift(TimestampMixin, Base):
    """A period of volunteer work at an event: a station, a session to teach, a patrol round."""

    __tablename__ = "shifts"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="end_after_start"),
        CheckConstraint("min_volunteers >= 0", name="min_non_negative"),
        CheckConstraint("max_volunteers >= 1", name="max_positive"),
        CheckConstraint("min_volunteers <= max_volunteers", name="min_le_max"),
        CheckConstraint("places_per_volunteer IS NULL OR places_per_volunteer >= 1",
                        name="places_per_volunteer_positive"),
        CheckConstraint("team_id IS NULL OR service_group_id IS NULL",
                        name="one_team_or_service_group"),
        Index("ix_shifts_start_end", "start_at", "end_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    skill_id: Mapped[int | None] = mapped_column(
        ForeignKey("skills.id", ondelete="RESTRICT"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    #: Reserved for the members of a service group (团组) of the event's neighbourhood, as
    #: `team_id` reserves it for a team's (one or the other, never both). No ON DELETE in the
    #: database: SQLite added the column without a table rebuild, and cannot report a column's
    #: ON DELETE; deleting a group frees its shifts through `ServiceGroup.shifts` instead.
    service_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_groups.id"), index=True
    )
    min_volunteers: Mapped[int] = mapped_column(default=1)
    max_volunteers: Mapped[int] = mapped_column(default=1)
    #: Higher is more important; seats of higher priority are filled first.
    priority: Mapped[int] = mapped_column(default=1)
    #: Raised when its time or its people change: the team feed's SEQUENCE (never goes back).
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Residents one confirmed volunteer serves in each slot within the shift's time (a barber:
    #: 2 haircuts per 20-minute slot). When set, those slots' places follow the staffing
    #: (`app.services.signup.staffing`); empty means the places are set by hand.
    places_per_volunteer: Mapped[int | None]

    event: Mapped[Event] = relationship(back_populates="shifts")
    skill: Mapped[Skill | None] = relationship()
    team: Mapped[Team | None] = relationship()
    service_group: Mapped[ServiceGroup | None] = relationship(back_populates="shifts")
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="shift", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.title


class Slot(Base):
    """A bookable time slot for residents, e.g. a 20-minute haircut or one training session."""

    __tablename__ = "slots"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="end_after_start"),
        CheckConstraint("capacity >= 0", name="capacity_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int] = mapped_column(default=1)

    event: Mapped[Event] = relationship(back_populates="slots")

    def __str__(self) -> str:
        return self.label


class EventTemplate(TimestampMixin, Base):
    """A reusable event layout that coordinators edit in the admin and stamp onto a date."""

    __tablename__ = "event_templates"
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_non_negative"),
        CheckConstraint("max_party_size >= 1", name="party_size_positive"),
        CheckConstraint(TEMPLATE_PRIVATE_NEVER_PUBLIC_SQL, name="private_never_public"),
        #: As on events: a course is booked as a whole and needs places for the whole course.
        CheckConstraint(
            "completion_sessions IS NULL OR (completion_sessions >= 1 AND capacity IS NOT NULL)",
            name="course_completion"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[EventKind] = mapped_column(enum_column_type(EventKind, "template_event_kind"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(200))
    #: Local time of day the stamped event starts.
    start_time: Mapped[time] = mapped_column(default=time(9, 0))
    is_public: Mapped[bool] = mapped_column(default=_template_public_by_default)
    capacity: Mapped[int | None]
    waitlist_enabled: Mapped[bool] = mapped_column(default=True)
    max_party_size: Mapped[int] = mapped_column(default=1)
    #: Registration opens this many days before the event starts; empty means "open now".
    registration_opens_days_before: Mapped[int | None]
    #: Set, the stamped event is a course with this completion rule (`Event.completion_sessions`).
    completion_sessions: Mapped[int | None]

    items: Mapped[list[TemplateItem]] = relationship(
        back_populates="template", cascade="all, delete-orphan",
        order_by="(TemplateItem.day_offset, TemplateItem.start_offset_minutes, TemplateItem.id)",
    )

    def __str__(self) -> str:
        return self.name


class TemplateItem(Base):
    """One station or session of a template: becomes a shift, and optionally resident slots."""

    __tablename__ = "template_items"
    __table_args__ = (
        CheckConstraint("day_offset >= 0", name="day_offset_non_negative"),
        CheckConstraint("start_offset_minutes >= 0", name="start_offset_non_negative"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint("min_volunteers >= 0", name="min_non_negative"),
        CheckConstraint("max_volunteers >= 1", name="max_positive"),
        CheckConstraint("min_volunteers <= max_volunteers", name="min_le_max"),
        CheckConstraint(
            "slot_minutes IS NULL OR slot_minutes > 0", name="slot_minutes_positive"
        ),
        CheckConstraint("slot_capacity >= 0", name="slot_capacity_non_negative"),
        CheckConstraint("places_per_volunteer IS NULL OR places_per_volunteer >= 1",
                        name="places_per_volunteer_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("event_templates.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id", ondelete="RESTRICT"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    #: Days after the event's first day (a four-session course spreads over several days).
    day_offset: Mapped[int] = mapped_column(default=0)
    #: Minutes after the template's start time on that day.
    start_offset_minutes: Mapped[int] = mapped_column(default=0)
    duration_minutes: Mapped[int] = mapped_column(default=120)
    min_volunteers: Mapped[int] = mapped_column(default=1)
    max_volunteers: Mapped[int] = mapped_column(default=1)
    priority: Mapped[int] = mapped_column(default=1)
    #: When set, the item's time is also cut into resident slots of this many minutes.
    slot_minutes: Mapped[int | None]
    #: Residents per slot (or per session when `slot_minutes` equals the duration).
    slot_capacity: Mapped[int] = mapped_column(default=1)
    #: When set, the stamped shift's `places_per_volunteer`: its slots' places then follow its
    #: confirmed volunteers (and start at none), instead of `slot_capacity`.
    places_per_volunteer: Mapped[int | None]

    template: Mapped[EventTemplate] = relationship(back_populates="items")
    skill: Mapped[Skill | None] = relationship()
    team: Mapped[Team | None] = relationship()

    def __str__(self) -> str:
        return self.title
