"""Plain dataclasses for the scheduling problem and its solution.

Everything the engine consumes or produces is one of these; they carry no behaviour beyond small
conveniences, so the app can build them from its database rows and the CLI from JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from scheduling.messages import render_reason


@dataclass(frozen=True, slots=True)
class Interval:
    """A concrete, timezone-aware half-open interval [start, end)."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Location:
    """Planar coordinates in kilometres (a local projection of the town)."""

    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Commitment:
    """Time a volunteer is already booked outside this problem (e.g. a shift of another event):
    they are busy then, with the minimum gap around it. ``label`` names the other event in
    explanations; ``shift`` is optionally that shift's id."""

    start: datetime
    end: datetime
    label: str = ""
    shift: str = ""


@dataclass(frozen=True, slots=True)
class Volunteer:
    id: str
    skills: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    availability: tuple[Interval, ...] = ()
    max_minutes_per_week: int = 24 * 60
    max_shifts_per_week: int = 7
    location: Location | None = None
    preferred_shifts: tuple[str, ...] = ()
    avoided_shifts: tuple[str, ...] = ()
    neighbourhood: str | None = None
    name: str = ""
    commitments: tuple[Commitment, ...] = ()
    # Attendance so far: shifts recorded (present or not) and those missed; with the
    # problem's reliability_weight they make a soft preference (scheduling/reliability.py).
    recorded_shifts: int = 0
    no_shows: int = 0


@dataclass(frozen=True, slots=True)
class Shift:
    id: str
    start: datetime
    end: datetime
    skill: str | None = None
    team: str | None = None
    min_count: int = 1
    max_count: int = 1
    priority: int = 1
    location: Location | None = None
    household: str | None = None
    neighbourhood: str | None = None
    title: str = ""
    # The event the shift belongs to (a label: explanations name it when its shifts block
    # volunteers of another event's shift).
    event: str = ""
    # The volunteer this visit is paired with (a care package's helper): continuity comes
    # first with them; another volunteer the household knows only stands in when they cannot.
    paired: str | None = None


@dataclass(frozen=True, slots=True)
class Pin:
    """A (volunteer, shift) assignment that must stay in every solution."""

    volunteer: str
    shift: str


@dataclass(frozen=True, slots=True)
class Forbidden:
    """A (volunteer, shift) pair that must never be assigned."""

    volunteer: str
    shift: str


@dataclass(frozen=True, slots=True, order=True)
class Assignment:
    volunteer: str
    shift: str


@dataclass(frozen=True, slots=True)
class Rules:
    """Global hard rules.

    ``min_gap_minutes``: two shifts of one volunteer must be at least this far apart (travel and
    rest). ``max_distance_km``: optional hard travel radius between a volunteer's home and a
    shift's location (only applied when both have a location).
    """

    min_gap_minutes: int = 0
    max_distance_km: float | None = None


@dataclass(slots=True)
class Problem:
    timezone: str
    volunteers: list[Volunteer]
    shifts: list[Shift]
    pins: list[Pin] = field(default_factory=list)
    forbidden: list[Forbidden] = field(default_factory=list)
    previous: list[Assignment] = field(default_factory=list)
    household_history: dict[str, list[str]] = field(default_factory=dict)
    rules: Rules = field(default_factory=Rules)
    name: str = ""
    # What an assignment of a volunteer who never turns up costs in the secondary objective
    # (0: reliability is not considered); see scheduling/reliability.py.
    reliability_weight: int = 0


@dataclass(frozen=True, slots=True)
class Reason:
    """Why seats of a shift stayed empty.

    ``code`` is stable (the app translates on it); ``counts`` hold the numbers of the funnel
    (e.g. ``skilled``, ``available``); ``ids`` name volunteers or shifts where useful.
    """

    code: str
    counts: dict[str, int] = field(default_factory=dict)
    ids: dict[str, list[str]] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)

    def message(self, locale: str = "en") -> str:
        return render_reason(self, locale)


@dataclass(frozen=True, slots=True)
class UnfilledSeat:
    """``empty`` seats of ``shift`` are unfilled; ``below_min`` of them are below min_count."""

    shift: str
    empty: int
    below_min: int
    reason: Reason


@dataclass(frozen=True, slots=True)
class ContinuityMiss:
    """A household shift that the household's earlier or paired ``volunteer`` did not get, and
    why (``reason.code`` is one of the ``paired_*`` codes; ``params["volunteer"]`` names them)."""

    shift: str
    volunteer: str
    reason: Reason


@dataclass(slots=True)
class Metrics:
    filled_seats: int = 0
    total_seats: int = 0
    min_seats: int = 0
    filled_min_seats: int = 0
    weighted_fill: int = 0
    objective: float = 0.0
    upper_bound_flow: int | None = None
    upper_bound_lp: float | None = None
    upper_bound_weighted_lp: float | None = None
    cpsat_bound: float | None = None
    best_bound: float | None = None
    quality: float | None = None
    weighted_quality: float | None = None
    load_spread_hours: float = 0.0
    max_load_shifts: int = 0
    # Balance over the volunteers who could work at least one shift: standard deviation and
    # max - min of their shift counts and of their minutes over the horizon.
    load_std_shifts: float = 0.0
    load_range_shifts: int = 0
    load_std_minutes: float = 0.0
    load_range_minutes: int = 0
    continuity_rate: float | None = None
    # Continuity: assignments of a household's earlier/paired volunteer, and household seats
    # that one of them was eligible for but did not get (see Solution.continuity for why).
    continuity_assignments: int = 0
    continuity_missed: int = 0
    mean_distance_km: float | None = None
    preferred_honoured: int = 0
    avoided_assigned: int = 0
    kept_previous: int | None = None
    moved_previous: int | None = None
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    first_solution_seconds: float | None = None
    bound_seconds: float = 0.0
    status: str = ""
    #: CP-SAT was stopped for finding nothing better for its patience, before the deadline.
    stopped_early: bool = False


@dataclass(slots=True)
class Solution:
    assignments: list[Assignment]
    unfilled: list[UnfilledSeat] = field(default_factory=list)
    metrics: Metrics = field(default_factory=Metrics)
    solver: str = ""
    continuity: list[ContinuityMiss] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Progress:
    """One progress report: elapsed wall seconds, best objective so far and proven bound;
    ``seats`` is the number of seats the reported schedule fills (None when the report is only
    about the bound)."""

    elapsed: float
    objective: float
    bound: float
    phase: str = ""
    seats: int | None = None
