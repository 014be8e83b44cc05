from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.enums import LIVE_RUN, AssignmentSource, AssignmentStatus, PartStatus, RunStatus
from app.models.base import Base, TimestampMixin, UTCDateTime
from app.models.types import enum_column_type

if TYPE_CHECKING:
    from app.models.events import Shift
    from app.models.geography import Neighbourhood
    from app.models.patrols import PatrolSeason
    from app.models.users import User
    from app.models.volunteers import Volunteer


#: `LIVE_RUN` as SQL: the runs a patrol season may hold only one of.
LIVE_RUN_SQL = "status IN (" + ", ".join(f"'{s.value}'" for s in LIVE_RUN) + ")"


class ScheduleRun(TimestampMixin, Base):
    """One solver run; its proposals stay drafts until a coordinator publishes them."""

    __tablename__ = "schedule_runs"
    __table_args__ = (
        CheckConstraint("progress >= 0 AND progress <= 1", name="progress_range"),
        # One live rota per season, whoever asks at the same moment.
        Index("uq_schedule_runs_live_patrol_season", "patrol_season_id", unique=True,
              sqlite_where=text(LIVE_RUN_SQL), postgresql_where=text(LIVE_RUN_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: The neighbourhood whose coordinators may see the run; empty for a town-wide run.
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[RunStatus] = mapped_column(
        enum_column_type(RunStatus, "run_status"), default=RunStatus.queued
    )
    #: The patrol season a rota run plans; empty for every other run (and once the season
    #: is deleted: the run then fails or stays as it was).
    patrol_season_id: Mapped[int | None] = mapped_column(
        ForeignKey("patrol_seasons.id", ondelete="SET NULL"), index=True
    )
    #: What was scheduled: event ids, or neighbourhoods and a date range.
    scope: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Solver settings: seconds, workers, seed.
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    progress: Mapped[float] = mapped_column(default=0.0)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    log: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User | None] = relationship()
    neighbourhood: Mapped[Neighbourhood | None] = relationship()
    patrol_season: Mapped[PatrolSeason | None] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(back_populates="schedule_run")
    #: The parts of a partitioned (district) run, one huey task each; empty otherwise.
    parts: Mapped[list[ScheduleRunPart]] = relationship(
        back_populates="run", order_by="ScheduleRunPart.number", cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __str__(self) -> str:
        return f"#{self.id}"


class ScheduleRunPart(Base):
    """One independent part of a district run: its problem and, once solved, its solution
    (the engine's JSON). Parts never write drafts; the run writes all of them at once when
    every part has succeeded (`app.services.scheduler.district`)."""

    __tablename__ = "schedule_run_parts"
    __table_args__ = (
        UniqueConstraint("run_id", "number"),
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("schedule_runs.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    status: Mapped[PartStatus] = mapped_column(
        enum_column_type(PartStatus, "run_part_status"), default=PartStatus.queued
    )
    #: How many times a worker has taken the part (a lost worker's part is taken again).
    attempts: Mapped[int] = mapped_column(default=0)
    shifts: Mapped[int] = mapped_column(default=0)
    seats: Mapped[int] = mapped_column(default=0)
    #: The part's time budget (the run's for the largest part, less for smaller ones).
    seconds: Mapped[float] = mapped_column(default=0.0)
    #: Seats the best schedule so far fills (live while running, final once succeeded).
    seats_filled: Mapped[int | None]
    #: The engine's problem and solution as JSON (`scheduling.dumps_problem` / `_solution`).
    problem: Mapped[str] = mapped_column(Text)
    solution: Mapped[str | None] = mapped_column(Text)
    #: The consumer working on it: host and process id.
    worker: Mapped[str | None] = mapped_column(String(120))
    error: Mapped[str | None] = mapped_column(Text)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    run: Mapped[ScheduleRun] = relationship(back_populates="parts")


class Assignment(TimestampMixin, Base):
    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("shift_id", "volunteer_id"),
        CheckConstraint("sequence >= 0", name="sequence_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_column_type(AssignmentStatus, "assignment_status"),
        default=AssignmentStatus.proposed,
        index=True,
    )
    source: Mapped[AssignmentSource] = mapped_column(
        enum_column_type(AssignmentSource, "assignment_source"), default=AssignmentSource.manual
    )
    #: A pinned assignment is kept by every later solver run.
    pinned: Mapped[bool] = mapped_column(default=False)
    #: iCalendar SEQUENCE: raised whenever the time or place the volunteer sees changes.
    sequence: Mapped[int] = mapped_column(default=0)
    schedule_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("schedule_runs.id", ondelete="SET NULL"), index=True
    )
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the day-before reminder was queued; set by a conditional update, so it goes once.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Cancelled by a change of its series' regular volunteer (A → B), neither by a
    #: coordinator nor by her: the only cancelled seat a change back (B → A) gives back.
    released_by_handover: Mapped[bool] = mapped_column(default=False, server_default=false())

    shift: Mapped[Shift] = relationship(back_populates="assignments")
    volunteer: Mapped[Volunteer] = relationship()
    schedule_run: Mapped[ScheduleRun | None] = relationship(back_populates="assignments")

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.shift}"


class HelpRequest(TimestampMixin, Base):
    """Unfilled seats of a shift offered to eligible free volunteers ("ask for help").

    Accepting takes a seat with a conditional update (``taken < seats``), so two volunteers
    answering at the same moment can never both win the last seat.
    """

    __tablename__ = "help_requests"
    __table_args__ = (
        CheckConstraint("seats >= 1", name="seats_positive"),
        CheckConstraint("taken >= 0 AND taken <= seats", name="taken_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(
        ForeignKey("shifts.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    seats: Mapped[int] = mapped_column(default=1)
    taken: Mapped[int] = mapped_column(default=0)
    #: How many volunteers were asked.
    asked: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    shift: Mapped[Shift] = relationship()

    def __str__(self) -> str:
        return f"#{self.id}"
