"""Repeat rules (重复规则): an event series whose occurrences are ordinary events.

A series says what happens (kind, title, place, the one shift and who usually does it) and
when (a repeat rule: weekly on set weekdays every N weeks, or monthly on the nth of set
weekdays; from a day, until a day or N times; a public holiday skipped, moved to the next
working day or kept and, for a weekday series, also running on make-up working days).
`app.services.series` turns it into events over a rolling horizon; everything else (the
scheduler, sign-ups, feeds) sees plain events.
"""

from __future__ import annotations

from datetime import date, time
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import EventKind, SeriesFrequency, SeriesOnHoliday
from app.models.base import Base, TimestampMixin
from app.models.events import TEMPLATE_PRIVATE_NEVER_PUBLIC_SQL, _template_public_by_default
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from app.models.geography import Neighbourhood
    from app.models.skills import Skill
    from app.models.teams import Team
    from app.models.volunteers import Volunteer


class EventSeries(TimestampMixin, Base):
    __tablename__ = "event_series"
    __table_args__ = (
        CheckConstraint("duration_minutes BETWEEN 1 AND 1440", name="duration_range"),
        CheckConstraint("repeat_interval BETWEEN 1 AND 52", name="interval_range"),
        CheckConstraint("weekdays_mask BETWEEN 1 AND 127", name="weekdays_given"),
        CheckConstraint("month_position IS NULL OR month_position IN (-1, 1, 2, 3, 4)",
                        name="month_position_allowed"),
        CheckConstraint("frequency = 'weekly' OR month_position IS NOT NULL",
                        name="monthly_has_position"),
        CheckConstraint("ends_on IS NULL OR occurrences IS NULL", name="end_date_or_count"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("occurrences IS NULL OR occurrences >= 1", name="occurrences_positive"),
        CheckConstraint("min_volunteers >= 0 AND max_volunteers >= 1"
                        " AND min_volunteers <= max_volunteers", name="staffing"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_non_negative"),
        CheckConstraint(TEMPLATE_PRIVATE_NEVER_PUBLIC_SQL, name="private_never_public"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    neighbourhood_id: Mapped[int] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[EventKind] = mapped_column(enum_column_type(EventKind, "series_event_kind"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(120))
    is_public: Mapped[bool] = mapped_column(default=_template_public_by_default)
    #: Occurrences are made published (in feeds and on the public pages), else as drafts.
    publish: Mapped[bool] = mapped_column(default=True)
    #: Residents' places in each occurrence; empty: none to book.
    capacity: Mapped[int | None]
    #: Local time of day each occurrence starts, and its length.
    start_time: Mapped[time] = mapped_column(default=time(9, 0))
    duration_minutes: Mapped[int] = mapped_column(default=120)

    # -- the repeat rule (RFC 5545 RRULE terms, expanded by dateutil.rrule) --------------------
    frequency: Mapped[SeriesFrequency] = mapped_column(
        enum_column_type(SeriesFrequency, "series_frequency"), default=SeriesFrequency.weekly)
    #: Every this many weeks (weekly) or months (monthly): 2 is every other week.
    repeat_interval: Mapped[int] = mapped_column(default=1)
    #: Bit (1 << d) for each weekday d, Monday = 0.
    weekdays_mask: Mapped[int] = mapped_column(default=1)
    #: Monthly: the nth (1–4) or last (-1) of the chosen weekdays in the month — with Monday
    #: to Friday chosen, 1 is the first weekday of the month.
    month_position: Mapped[int | None]
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    #: Occurrences in all (holidays skipped do not count), instead of an end date.
    occurrences: Mapped[int | None]
    #: A day of the rule on a public holiday: skipped, moved to the next working day, or kept.
    on_holiday: Mapped[SeriesOnHoliday] = mapped_column(
        enum_column_type(SeriesOnHoliday, "series_on_holiday"), default=SeriesOnHoliday.skip)
    #: A weekday series also runs on the make-up working days (调休上班) in its span.
    on_makeup_days: Mapped[bool] = mapped_column(default=False)
    #: Days a coordinator removed one occurrence of (ISO dates): never made again.
    skipped_days: Mapped[list[str]] = mapped_column(JSON, default=list)

    # -- each occurrence's one shift ----------------------------------------------------------
    shift_title: Mapped[str] = mapped_column(String(200))
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id", ondelete="RESTRICT"),
                                                 index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"),
                                                index=True)
    min_volunteers: Mapped[int] = mapped_column(default=1)
    max_volunteers: Mapped[int] = mapped_column(default=1)
    #: Who usually does it (Jiang Jiezhi, every Monday): given each occurrence's seat when the
    #: engine's checker finds no rule broken, else the seat is left to the scheduler.
    volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id", ondelete="SET NULL"), index=True)

    neighbourhood: Mapped[Neighbourhood] = relationship()
    skill: Mapped[Skill | None] = relationship()
    team: Mapped[Team | None] = relationship()
    volunteer: Mapped[Volunteer | None] = relationship()

    def __str__(self) -> str:
        return self.title

    @property
    def weekdays(self) -> tuple[int, ...]:
        return tuple(d for d in range(7) if self.weekdays_mask & (1 << d))
