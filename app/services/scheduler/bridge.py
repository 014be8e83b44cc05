"""The bridge between the database and the scheduling engine.

`build_problem` turns the rows of a scope (selected events, or neighbourhoods × a date range)
into a `scheduling.Problem`:

- weekly availability windows become concrete intervals in the deployment's time zone (valid
  dates honoured, touching windows merged), minus blackouts; the volunteer's assignments
  *outside* the scope are engine `commitments` (busy then, named after their event);
- published assignments (pending, confirmed) inside the scope are the ``previous`` schedule;
  pinned ones (published or drafts) are pins; declined or cancelled pairs are forbidden;
- care visits carry their household, whose history (the package item's helper, volunteers
  of done visits) gives continuity (`scheduler.continuity`).

`write_proposals` writes a solution back as draft (``proposed``) assignments of one run. It
replaces the run's own unpinned drafts and never inserts a pair twice: a pair that is already
published is just counted as kept. It only flushes; the caller commits.

Engine ids are strings: ``v<id>`` for volunteers, ``s<id>`` for shifts, ``h<id>`` for
households, ``t<id>`` for teams and ``g<id>`` for service groups (团组); `db_id` turns one
back into an integer.

Building the problem and writing its answer back share the engine-id mapping and must stay
symmetrical, so they are kept side by side; which shifts a run covers is `scheduler.scope`,
who a household knows is `scheduler.continuity`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, true
from sqlalchemy.orm import Session, selectinload

import scheduling
from app.enums import (
    EXCLUDED,
    HOLDS_SEAT,
    AssignmentSource,
    AssignmentStatus,
)
from app.models import (
    Assignment,
    Event,
    ScheduleRun,
    Shift,
    Volunteer,
)
from app.services import qualifications
from app.services.scheduler import continuity, reliability
from app.services.scheduler.availability import free_spans


def vid(volunteer_id: int) -> str:
    return f"v{volunteer_id}"


def sid(shift_id: int) -> str:
    return f"s{shift_id}"


def db_id(engine_id: str) -> int:
    return int(engine_id[1:])


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
    #: Names for messages: engine team id ("t3", "g5") → the team's or service group's name.
    team_names: dict[str, str] = field(default_factory=dict)


def _volunteers(session: Session) -> list[Volunteer]:
    return list(
        session.scalars(
            select(Volunteer)
            .where(Volunteer.active.is_(True))
            .options(
                selectinload(Volunteer.skills),
                selectinload(Volunteer.teams),
                selectinload(Volunteer.service_groups),
                selectinload(Volunteer.availabilities),
                selectinload(Volunteer.blackouts),
            )
            .order_by(Volunteer.id)
        )
    )


def _reserved_for(shift: Shift) -> str | None:
    """The engine's team of a shift kept for a team's (``t<id>``) or a service group's
    (``g<id>``) members: the engine treats both alike."""
    if shift.team_id is not None:
        return f"t{shift.team_id}"
    if shift.service_group_id is not None:
        return f"g{shift.service_group_id}"
    return None


@dataclass(frozen=True)
class Busy:
    """A volunteer's assignment outside the problem: they are busy then."""

    start: datetime
    end: datetime
    minutes: int
    shift_id: int
    event_title: str


def _busy_outside(
    session: Session,
    shift_ids: Sequence[int],
    start: datetime,
    end: datetime,
    statuses: Sequence[AssignmentStatus],
) -> dict[int, list[Busy]]:
    """Assignments outside the scope near its period, by volunteer."""
    rows = session.execute(
        select(Assignment.volunteer_id, Shift.start_at, Shift.end_at, Shift.id, Event.title)
        .join(Shift, Assignment.shift_id == Shift.id)
        .join(Event, Shift.event_id == Event.id)
        .where(
            Assignment.status.in_(statuses),
            Shift.id.not_in(shift_ids) if shift_ids else true(),
            Shift.end_at > start,
            Shift.start_at < end,
        )
    ).tuples()
    busy: dict[int, list[Busy]] = defaultdict(list)
    for volunteer_id, s_start, s_end, shift_id, title in rows:
        minutes = int((s_end - s_start).total_seconds() // 60)
        busy[volunteer_id].append(Busy(s_start, s_end, minutes, shift_id, title))
    return busy


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
    readmit_cancelled: bool = False,
) -> BuiltProblem:
    """The engine's problem for `shifts`; `run_id` marks whose unpinned drafts to ignore.

    Work outside the scope in `busy_statuses` makes a volunteer busy then (with the minimum
    gap on either side) and uses up their weekly caps. `readmit_cancelled` lets pairs that a
    coordinator took off (cancelled) back in — assigning by hand undoes a removal — while a
    volunteer's own "no" (declined) and a no-show stay forbidden.
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

    pins: list[scheduling.Pin] = []
    forbidden: list[scheduling.Forbidden] = []
    previous: list[scheduling.Assignment] = []
    published: dict[tuple[int, int], int] = {}
    for a in session.scalars(select(Assignment).where(Assignment.shift_id.in_(shift_ids))):
        pair = (vid(a.volunteer_id), sid(a.shift_id))
        if a.status == AssignmentStatus.cancelled and readmit_cancelled:
            continue
        if a.status in EXCLUDED:
            forbidden.append(scheduling.Forbidden(*pair))
        elif a.status in HOLDS_SEAT:
            published[(a.volunteer_id, a.shift_id)] = a.id
            previous.append(scheduling.Assignment(*pair))
            if a.pinned:
                pins.append(scheduling.Pin(*pair))
        elif a.status == AssignmentStatus.proposed and a.pinned:
            pins.append(scheduling.Pin(*pair))

    # Licensed skills count only on the days a qualification covers: a volunteer keeps the
    # skill when it covers some of the problem's shifts needing it, and is kept off the rest.
    licences = qualifications.gates(session)
    licensed_days: dict[str, list[tuple[str, date]]] = defaultdict(list)
    for s in shifts:
        if s.skill is not None and s.skill.code in licences.codes:
            licensed_days[s.skill.code].append((sid(s.id), s.start_at.astimezone(zone).date()))

    volunteers: list[scheduling.Volunteer] = []
    team_names: dict[str, str] = {}
    used: dict[int, int] = {}
    records = reliability.no_show_rates(session, None)
    for v in _volunteers(session):
        teams = {f"t{t.id}": t.name for t in v.teams} | {
            f"g{g.id}": g.name for g in v.service_groups}
        team_names |= teams
        no_shows, recorded = records.get(v.id, (0, 0))
        skills: list[str] = []
        for sk in v.skills:
            lapsed = licences.lapsed(v.id, sk.code, licensed_days.get(sk.code, []))
            if lapsed is None:
                continue
            forbidden.extend(scheduling.Forbidden(vid(v.id), shift) for shift in lapsed)
            skills.append(sk.code)
        outside = busy.get(v.id, [])
        # The engine takes the work elsewhere off the availability itself (with the minimum
        # gap), and names the other event when that is why a seat stays empty.
        spans = free_spans(v, first, last, zone, [])
        # Work already published in the scope's weeks outside the scope uses up the caps.
        used_minutes = used_shifts = 0
        for week in scope_weeks:
            in_week = [b.minutes for b in outside if iso_week(b.start, zone) == week]
            used_minutes = max(used_minutes, sum(in_week))
            used_shifts = max(used_shifts, len(in_week))
        if used_shifts:
            used[v.id] = used_shifts
        volunteers.append(
            scheduling.Volunteer(
                id=vid(v.id),
                skills=tuple(skills),
                teams=tuple(teams),
                availability=tuple(scheduling.Interval(s, e) for s, e in spans),
                max_minutes_per_week=max(0, v.max_minutes_per_week - used_minutes),
                max_shifts_per_week=max(0, v.max_shifts_per_week - used_shifts),
                location=_location(v.x_km, v.y_km),
                neighbourhood=f"n{v.neighbourhood_id}",
                name=v.name,
                recorded_shifts=recorded,
                no_shows=no_shows,
                commitments=tuple(
                    scheduling.Commitment(b.start, b.end, label=b.event_title,
                                          shift=sid(b.shift_id))
                    for b in outside
                ),
            )
        )

    engine_shifts: list[scheduling.Shift] = []
    paired = continuity.paired(session, shifts)
    labels: dict[str, str] = {}
    for s in shifts:
        event = s.event
        household = event.household_id
        if household is not None:
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
                team=_reserved_for(s),
                min_count=min(s.min_volunteers, s.max_volunteers),
                max_count=s.max_volunteers,
                priority=max(1, s.priority),
                location=location,
                household=f"h{household}" if household is not None else None,
                neighbourhood=f"n{event.neighbourhood_id}",
                title=s.title,
                event=event.title,
                paired=vid(paired[event.id]) if event.id in paired else None,
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
        household_history=continuity.household_history(session, shifts, paired),
        rules=scheduling.Rules(min_gap_minutes=min_gap_minutes),
        name=name or (f"run {run_id}" if run_id else ""),
        reliability_weight=reliability.town_weight(
            session, {s.event.neighbourhood.town for s in shifts}),
    )
    return BuiltProblem(problem, shift_ids, published, labels, used, team_names)


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
    pairs are kept as they are (a pinned one is never dropped).
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
            # A pin is the coordinator's word: the engine keeps every pin, and should a
            # solution ever lack one, publishing must still not cancel it.
            if pair in wanted or row.pinned:
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
