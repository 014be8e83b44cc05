"""One seat, by the engine's rules. Assigning by hand, re-filling a declined seat and asking for
help all ask the engine about one seat, on a problem built like a run's (`bridge.build_problem`):
the same availability, minimum gap, weekly caps and exclusions, with every other held *or
drafted* assignment counted as busy."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import scheduling
from app.enums import BOOKED, AssignmentStatus
from app.models import Assignment, Shift, Volunteer
from app.services.scheduler.bridge import BuiltProblem, build_problem, db_id, iso_week, sid, vid
from scheduling.eligibility import build_index


def seat_problem(session: Session, shift: Shift, zone: ZoneInfo, *,
                 min_gap_minutes: int = 0, readmit_cancelled: bool = False) -> BuiltProblem:
    return build_problem(session, [shift], zone, min_gap_minutes=min_gap_minutes,
                         busy_statuses=BOOKED, readmit_cancelled=readmit_cancelled)


def eligible_free_volunteers(session: Session, shift: Shift, zone: ZoneInfo, *,
                             min_gap_minutes: int = 0,
                             readmit_cancelled: bool = False) -> list[Volunteer]:
    """Volunteers who could take a seat of `shift` now without moving anyone, by the engine's
    rules, and who are not on the shift in any status; best first (the engine's preference —
    continuity, distance — then lighter load this week). With `readmit_cancelled`, those
    taken off the shift count as not on it (see `build_problem`)."""
    built = seat_problem(session, shift, zone, min_gap_minutes=min_gap_minutes,
                         readmit_cancelled=readmit_cancelled)
    index = build_index(built.problem, check_pins=False)
    on_shift = select(Assignment.volunteer_id).where(Assignment.shift_id == shift.id)
    if readmit_cancelled:
        on_shift = on_shift.where(Assignment.status != AssignmentStatus.cancelled)
    taken = set(session.scalars(on_shift))
    ranked: list[tuple[tuple[bool, int, int, int], int]] = []
    for pair in index.pairs_of_shift[0] if index.shifts else []:
        volunteer_id = db_id(index.volunteers[index.pair_v[pair]].id)
        if volunteer_id not in taken:
            key = (not index.pair_cont[pair], -index.pair_score[pair],
                   built.used_shifts.get(volunteer_id, 0), volunteer_id)
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
    ("overlaps a commitment elsewhere", "overlap"),
    ("exceeds", "weekly_cap"),
)


def rule_breaks(session: Session, shift: Shift, volunteer: Volunteer, zone: ZoneInfo, *,
                min_gap_minutes: int = 0,
                readmit_cancelled: bool = False) -> list[tuple[str, list[int]]]:
    """The hard rules that assigning `volunteer` to `shift` would break, as (code, ids of the
    other shifts involved), judged by the engine's independent checker on the volunteer's week:
    their other held or drafted shifts plus this one. A hand assignment passes
    `readmit_cancelled`: putting back someone taken off breaks no rule."""
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
    built = build_problem(session, [shift, *others], zone, min_gap_minutes=min_gap_minutes,
                          readmit_cancelled=readmit_cancelled)
    me = vid(volunteer.id)
    engine_volunteer = next((v for v in built.problem.volunteers if v.id == me), None)
    if engine_volunteer is None:  # inactive: available for nothing
        return [("availability", [])]
    # Only this volunteer's week matters, and every shift they hold that week is in the
    # problem: the checker counts them itself, so the caps are the volunteer's own. (The
    # bridge lowers a cap by work outside its scope in *any* of the scope's weeks, which
    # would count next week's visits against this one.)
    engine_volunteer = dataclasses.replace(
        engine_volunteer, max_minutes_per_week=volunteer.max_minutes_per_week,
        max_shifts_per_week=volunteer.max_shifts_per_week)
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
