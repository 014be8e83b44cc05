"""What happened on a shift (attendance) and the service-hours ledger it feeds.

The ledger is append-only: an entry is never edited or deleted. Recording an attendance again
adds the difference as a new entry; a coordinator's correction is a new entry with who and why.
A volunteer's hours are the sum of their entries (`app.services.attendance.hours`); the
monthly totals (`HoursMonth`) hold the same sums per volunteer and month, added to by every
entry as it is written, so a year's report reads twelve rows a volunteer instead of every line.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import AttendanceStatus, HoursKind, HoursRounding
from app.models.base import Base, TimestampMixin, UTCDateTime, utcnow
from app.models.types import enum_column_type
from scheduling.reliability import DEFAULT_WEIGHT as RELIABILITY_DEFAULT_WEIGHT
from scheduling.reliability import MAX_WEIGHT as RELIABILITY_MAX_WEIGHT

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Mapper

    from app.models.assignments import Assignment
    from app.models.users import User
    from app.models.volunteers import Volunteer

#: The largest single ledger entry, either way: a week of round-the-clock service.
MAX_ENTRY_MINUTES = 7 * 24 * 60


class Attendance(TimestampMixin, Base):
    """One volunteer on one shift: checked in and out by themselves, or recorded by a
    coordinator. `credited_minutes` is what it earns; the ledger's entries for the assignment
    add up to it."""

    __tablename__ = "attendances"
    __table_args__ = (
        CheckConstraint("late_minutes >= 0", name="late_non_negative"),
        CheckConstraint("early_leave_minutes >= 0", name="early_leave_non_negative"),
        CheckConstraint("credited_minutes >= 0", name="credited_non_negative"),
        CheckConstraint("status <> 'absent' OR credited_minutes = 0", name="absent_no_hours"),
        CheckConstraint(
            "checked_out_at IS NULL OR (checked_in_at IS NOT NULL"
            " AND checked_out_at >= checked_in_at)", name="out_after_in"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignments.id", ondelete="CASCADE"), unique=True)
    status: Mapped[AttendanceStatus] = mapped_column(
        enum_column_type(AttendanceStatus, "attendance_status"), index=True)
    #: Set by the server when the volunteer checks in or out; never typed by the volunteer.
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    late_minutes: Mapped[int] = mapped_column(default=0)
    early_leave_minutes: Mapped[int] = mapped_column(default=0)
    credited_minutes: Mapped[int] = mapped_column(default=0)
    #: The coordinator who last recorded it; empty when the volunteer checked in themselves.
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)

    assignment: Mapped[Assignment] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return f"{self.assignment}: {self.status.label}"


class HoursEntry(Base):
    """One line of a volunteer's service-hours ledger (服务时长). Never changed once written."""

    __tablename__ = "hours_entries"
    __table_args__ = (
        CheckConstraint(f"minutes BETWEEN -{MAX_ENTRY_MINUTES} AND {MAX_ENTRY_MINUTES}",
                        name="minutes_range"),
        CheckConstraint("kind = 'attendance' OR reason IS NOT NULL", name="changes_say_why"),
        Index("ix_hours_entries_volunteer_day", "volunteer_id", "service_on"),
        Index("ix_hours_entries_day", "service_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: RESTRICT: a volunteer with recorded hours is deactivated, not deleted.
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="RESTRICT"))
    #: The shift's assignment it comes from; kept (empty) if the assignment is deleted.
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id", ondelete="SET NULL"), index=True)
    kind: Mapped[HoursKind] = mapped_column(enum_column_type(HoursKind, "hours_kind"))
    #: Signed: a correction or a changed attendance may take time away.
    minutes: Mapped[int]
    #: The local day the service was given (a period's report and a certificate select by it).
    service_on: Mapped[date]
    #: What was done, copied when written, so the line reads the same if the event changes.
    activity: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    volunteer: Mapped[Volunteer] = relationship()
    created_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return f"{self.volunteer} {self.service_on} {self.minutes}"


class HoursMonth(Base):
    """A volunteer's ledger summed over one calendar month of service days: what the month's
    entries add up to, never written but by the ledger (`_add_to_month`). A row exists exactly
    when the volunteer has entries in that month."""

    __tablename__ = "hours_months"
    __table_args__ = (
        CheckConstraint("shifts >= 0", name="shifts_non_negative"),
        Index("ix_hours_months_month", "month"),
    )

    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True)
    #: The month's first day.
    month: Mapped[date] = mapped_column(primary_key=True)
    #: The sum of the month's entries (signed, as they are).
    minutes: Mapped[int] = mapped_column(default=0)
    #: Its "attendance" entries: one per shift that earned hours.
    shifts: Mapped[int] = mapped_column(default=0)
    #: The corrections' part of `minutes` (either sign).
    corrected_minutes: Mapped[int] = mapped_column(default=0)

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.month:%Y-%m} {self.minutes}"


class HoursRule(TimestampMixin, Base):
    """A town's rules for the time an attended shift credits: rounded to a step, then capped.

    Applied when hours are credited (a check-out, a coordinator's roster); hours already in
    the ledger stay as they were credited. A town without a row credits the checked minutes.
    """

    __tablename__ = "hours_rules"
    __table_args__ = (
        CheckConstraint("step_minutes IN (1, 5, 10, 15, 30, 60)", name="step_allowed"),
        CheckConstraint("max_minutes_per_shift IS NULL OR max_minutes_per_shift BETWEEN 1 AND "
                        f"{MAX_ENTRY_MINUTES}", name="cap_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    town: Mapped[str] = mapped_column(String(80), unique=True)
    #: Credited minutes are rounded to a multiple of this (1: not rounded).
    step_minutes: Mapped[int] = mapped_column(default=1)
    rounding: Mapped[HoursRounding] = mapped_column(
        enum_column_type(HoursRounding, "hours_rounding"), default=HoursRounding.down)
    #: No shift credits more than this, whatever its length; empty: no cap.
    max_minutes_per_shift: Mapped[int | None]

    def __str__(self) -> str:
        return self.town


class ReliabilityRule(TimestampMixin, Base):
    """How much a town's scheduler weighs a volunteer's no-shows: what one assignment of a
    volunteer who never turns up costs, others in proportion to their rate
    (`scheduling.reliability`). A preference between schedules of equal fill, never a rule. A
    town without a row uses the engine's default."""

    __tablename__ = "reliability_rules"
    __table_args__ = (
        CheckConstraint(f"no_show_weight BETWEEN 0 AND {RELIABILITY_MAX_WEIGHT}",
                        name="weight_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    town: Mapped[str] = mapped_column(String(80), unique=True)
    #: 0: no-shows are not considered; 20 weighs like "asked to avoid this shift".
    no_show_weight: Mapped[int] = mapped_column(default=RELIABILITY_DEFAULT_WEIGHT)

    def __str__(self) -> str:
        return self.town


class LedgerIsAppendOnly(RuntimeError):
    """An hours entry was about to be changed or deleted."""


@event.listens_for(HoursEntry, "before_update")
def _refuse_update(mapper: Mapper[HoursEntry], connection: Connection,
                   target: HoursEntry) -> None:
    raise LedgerIsAppendOnly("hours entries are never changed; add a correction")


@event.listens_for(HoursEntry, "before_delete")
def _refuse_delete(mapper: Mapper[HoursEntry], connection: Connection,
                   target: HoursEntry) -> None:
    raise LedgerIsAppendOnly("hours entries are never deleted; add a correction")


_UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@event.listens_for(HoursEntry, "after_insert")
def _add_to_month(mapper: Mapper[HoursEntry], connection: Connection,
                  target: HoursEntry) -> None:
    """Every entry the ORM writes adds itself to its month's totals, in the same transaction
    and whichever path wrote it. An atomic upsert: two transactions adding to the same month
    at once each add their own (PostgreSQL locks the row on conflict)."""
    months = HoursMonth.__table__
    statement = _UPSERTS[connection.dialect.name](months).values(
        volunteer_id=target.volunteer_id, month=target.service_on.replace(day=1),
        minutes=target.minutes, shifts=int(target.kind == HoursKind.attendance),
        corrected_minutes=target.minutes if target.kind == HoursKind.correction else 0)
    added = statement.excluded
    connection.execute(statement.on_conflict_do_update(
        index_elements=[months.c.volunteer_id, months.c.month],
        set_={"minutes": months.c.minutes + added.minutes,
              "shifts": months.c.shifts + added.shifts,
              "corrected_minutes": months.c.corrected_minutes + added.corrected_minutes}))
