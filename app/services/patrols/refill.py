"""A member withdraws from a published rota inspection: re-solve only what is affected.

The affected part is the inspection itself and the same group's other inspections of that
week that have not started (`affected_shifts`). Everything else stays fixed: confirmed seats
are pinned; seats still awaiting confirmation may move, but only when that fills the freed
seat (the engine's re-solve keeps each of them with a large bonus, `scheduling.resolve`). Who
may patrol is the rota's rule: the site's group for the season, certified on the day, free
then, under their caps, the nearer member preferred.

Then: the new member is asked to confirm (the inspection appears in their calendar feed), a
member moved off another inspection is told, and the coordinators hear the outcome — who
took it, or the engine's reason why nobody could, which the run page shows as well. Runs in
the huey task `app.tasks.patrols.refill_inspection`; flushes only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

import scheduling
from app.enums import HOLDS_SEAT, AssignmentSource, AssignmentStatus, EventKind
from app.models import Assignment, PatrolMember, PatrolSite, ScheduleRun, Shift, Volunteer
from app.services import notify
from app.services.patrols.rota import MIN_GAP_MINUTES
from app.services.patrols.rota_runs import patrol_run_of
from app.services.patrols.territory import map_origin, site_location
from app.services.scheduler import bridge
from app.services.scheduler.bridge import db_id, iso_week, sid, vid
from app.services.scheduler.publish import cancel_assignment, tell_assigned
from app.services.scheduler.runs import min_gap_minutes
from app.services.scheduler.seats import coordinators_of, empty_seats
from app.services.scheduler.text import shift_line


@dataclass
class Refill:
    shift_id: int
    #: Volunteers newly asked to take the freed seats of the inspection.
    taken_by: list[int] = field(default_factory=list)
    #: Members moved off another inspection of the week to make that possible.
    moved: list[int] = field(default_factory=list)
    #: Seats still empty on the inspection, and the engine's reason (its code and words).
    empty: int = 0
    reason_code: str = ""
    reason: str = ""


def affected_shifts(session: Session, run: ScheduleRun, shift: Shift, group_id: int,
                    zone: ZoneInfo, now: datetime) -> list[Shift]:
    """The inspection, and the group's other inspections of the run in its week not yet
    started."""
    week = iso_week(shift.start_at, zone)
    same_group = [int(k) for k, (_site, group) in run.parameters["patrol_shifts"].items()
                  if group == group_id]
    others = session.scalars(select(Shift).where(
        Shift.id.in_(same_group), Shift.id != shift.id, Shift.start_at > now,
        Shift.start_at >= shift.start_at - timedelta(days=7),
        Shift.start_at <= shift.start_at + timedelta(days=7)))
    return [shift, *sorted((s for s in others if iso_week(s.start_at, zone) == week),
                           key=lambda s: (s.start_at, s.id))]


def _problem(session: Session, run: ScheduleRun, shifts: list[Shift], group_id: int,
             zone: ZoneInfo) -> scheduling.Problem:
    built = bridge.build_problem(session, shifts, zone,
                                 min_gap_minutes=max(min_gap_minutes(), MIN_GAP_MINUTES),
                                 name=f"patrol refill {shifts[0].id}")
    problem = built.problem
    members = list(session.scalars(select(PatrolMember).where(
        PatrolMember.group_id == group_id, PatrolMember.certified.is_(True))))
    allowed = {vid(m.volunteer_id) for m in members}
    forbidden = list(problem.forbidden)
    for shift in shifts:  # certified on the inspection's day
        day = shift.start_at.astimezone(zone).date()
        forbidden.extend(scheduling.Forbidden(vid(m.volunteer_id), sid(shift.id))
                         for m in members if not m.certified_on(day))
    origin = map_origin()
    sites = {s.id: s for s in session.scalars(select(PatrolSite).where(PatrolSite.id.in_(
        {run.parameters["patrol_shifts"][str(s.id)][0] for s in shifts})))}
    places = {sid(s.id): site_location(sites[run.parameters["patrol_shifts"][str(s.id)][0]],
                                       origin) for s in shifts}
    confirmed = [scheduling.Pin(vid(a.volunteer_id), sid(a.shift_id)) for a in session.scalars(
        select(Assignment).where(Assignment.shift_id.in_([s.id for s in shifts]),
                                 Assignment.status == AssignmentStatus.confirmed))]
    return replace(
        problem,
        # The rota's rules, not the shift's skill: the group's certified members only.
        volunteers=[v for v in problem.volunteers if v.id in allowed],
        shifts=[replace(s, skill=None, team=None, location=places[s.id])
                for s in problem.shifts],
        pins=[p for p in [*problem.pins, *confirmed] if p.volunteer in allowed],
        forbidden=forbidden)


def refill(session: Session, shift_id: int, *, zone: ZoneInfo, now: datetime,
           seconds: float = 3.0, locale: str = "zh_CN") -> Refill | None:
    """Re-solve after a withdrawal from inspection `shift_id`; None when it is no published
    rota inspection still to come (nothing to do)."""
    shift = session.get(Shift, shift_id)
    if shift is None or shift.event.kind != EventKind.patrol or shift.start_at <= now:
        return None
    found = patrol_run_of(session, shift_id)
    if found is None:
        return None
    run, _site_id, group_id = found
    result = Refill(shift_id)
    if empty_seats(session, shift) <= 0:
        return result
    shifts = affected_shifts(session, run, shift, group_id, zone, now)
    problem = _problem(session, run, shifts, group_id, zone)
    published = scheduling.Solution(assignments=list(problem.previous))
    answer = scheduling.resolve(problem, published, scheduling.Change(), seconds=seconds,
                                workers=1).solution
    before = {(a.volunteer, a.shift) for a in problem.previous}
    after = {(a.volunteer, a.shift) for a in answer.assignments}
    held = {(a.volunteer_id, a.shift_id): a for a in session.scalars(
        select(Assignment).where(Assignment.shift_id.in_([s.id for s in shifts]),
                                 Assignment.status.in_(HOLDS_SEAT)))}
    for volunteer, shift_key in sorted(before - after):
        moved = held.get((db_id(volunteer), db_id(shift_key)))
        if moved is not None and moved.status == AssignmentStatus.pending:
            cancel_assignment(session, moved)
            result.moved.append(moved.volunteer_id)
    new: dict[int, list[Assignment]] = defaultdict(list)
    for volunteer, shift_key in sorted(after - before):
        assignment = Assignment(shift_id=db_id(shift_key), volunteer_id=db_id(volunteer),
                                status=AssignmentStatus.pending,
                                source=AssignmentSource.solver)
        session.add(assignment)
        new[assignment.volunteer_id].append(assignment)
        if assignment.shift_id == shift.id:
            result.taken_by.append(assignment.volunteer_id)
    session.flush()
    for volunteer_id, assignments in new.items():
        tell_assigned(session, session.get(Volunteer, volunteer_id), assignments)
    result.empty = empty_seats(session, shift)
    miss = next((u for u in answer.unfilled if u.shift == sid(shift.id)), None)
    _record(session, run, shift, miss, result)
    _tell_coordinators(session, shift, result, miss, zone, locale)
    return result


def _record(session: Session, run: ScheduleRun, shift: Shift,
            miss: scheduling.UnfilledSeat | None, result: Refill) -> None:
    """The run page's unfilled seats carry the re-solve's reason for this inspection."""
    entries = [u for u in (run.metrics or {}).get("unfilled", []) if u["shift_id"] != shift.id]
    if miss is not None and result.empty:
        result.reason_code = miss.reason.code
        entries.append({
            "shift_id": shift.id, "empty": result.empty, "below_min": miss.below_min,
            "code": miss.reason.code, "counts": dict(miss.reason.counts),
            "params": dict(miss.reason.params),
            "shifts": [db_id(s) for s in miss.reason.ids.get("shifts", [])
                       if s.startswith("s")],
            "events": list(miss.reason.ids.get("events", []))})
    run.metrics = {**(run.metrics or {}), "unfilled": entries}
    session.flush()


def _tell_coordinators(session: Session, shift: Shift, result: Refill,
                       miss: scheduling.UnfilledSeat | None, zone: ZoneInfo,
                       locale: str) -> None:
    """Who took the freed seat, or why nobody could, to the neighbourhood's coordinators."""
    line = shift_line(shift, zone)
    names = "、".join(session.get(Volunteer, v).name for v in result.taken_by)
    if miss is not None and result.empty:
        result.reason = miss.reason.message(locale)
    for user in coordinators_of(session, shift.event.neighbourhood_id):
        reason = miss.reason.message(user.locale) if miss is not None and result.empty else ""
        notify.to_staff(session, user, "patrols/refill", title=shift.event.title, line=line,
                        taken=names, empty=result.empty, reason=reason,
                        event_id=shift.event_id)
