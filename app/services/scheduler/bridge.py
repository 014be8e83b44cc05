"""The bridge between the database and the scheduling engine.

`build_problem` turns the rows of a scope (selected events, or neighbourhoods × a date range)
into a `scheduling.Problem`:

- weekly availability windows become concrete intervals in the deployment's time zone (valid
  dates honoured, touching windows merged), minus blackouts and minus the volunteer's published
  assignments *outside* the scope (they are busy then);
- published assignments (pending, confirmed) inside the scope are the ``previous`` schedule;
  pinned ones (published or drafts) are pins; declined or cancelled pairs are forbidden;
- care visits carry their household, whose history (volunteers of done visits, the
  subscription's paired volunteer) gives continuity.

`write_proposals` writes a solution back as draft (``proposed``) assignments of one run. It
replaces the run's own unpinned drafts and never inserts a pair twice: a pair that is already
published is just counted as kept. It only flushes; the caller commits.

Engine ids are strings: ``v<id>`` for volunteers, ``s<id>`` for shifts, ``h<id>`` for
households, ``t<id>`` for teams; `db_id` turns one back into an integer.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, true
from sqlalchemy.orm import Session, selectinload

import scheduling
from app.enums import (
    BOOKED,
    EXCLUDED,
    HOLDS_SEAT,
    AssignmentSource,
    AssignmentStatus,
    EventStatus,
    VisitOutcome,
)
from app.models import (
    Assignment,
    CareSubscription,
    Event,
    ScheduleRun,
    Shift,
    Visit,
    Volunteer,
)
from scheduling.eligibility import build_index


def vid(volunteer_id: int) -> str:
    return f"v{volunteer_id}"


def sid(shift_id: int) -> str:
    return f"s{shift_id}"


def db_id(engine_id: str) -> int:
    return int(engine_id[1:])


# -- Scope -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """Either explicit events, or neighbourhoods (empty: all) between two local dates."""

    event_ids: tuple[int, ...] = ()
    neighbourhood_ids: tuple[int, ...] = ()
    date_from: date | None = None
    date_to: date | None = None

    def to_json(self) -> dict[str, Any]:
        if self.event_ids:
            return {"events": list(self.event_ids)}
        return {
            "neighbourhoods": list(self.neighbourhood_ids),
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scope:
        if data.get("events"):
            return cls(event_ids=tuple(int(i) for i in data["events"]))
        return cls(
            neighbourhood_ids=tuple(int(i) for i in data.get("neighbourhoods") or ()),
            date_from=date.fromisoformat(data["from"]) if data.get("from") else None,
            date_to=date.fromisoformat(data["to"]) if data.get("to") else None,
        )


def scope_shifts(session: Session, scope: Scope, zone: ZoneInfo) -> list[Shift]:
    """The shifts to schedule: of events that are not cancelled, in the scope."""
    statement = (
        select(Shift)
        .join(Event, Shift.event_id == Event.id)
        .where(Event.status != EventStatus.cancelled)
        .options(selectinload(Shift.skill), selectinload(Shift.event))
        .order_by(Shift.start_at, Shift.id)
    )
    if scope.event_ids:
        statement = statement.where(Event.id.in_(scope.event_ids))
    else:
        if scope.neighbourhood_ids:
            statement = statement.where(Event.neighbourhood_id.in_(scope.neighbourhood_ids))
        if scope.date_from:
            start = datetime.combine(scope.date_from, time(0), tzinfo=zone)
            statement = statement.where(Shift.start_at >= start)
        if scope.date_to:
            end = datetime.combine(scope.date_to + timedelta(days=1), time(0), tzinfo=zone)
            statement = statement.where(Shift.start_at < end)
    return list(session.scalars(statement))


# -- Intervals -------------------------------------------------------------------------------

Span = tuple[datetime, datetime]


def merge(spans: Iterable[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def subtract(spans: list[Span], holes: Iterable[Span]) -> list[Span]:
    result = spans
    for h_start, h_end in merge(holes):
        nxt: list[Span] = []
        for start, end in result:
            if h_end <= start or h_start >= end:
                nxt.append((start, end))
                continue
            if start < h_start:
                nxt.append((start, h_start))
            if h_end < end:
                nxt.append((h_end, end))
        result = nxt
    return result


def weekly_spans(volunteer: Volunteer, first: date, last: date, zone: ZoneInfo) -> list[Span]:
    """The volunteer's weekly windows as concrete (UTC) intervals between two local dates."""
    spans: list[Span] = []
    day = first
    while day <= last:
        for window in volunteer.availabilities:
            if window.weekday != day.weekday():
                continue
            if window.valid_from and day < window.valid_from:
                continue
            if window.valid_until and day > window.valid_until:
                continue
            start = datetime.combine(day, window.start_time, tzinfo=zone).astimezone(UTC)
            end = datetime.combine(day, window.end_time, tzinfo=zone).astimezone(UTC)
            spans.append((start, end))
        day += timedelta(days=1)
    return merge(spans)


def free_spans(
    volunteer: Volunteer, first: date, last: date, zone: ZoneInfo, busy: Iterable[Span]
) -> list[Span]:
    blackouts = [(b.start_at, b.end_at) for b in volunteer.blackouts]
    return subtract(weekly_spans(volunteer, first, last, zone), [*blackouts, *busy])


# -- Building the problem --------------------------------------------------------------------

@dataclass
class BuiltProblem:
    problem: scheduling.Problem
    shift_ids: list[int]
    #: Published assignments in the scope: (volunteer id, shift id) → assignment id.
    published: dict[tuple[int, int], int] = field(default_factory=dict)
    #: Titles for messages: engine shift id → "event · shift (local time)".
    shift_labels: dict[str, str] = field(default_factory=dict)
    #: Shifts a volunteer already works outside the scope in its busiest week (by volunteer id).
    used_shifts: dict[int, int] = field(default_factory=dict)


def _volunteers(session: Session) -> list[Volunteer]:
    return list(
        session.scalars(
            select(Volunteer)
            .where(Volunteer.active.is_(True))
            .options(
                selectinload(Volunteer.skills),
                selectinload(Volunteer.teams),
                selectinload(Volunteer.availabilities),
                selectinload(Volunteer.blackouts),
            )
            .order_by(Volunteer.id)
        )
    )


def _busy_outside(
    session: Session,
    shift_ids: Sequence[int],
    start: datetime,
    end: datetime,
    statuses: Sequence[AssignmentStatus],
) -> dict[int, list[tuple[datetime, datetime, int]]]:
    """Assignments outside the scope near its period: volunteer → (start, end, minutes)."""
    rows = session.execute(
        select(Assignment.volunteer_id, Shift.start_at, Shift.end_at)
        .join(Shift, Assignment.shift_id == Shift.id)
        .where(
            Assignment.status.in_(statuses),
            Shift.id.not_in(shift_ids) if shift_ids else true(),
            Shift.end_at > start,
            Shift.start_at < end,
        )
    ).tuples()
    busy: dict[int, list[tuple[datetime, datetime, int]]] = defaultdict(list)
    for volunteer_id, s_start, s_end in rows:
        minutes = int((s_end - s_start).total_seconds() // 60)
        busy[volunteer_id].append((s_start, s_end, minutes))
    return busy


def _household_history(session: Session, household_ids: set[int]) -> dict[str, list[str]]:
    if not household_ids:
        return {}
    history: dict[str, list[str]] = defaultdict(list)
    for household_id, volunteer_id in session.execute(
        select(CareSubscription.household_id, CareSubscription.volunteer_id).where(
            CareSubscription.household_id.in_(household_ids),
            CareSubscription.volunteer_id.is_not(None),
            CareSubscription.active.is_(True),
        )
    ).tuples():
        history[f"h{household_id}"].append(vid(volunteer_id))
    for household_id, volunteer_id in session.execute(
        select(Visit.household_id, Visit.volunteer_id)
        .where(
            Visit.household_id.in_(household_ids),
            Visit.volunteer_id.is_not(None),
            Visit.outcome == VisitOutcome.done,
        )
        .distinct()
    ).tuples():
        key = f"h{household_id}"
        if vid(volunteer_id) not in history[key]:
            history[key].append(vid(volunteer_id))
    return dict(history)


def _location(x: float | None, y: float | None) -> scheduling.Location | None:
    return scheduling.Location(x, y) if x is not None and y is not None else None


def iso_week(moment: datetime, zone: ZoneInfo) -> tuple[int, int]:
    year, week, _day = moment.astimezone(zone).isocalendar()
    return year, week


def build_problem(
    session: Session,
    shifts: Sequence[Shift],
    zone: ZoneInfo,
    *,
    min_gap_minutes: int = 0,
    run_id: int | None = None,
    name: str = "",
    busy_statuses: Sequence[AssignmentStatus] = HOLDS_SEAT,
) -> BuiltProblem:
    """The engine's problem for `shifts`; `run_id` marks whose unpinned drafts to ignore.

    Work outside the scope in `busy_statuses` makes a volunteer busy then (with the minimum
    gap on either side) and uses up their weekly caps.
    """
    shift_ids = [s.id for s in shifts]
    if not shifts:
        return BuiltProblem(scheduling.Problem(timezone=str(zone), volunteers=[], shifts=[]), [])
    period_start = min(s.start_at for s in shifts)
    period_end = max(s.end_at for s in shifts)
    first = period_start.astimezone(zone).date() - timedelta(days=1)
    last = period_end.astimezone(zone).date() + timedelta(days=1)
    scope_weeks = {iso_week(s.start_at, zone) for s in shifts}
    week_lo = datetime.combine(first - timedelta(days=7), time(0), tzinfo=zone)
    week_hi = datetime.combine(last + timedelta(days=7), time(0), tzinfo=zone)
    busy = _busy_outside(session, shift_ids, week_lo, week_hi, busy_statuses)
    gap = timedelta(minutes=min_gap_minutes)

    pins: list[scheduling.Pin] = []
    forbidden: list[scheduling.Forbidden] = []
    previous: list[scheduling.Assignment] = []
    published: dict[tuple[int, int], int] = {}
    for a in session.scalars(select(Assignment).where(Assignment.shift_id.in_(shift_ids))):
        pair = (vid(a.volunteer_id), sid(a.shift_id))
        if a.status in EXCLUDED:
            forbidden.append(scheduling.Forbidden(*pair))
        elif a.status in HOLDS_SEAT:
            published[(a.volunteer_id, a.shift_id)] = a.id
            previous.append(scheduling.Assignment(*pair))
            if a.pinned:
                pins.append(scheduling.Pin(*pair))
        elif a.status == AssignmentStatus.proposed and a.pinned:
            pins.append(scheduling.Pin(*pair))

    volunteers: list[scheduling.Volunteer] = []
    used: dict[int, int] = {}
    for v in _volunteers(session):
        outside = busy.get(v.id, [])
        spans = free_spans(v, first, last, zone, [(s - gap, e + gap) for s, e, _m in outside])
        # Work already published in the scope's weeks outside the scope uses up the caps.
        used_minutes = used_shifts = 0
        for week in scope_weeks:
            in_week = [m for s, _e, m in outside if iso_week(s, zone) == week]
            used_minutes = max(used_minutes, sum(in_week))
            used_shifts = max(used_shifts, len(in_week))
        if used_shifts:
            used[v.id] = used_shifts
        volunteers.append(
            scheduling.Volunteer(
                id=vid(v.id),
                skills=tuple(sk.code for sk in v.skills),
                teams=tuple(f"t{t.id}" for t in v.teams),
                availability=tuple(scheduling.Interval(s, e) for s, e in spans),
                max_minutes_per_week=max(0, v.max_minutes_per_week - used_minutes),
                max_shifts_per_week=max(0, v.max_shifts_per_week - used_shifts),
                location=_location(v.x_km, v.y_km),
                neighbourhood=f"n{v.neighbourhood_id}",
                name=v.name,
            )
        )

    engine_shifts: list[scheduling.Shift] = []
    labels: dict[str, str] = {}
    households: set[int] = set()
    for s in shifts:
        event = s.event
        household = event.household_id
        if household is not None:
            households.add(household)
            hh = event.household
            location = _location(hh.x_km, hh.y_km) if hh else None
        else:
            n = event.neighbourhood
            location = _location(n.x_km, n.y_km)
        engine_shifts.append(
            scheduling.Shift(
                id=sid(s.id),
                start=s.start_at,
                end=s.end_at,
                skill=s.skill.code if s.skill else None,
                team=f"t{s.team_id}" if s.team_id else None,
                min_count=min(s.min_volunteers, s.max_volunteers),
                max_count=s.max_volunteers,
                priority=max(1, s.priority),
                location=location,
                household=f"h{household}" if household is not None else None,
                neighbourhood=f"n{event.neighbourhood_id}",
                title=s.title,
            )
        )
        local = s.start_at.astimezone(zone)
        labels[sid(s.id)] = f"{event.title} · {s.title} ({local:%m-%d %H:%M})"

    problem = scheduling.Problem(
        timezone=str(zone),
        volunteers=volunteers,
        shifts=engine_shifts,
        pins=pins,
        forbidden=forbidden,
        previous=previous,
        household_history=_household_history(session, households),
        rules=scheduling.Rules(min_gap_minutes=min_gap_minutes),
        name=name or (f"run {run_id}" if run_id else ""),
    )
    return BuiltProblem(problem, shift_ids, published, labels, used)


# -- Writing the answer back -----------------------------------------------------------------

@dataclass
class WriteResult:
    created: int = 0
    kept_draft: int = 0
    kept_published: int = 0
    removed: int = 0
    #: Published assignments the solution no longer contains (cancelled only on publish).
    dropped_published: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "kept_draft": self.kept_draft,
            "kept_published": self.kept_published,
            "removed": self.removed,
            "dropped_published": self.dropped_published,
        }


def write_proposals(
    session: Session,
    run: ScheduleRun,
    shift_ids: Sequence[int],
    assignments: Iterable[scheduling.Assignment],
) -> WriteResult:
    """Make the run's drafts on `shift_ids` equal the solution; flush, never commit.

    Unpinned drafts on these shifts (this run's, or an older run's that this one supersedes)
    that the solution does not contain are deleted; pinned drafts are taken over; published
    pairs are kept as they are.
    """
    result = WriteResult()
    wanted = {(db_id(a.volunteer), db_id(a.shift)) for a in assignments}
    existing = {
        (a.volunteer_id, a.shift_id): a
        for a in session.scalars(select(Assignment).where(Assignment.shift_id.in_(shift_ids)))
    }
    stale: list[Assignment] = []
    for pair, row in existing.items():
        if row.status == AssignmentStatus.proposed:
            if pair in wanted or row.pinned:
                row.schedule_run_id = run.id
                result.kept_draft += 1
            else:
                stale.append(row)
        elif row.status in HOLDS_SEAT and row.status != AssignmentStatus.attended:
            if pair in wanted:
                result.kept_published += 1
            else:
                result.dropped_published.append(row.id)
    for row in stale:
        session.delete(row)
    result.removed = len(stale)
    session.flush()
    for volunteer_id, shift_id in sorted(wanted):
        if (volunteer_id, shift_id) in existing:
            continue
        session.add(
            Assignment(
                shift_id=shift_id,
                volunteer_id=volunteer_id,
                status=AssignmentStatus.proposed,
                source=AssignmentSource.solver,
                schedule_run_id=run.id,
            )
        )
        result.created += 1
    session.flush()
    return result


# -- One seat ---------------------------------------------------------------------------------
# Assigning by hand, re-filling a declined seat and asking for help all ask the engine about one
# seat, on a problem built like a run's: the same availability, minimum gap, weekly caps and
# exclusions, with every other held *or drafted* assignment counted as busy.

def seat_problem(session: Session, shift: Shift, zone: ZoneInfo, *,
                 min_gap_minutes: int = 0) -> BuiltProblem:
    return build_problem(session, [shift], zone, min_gap_minutes=min_gap_minutes,
                         busy_statuses=BOOKED)


def eligible_free_volunteers(session: Session, shift: Shift, zone: ZoneInfo, *,
                             min_gap_minutes: int = 0) -> list[Volunteer]:
    """Volunteers who could take a seat of `shift` now without moving anyone, by the engine's
    rules, and who are not on the shift in any status; best first (the engine's preference —
    continuity, distance — then lighter load this week)."""
    built = seat_problem(session, shift, zone, min_gap_minutes=min_gap_minutes)
    index = build_index(built.problem, check_pins=False)
    taken = set(
        session.scalars(select(Assignment.volunteer_id).where(Assignment.shift_id == shift.id))
    )
    ranked: list[tuple[tuple[int, int, int], int]] = []
    for pair in index.pairs_of_shift[0] if index.shifts else []:
        volunteer_id = db_id(index.volunteers[index.pair_v[pair]].id)
        if volunteer_id not in taken:
            key = (-index.pair_score[pair], built.used_shifts.get(volunteer_id, 0), volunteer_id)
            ranked.append((key, volunteer_id))
    ranked.sort()
    by_id = {v.id: v for v in session.scalars(
        select(Volunteer).where(Volunteer.id.in_([v for _k, v in ranked])))}
    return [by_id[volunteer_id] for _key, volunteer_id in ranked]


_SHIFT_ID = re.compile(r"\bs\d+\b")
#: The engine checker's words for a broken rule → the code of the warning shown.
_CHECK_CODES = (
    ("lacks skill", "skill"),
    ("not in team", "team"),
    ("not inside one availability interval", "availability"),
    ("forbidden pair", "declined"),
    ("closer than the minimum gap", "overlap"),
    ("exceeds", "weekly_cap"),
)


def rule_breaks(session: Session, shift: Shift, volunteer: Volunteer, zone: ZoneInfo, *,
                min_gap_minutes: int = 0) -> list[tuple[str, list[int]]]:
    """The hard rules that assigning `volunteer` to `shift` would break, as (code, ids of the
    other shifts involved), judged by the engine's independent checker on the volunteer's week:
    their other held or drafted shifts plus this one."""
    local_day = shift.start_at.astimezone(zone).date()
    week_start = local_day - timedelta(days=local_day.weekday())
    lo = datetime.combine(week_start, time(0), tzinfo=zone)
    others = list(session.scalars(
        select(Shift)
        .join(Assignment, Assignment.shift_id == Shift.id)
        .where(
            Assignment.volunteer_id == volunteer.id,
            Assignment.shift_id != shift.id,
            Assignment.status.in_(BOOKED),
            Shift.end_at > lo - timedelta(days=1),
            Shift.start_at < lo + timedelta(days=8),
        )
        .options(selectinload(Shift.skill))
    ))
    built = build_problem(session, [shift, *others], zone, min_gap_minutes=min_gap_minutes)
    me = vid(volunteer.id)
    engine_volunteer = next((v for v in built.problem.volunteers if v.id == me), None)
    if engine_volunteer is None:  # inactive: available for nothing
        return [("availability", [])]
    # Only this volunteer's week matters; shifts already held count against the caps here.
    problem = scheduling.Problem(
        timezone=built.problem.timezone,
        volunteers=[engine_volunteer],
        shifts=built.problem.shifts,
        forbidden=[f for f in built.problem.forbidden if f.volunteer == me],
        rules=built.problem.rules,
    )
    solution = scheduling.Solution(
        assignments=[scheduling.Assignment(me, s.id) for s in problem.shifts])
    target = sid(shift.id)
    week = f"{iso_week(shift.start_at, zone)}"
    found: dict[str, list[int]] = {}
    for violation in scheduling.check(problem, solution).violations:
        code = next((c for words, c in _CHECK_CODES if words in violation), None)
        if code is None:
            continue
        shifts = _SHIFT_ID.findall(violation)
        if (week not in violation) if code == "weekly_cap" else (target not in shifts):
            continue
        found.setdefault(code, []).extend(db_id(s) for s in shifts if s != target)
    return list(found.items())
