"""Recording what happened on a shift: a volunteer's own check-in and check-out (the station's
QR code, then the portal), and a coordinator's roster after the fact (present / late / absent).

Each recording sets the attendance, moves the assignment to attended or no-show, and brings
the hours ledger to the attendance's credited minutes by *adding* the difference: a first
recording adds the shift's time, a later one that changes it adds the change, with who and why.
The credited time follows the town's rounding and cap (`rules`), as they are when credited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.enums import (
    HOLDS_SEAT,
    AssignmentStatus,
    AttendanceStatus,
    EventStatus,
    HoursKind,
)
from app.models import Assignment, Attendance, Event, HoursEntry, Shift, utcnow
from app.services.attendance.rules import AS_CHECKED, CreditRules, rules_for

#: A volunteer may check in from this long before the shift starts...
CHECK_IN_OPENS = timedelta(minutes=60)
#: ...and check out until this long after it ends.
CHECK_OUT_CLOSES = timedelta(hours=2)
#: Checking in up to this late still counts as on time.
LATE_GRACE = timedelta(minutes=10)
MAX_REASON = 1000
#: Who may be on a roster: published and holding the seat, or already marked a no-show.
ON_ROSTER = (*HOLDS_SEAT, AssignmentStatus.no_show)


class AttendanceError(ValueError):
    """The attendance cannot be recorded; the message says why. Nothing was changed."""


def _minutes(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() // 60))


def shift_minutes(shift: Shift) -> int:
    return _minutes(shift.end_at - shift.start_at)


def activity_text(shift: Shift) -> str:
    return f"{shift.event.title} · {shift.title}"[:300]


def service_day(shift: Shift, zone: ZoneInfo) -> date:
    return shift.start_at.astimezone(zone).date()


def check_in_window(shift: Shift) -> tuple[datetime, datetime]:
    """When the station's code works: from an hour before the start to the shift's end."""
    return shift.start_at - CHECK_IN_OPENS, shift.end_at


def credited(status: AttendanceStatus, shift: Shift, late: int, early: int,
             rules: CreditRules = AS_CHECKED) -> int:
    """The minutes an attendance earns: the shift's time less lateness and early leaving,
    rounded and capped by the town's rules."""
    if status == AttendanceStatus.absent:
        return 0
    return rules.apply(max(0, shift_minutes(shift) - late - early))


def town_rules(session: Session, shift: Shift) -> CreditRules:
    return rules_for(session, shift.event.neighbourhood.town)


def ledger_minutes(session: Session, assignment_id: int) -> int:
    """What the ledger holds for one assignment so far."""
    return int(session.scalar(
        select(func.coalesce(func.sum(HoursEntry.minutes), 0))
        .where(HoursEntry.assignment_id == assignment_id)) or 0)


def _has_entries(session: Session, assignment_id: int) -> bool:
    return session.scalar(select(HoursEntry.id).where(
        HoursEntry.assignment_id == assignment_id).limit(1)) is not None


def _sync_ledger(session: Session, attendance: Attendance, *, zone: ZoneInfo,
                 actor_id: int | None, reason: str | None) -> HoursEntry | None:
    assignment = attendance.assignment
    held = ledger_minutes(session, assignment.id)
    delta = attendance.credited_minutes - held
    if delta == 0:
        return None
    first = not _has_entries(session, assignment.id)
    entry = HoursEntry(
        volunteer_id=assignment.volunteer_id, assignment_id=assignment.id,
        kind=HoursKind.attendance if first else HoursKind.change, minutes=delta,
        service_on=service_day(assignment.shift, zone), activity=activity_text(assignment.shift),
        reason=None if first else reason, created_by_id=actor_id)
    session.add(entry)
    return entry


def _attendance_of(session: Session, assignment: Assignment) -> Attendance | None:
    return session.scalar(select(Attendance).where(Attendance.assignment_id == assignment.id))


# -- the volunteer, on the phone -------------------------------------------------------------

def assignment_for_checkin(session: Session, shift_id: int, volunteer_id: int) -> Assignment:
    """The volunteer's seat on the shift whose station code they scanned."""
    assignment = session.scalar(
        select(Assignment).where(Assignment.shift_id == shift_id,
                                 Assignment.volunteer_id == volunteer_id)
        .options(joinedload(Assignment.shift).joinedload(Shift.event)))
    if assignment is None or assignment.status not in HOLDS_SEAT:
        raise AttendanceError(str(_l(
            "You are not on this shift. Ask the coordinator at the station to record you.")))
    if assignment.shift.event.status == EventStatus.cancelled:
        raise AttendanceError(str(_l("This event has been cancelled.")))
    return assignment


def check_in(session: Session, assignment: Assignment, *, zone: ZoneInfo,
             now: datetime | None = None) -> Attendance:
    """The volunteer checks in: the time is the server's; late past the grace time."""
    now = now or utcnow()
    shift = assignment.shift
    opens, closes = check_in_window(shift)
    if not opens <= now <= closes:
        raise AttendanceError(str(_l(
            "Check-in for this shift is open from an hour before it starts until it ends.")))
    attendance = _attendance_of(session, assignment)
    if attendance is not None and (attendance.recorded_by_id is not None
                                   or attendance.checked_in_at is not None):
        raise AttendanceError(str(_l("Your attendance on this shift is already recorded.")))
    late = _minutes(now - shift.start_at) if now > shift.start_at + LATE_GRACE else 0
    attendance = attendance or Attendance(assignment=assignment)
    attendance.status = AttendanceStatus.late if late else AttendanceStatus.present
    attendance.checked_in_at = now
    attendance.late_minutes = late
    attendance.early_leave_minutes = 0
    # Hours are credited when the volunteer checks out or the coordinator records the shift.
    attendance.credited_minutes = 0
    session.add(attendance)
    assignment.status = AssignmentStatus.attended
    session.flush()
    return attendance


def check_out(session: Session, assignment: Assignment, *, zone: ZoneInfo,
              now: datetime | None = None) -> Attendance:
    """The volunteer checks out: leaving early is kept; the shift's time goes in the ledger."""
    now = now or utcnow()
    shift = assignment.shift
    attendance = _attendance_of(session, assignment)
    if attendance is None or attendance.checked_in_at is None:
        raise AttendanceError(str(_l("Check in first, by scanning the code at the station.")))
    if attendance.checked_out_at is not None or attendance.recorded_by_id is not None:
        raise AttendanceError(str(_l("Your attendance on this shift is already recorded.")))
    if now > shift.end_at + CHECK_OUT_CLOSES:
        raise AttendanceError(str(_l(
            "Check-out has closed for this shift; the coordinator records your time.")))
    attendance.checked_out_at = now
    attendance.early_leave_minutes = _minutes(shift.end_at - now) if now < shift.end_at else 0
    attendance.credited_minutes = credited(attendance.status, shift, attendance.late_minutes,
                                           attendance.early_leave_minutes,
                                           town_rules(session, shift))
    session.flush()
    _sync_ledger(session, attendance, zone=zone, actor_id=None, reason=None)
    session.flush()
    return attendance


def open_check_ins(session: Session, volunteer_id: int, *,
                   now: datetime | None = None) -> list[Attendance]:
    """The volunteer's check-ins still waiting for a check-out."""
    now = now or utcnow()
    return list(session.scalars(
        select(Attendance).join(Assignment).join(Shift)
        .where(Assignment.volunteer_id == volunteer_id,
               Attendance.checked_in_at.is_not(None), Attendance.checked_out_at.is_(None),
               Attendance.recorded_by_id.is_(None),
               Shift.end_at >= now - CHECK_OUT_CLOSES)
        .options(joinedload(Attendance.assignment).joinedload(Assignment.shift)
                 .joinedload(Shift.event))
        .order_by(Shift.start_at)))


# -- the coordinator's roster ----------------------------------------------------------------

@dataclass(frozen=True)
class RosterLine:
    assignment: Assignment
    attendance: Attendance | None
    #: What the form proposes: the recorded status, the check-in's, or absent once the shift
    #: is over and nobody checked in (a no-show, for the coordinator to confirm).
    proposed: AttendanceStatus | None
    late_minutes: int
    early_leave_minutes: int


@dataclass(frozen=True)
class Mark:
    """One line of a submitted roster."""

    assignment_id: int
    status: AttendanceStatus
    late_minutes: int = 0
    early_leave_minutes: int = 0


def roster(session: Session, shift: Shift, *, now: datetime | None = None) -> list[RosterLine]:
    now = now or utcnow()
    assignments = session.scalars(
        select(Assignment).where(Assignment.shift_id == shift.id,
                                 Assignment.status.in_(ON_ROSTER))
        .options(joinedload(Assignment.volunteer))
        .order_by(Assignment.id)).all()
    recorded = {a.assignment_id: a for a in session.scalars(
        select(Attendance).where(Attendance.assignment_id.in_([a.id for a in assignments])))}
    lines = []
    for assignment in sorted(assignments, key=lambda a: a.volunteer.name_sort):
        attendance = recorded.get(assignment.id)
        if attendance is not None:
            proposed: AttendanceStatus | None = attendance.status
            late, early = attendance.late_minutes, attendance.early_leave_minutes
        else:
            proposed = AttendanceStatus.absent if shift.end_at <= now else None
            late = early = 0
        lines.append(RosterLine(assignment, attendance, proposed, late, early))
    return lines


def proposed_no_shows(session: Session, shift: Shift, *,
                      now: datetime | None = None) -> list[Assignment]:
    """Seats of an ended shift with no check-in and nothing recorded."""
    return [line.assignment for line in roster(session, shift, now=now)
            if line.attendance is None and line.proposed == AttendanceStatus.absent]


@dataclass(frozen=True)
class RosterResult:
    recorded: int
    unchanged: int
    minutes_added: int


def record_roster(session: Session, shift: Shift, marks: list[Mark], *, zone: ZoneInfo,
                  actor_id: int, reason: str | None = None,
                  now: datetime | None = None) -> RosterResult:
    """A coordinator records the shift: each mark sets one volunteer's attendance.

    Checked before anything changes: every mark names a seat of this shift, minutes are within
    the shift, and a mark that changes hours already in the ledger comes with a reason. Any
    refusal changes nothing.
    """
    now = now or utcnow()
    if shift.start_at > now:
        raise AttendanceError(str(_l("This shift has not started yet; record it once it has.")))
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_REASON:
        raise AttendanceError(str(_l("The reason is limited to %(n)s characters.", n=MAX_REASON)))
    lines = {line.assignment.id: line for line in roster(session, shift, now=now)}
    length = shift_minutes(shift)
    rules = town_rules(session, shift)
    plans: list[tuple[RosterLine, Mark, int]] = []
    for mark in marks:
        line = lines.get(mark.assignment_id)
        if line is None:
            raise AttendanceError(str(_l("A volunteer on the list is not on this shift.")))
        if not (0 <= mark.late_minutes <= length and 0 <= mark.early_leave_minutes <= length):
            raise AttendanceError(str(_l(
                "%(name)s: late and early-leave minutes must be between 0 and the shift's "
                "%(n)s minutes.", name=line.assignment.volunteer.name, n=length)))
        if mark.status == AttendanceStatus.late and mark.late_minutes == 0:
            raise AttendanceError(str(_l("%(name)s: say how many minutes late.",
                                         name=line.assignment.volunteer.name)))
        late = mark.late_minutes if mark.status == AttendanceStatus.late else 0
        early = mark.early_leave_minutes if mark.status != AttendanceStatus.absent else 0
        minutes = credited(mark.status, shift, late, early, rules)
        if reason is None and _has_entries(session, line.assignment.id) \
                and minutes != ledger_minutes(session, line.assignment.id):
            raise AttendanceError(str(_l(
                "%(name)s already has hours for this shift. Changing them needs a reason; "
                "nothing was saved.", name=line.assignment.volunteer.name)))
        plans.append((line, Mark(mark.assignment_id, mark.status, late, early), minutes))
    recorded = unchanged = added = 0
    for line, mark, minutes in plans:
        attendance = line.attendance
        if (attendance is not None and attendance.status == mark.status
                and attendance.late_minutes == mark.late_minutes
                and attendance.early_leave_minutes == mark.early_leave_minutes
                and attendance.credited_minutes == minutes
                and attendance.recorded_by_id is not None):
            unchanged += 1
            continue
        attendance = attendance or Attendance(assignment=line.assignment)
        attendance.status = mark.status
        attendance.late_minutes = mark.late_minutes
        attendance.early_leave_minutes = mark.early_leave_minutes
        attendance.credited_minutes = minutes
        attendance.recorded_by_id = actor_id
        session.add(attendance)
        line.assignment.status = (AssignmentStatus.no_show
                                  if mark.status == AttendanceStatus.absent
                                  else AssignmentStatus.attended)
        session.flush()
        entry = _sync_ledger(session, attendance, zone=zone, actor_id=actor_id, reason=reason)
        added += entry.minutes if entry is not None else 0
        recorded += 1
    session.flush()
    return RosterResult(recorded, unchanged, added)


def no_show_rates(session: Session,
                  volunteer_ids: list[int] | None) -> dict[int, tuple[int, int]]:
    """(absent, recorded) attendances per volunteer: the no-show rate's two figures. None:
    every volunteer with a record (one aggregate, for the scheduler)."""
    if volunteer_ids is not None and not volunteer_ids:
        return {}
    statement = (
        select(Assignment.volunteer_id,
               func.count(Attendance.id).filter(Attendance.status == AttendanceStatus.absent),
               func.count(Attendance.id))
        .join(Attendance, Attendance.assignment_id == Assignment.id)
        .group_by(Assignment.volunteer_id))
    if volunteer_ids is not None:
        statement = statement.where(Assignment.volunteer_id.in_(volunteer_ids))
    return {vid: (int(absent), int(total)) for vid, absent, total in session.execute(statement)}


def shift_for_roster(session: Session, shift_id: int) -> Shift | None:
    return session.scalar(select(Shift).where(Shift.id == shift_id)
                          .options(joinedload(Shift.event).joinedload(Event.neighbourhood)))

