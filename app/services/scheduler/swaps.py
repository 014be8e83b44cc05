"""Drop or swap a confirmed shift (换班/退出): the volunteer asks in the portal, a coordinator
decides in the admin.

- **Ask** (`ask`): only a confirmed shift that has not started, one open request at a time. A
  swap names a colleague by mobile number. The portal lists nobody's names and never says
  whether a number is a volunteer's, or whose: any well-formed number but the asker's own is
  taken with the same answer (telling "no such volunteer" or "Wang cannot take it" turned
  every phone number into a name). The request keeps the number and the volunteer who has
  it, if any; the neighbourhood's coordinators are told both. On an event that approves swaps
  automatically (`Event.swaps_auto_approve`) the request is approved at once unless that would
  leave the shift below its minimum staffing or the swap cannot be made (then it waits for a
  coordinator, as elsewhere); the coordinators are told what was done.
- **Approve** (`approve`): a swap needs a colleague the engine would give the seat to now (a
  volunteer has the number; skill, availability, no clash), else the coordinator is told why
  and refuses the request. The volunteer is released (their assignment is cancelled, so their
  calendar shows it CANCELLED), and told. A swap hands the seat to the colleague, who is asked
  to confirm; a drop offers the freed seat to eligible free volunteers (`seats.ask_for_help`).
  A drop that would leave the shift below its minimum staffing is refused unless the
  coordinator approves anyway, knowingly: the minimum is never broken silently.
- **Refuse** (`refuse`): the volunteer stays on the shift and is told.
- **Withdraw** (`withdraw`): the volunteer takes the request back while it is open.
- **The colleague declines** the handed-over seat (`seats.respond`): it is offered to eligible
  free volunteers, as for a drop (`seats.reoffer_declined_handover`).

Services flush only; the request or command that called them commits.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import HOLDS_SEAT, AssignmentSource, AssignmentStatus, EventStatus
from app.enums import ShiftChangeStatus as Status
from app.i18n import deployment_zone
from app.models import Assignment, ShiftChangeRequest, User, Volunteer, utcnow
from app.services import notify, signup
from app.services.scheduler import eligibility
from app.services.scheduler.errors import RunError
from app.services.scheduler.freed import seat_freed
from app.services.scheduler.publish import calendar_file, tell_assigned
from app.services.scheduler.runs import min_gap_minutes
from app.services.scheduler.seats import ask_for_help, coordinators_of
from app.services.scheduler.text import shift_line

REASON_MAX = 500


class SwapError(Exception):
    """A request or decision that cannot be made; `message` is for the person who tried."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _digits(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits


def open_request(session: Session, assignment_id: int) -> ShiftChangeRequest | None:
    return session.scalar(select(ShiftChangeRequest).where(
        ShiftChangeRequest.assignment_id == assignment_id,
        ShiftChangeRequest.status == Status.open))


def _check_changeable(assignment: Assignment, now: datetime) -> None:
    shift = assignment.shift
    if shift.event.status == EventStatus.cancelled or assignment.status in (
            AssignmentStatus.cancelled, AssignmentStatus.declined):
        raise SwapError("gone", _("This shift is no longer yours: nothing to change."))
    if shift.start_at <= now:
        raise SwapError("started", _("This shift has already begun; please call your "
                                     "coordinator instead."))


def ask(session: Session, assignment: Assignment, *, colleague_phone: str = "",
        reason: str = "", now: datetime | None = None) -> ShiftChangeRequest:
    """The volunteer of `assignment` asks to drop it, or to hand it to the colleague with that
    mobile number. Refusals raise `SwapError` and change nothing."""
    now = now or utcnow()
    _check_changeable(assignment, now)
    if assignment.status != AssignmentStatus.confirmed:
        raise SwapError("not_confirmed", _(
            "Only a confirmed shift can be dropped or swapped; if you cannot come to a shift "
            "you have not confirmed yet, just decline it."))
    if open_request(session, assignment.id) is not None:
        raise SwapError("already", _("You have already asked about this shift; the "
                                     "coordinator has not decided yet."))
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX:
        raise SwapError("reason", _("Please keep the reason under %(n)s characters.",
                                    n=REASON_MAX))
    mobile, colleague = None, None
    if (colleague_phone or "").strip():
        mobile = _mobile(colleague_phone)
        colleague = _volunteer_with_mobile(session, mobile)
        if colleague is not None and colleague.id == assignment.volunteer_id:
            raise SwapError("self", _("That is your own number; enter your colleague's."))
    request = ShiftChangeRequest(assignment=assignment, volunteer_id=assignment.volunteer_id,
                                 colleague=colleague, colleague_phone=mobile, reason=reason)
    session.add(request)
    session.flush()
    shift = assignment.shift
    line = shift_line(shift, deployment_zone())
    template, outcome = "scheduler/change_asked", ""
    if shift.event.swaps_auto_approve:
        try:
            outcome = approve(session, request, user=None, now=now)
            template = "scheduler/change_auto_approved"
        except SwapError:
            pass  # below the minimum, or the colleague no longer fits: a coordinator decides
    for user in coordinators_of(session, shift.event.neighbourhood_id):
        notify.to_staff(session, user, template,
                        volunteer=assignment.volunteer.name, title=shift.event.title,
                        line=line, colleague=colleague.name if colleague else "",
                        phone=mobile or "", reason=reason, outcome=outcome,
                        event_id=shift.event_id)
    return request


def _mobile(phone: str) -> str:
    """The 11 digits of a mainland mobile number typed any common way (spaces, +86)."""
    digits = _digits(phone)
    if len(digits) != 11 or not digits.startswith("1"):
        raise SwapError("phone", _("Please enter your colleague's 11-digit mobile number."))
    return digits


def _volunteer_with_mobile(session: Session, mobile: str) -> Volunteer | None:
    return session.scalar(select(Volunteer).where(
        Volunteer.active.is_(True),
        func.replace(func.replace(Volunteer.phone, " ", ""), "-", "").in_(
            [mobile, "+86" + mobile])).order_by(Volunteer.id).limit(1))


def holding(session: Session, shift_id: int) -> int:
    """People on the shift: confirmed, awaiting confirmation or attended."""
    return session.scalar(select(func.count()).where(
        Assignment.shift_id == shift_id, Assignment.status.in_(HOLDS_SEAT))) or 0


def _decidable(request: ShiftChangeRequest, now: datetime) -> Assignment:
    if request.status != Status.open:
        raise SwapError("decided", _("This request has already been decided or withdrawn."))
    assignment = request.assignment
    if assignment.volunteer_id != request.volunteer_id:
        raise SwapError("moved", _("This shift is no longer the volunteer's."))
    _check_changeable(assignment, now)
    return assignment


def approve(session: Session, request: ShiftChangeRequest, *, user: User | None,
            allow_below_minimum: bool = False, now: datetime | None = None) -> str:
    """Release the volunteer; hand the seat to the colleague or offer it. Returns what was
    done, in words for the coordinator."""
    now = now or utcnow()
    assignment = _decidable(request, now)
    shift = assignment.shift
    line = shift_line(shift, deployment_zone())
    colleague = request.colleague
    if request.is_swap and colleague is None:
        raise SwapError("unknown", _(
            "No active volunteer has the mobile number %(phone)s given for the swap; refuse "
            "the request (the volunteer stays on the shift and is told).",
            phone=request.colleague_phone))
    if colleague is not None:
        eligible = eligibility.eligible_free_volunteers(
            session, shift, deployment_zone(), min_gap_minutes=min_gap_minutes())
        if colleague.id not in {v.id for v in eligible}:
            raise SwapError("ineligible", _(
                "%(name)s cannot take this shift now (skill, availability or another "
                "shift); refuse the swap, or ask the volunteer to ask for a drop.",
                name=colleague.name))
    left = holding(session, shift.id) - 1 + (1 if colleague is not None else 0)
    if left < shift.min_volunteers and not allow_below_minimum:
        raise SwapError("below_minimum", _(
            "Approving leaves %(left)s of the %(min)s people this shift needs at least. Choose "
            "“approve even below the minimum” to approve anyway; the seat is then offered to "
            "eligible free volunteers.", left=left, min=shift.min_volunteers))
    assignment.status = AssignmentStatus.cancelled
    assignment.responded_at = now
    session.flush()
    signup.follow_staffing(session, shift.event_id, now=now)
    if colleague is not None:
        handed = Assignment(shift=shift, volunteer=colleague, status=AssignmentStatus.pending,
                            source=AssignmentSource.manual)
        session.add(handed)
        session.flush()
        tell_assigned(session, colleague, [handed])
        outcome = _("Handed over to %(name)s, who has been asked to confirm.",
                    name=colleague.name)
    elif seat_freed(session, shift):
        outcome = _("The inspection is re-planned with the patrol group's free certified "
                    "members; the coordinators are told who takes it, or why nobody can.")
    else:
        try:
            offer = ask_for_help(session, shift, user=user)
        except RunError:  # no empty seat after all (the shift was over-full)
            offer = None
        request.help_request = offer
        outcome = (_("The seat has been offered to %(n)s eligible free volunteers.",
                     n=offer.asked) if offer is not None and offer.asked else
                   _("Nobody eligible and free could be offered the seat; it is empty."))
    if left < shift.min_volunteers:
        outcome += " " + _("The shift is below its minimum staffing until someone takes the "
                           "seat.")
    request.status = Status.approved
    request.decided_by_id = user.id if user else None
    request.decided_at = now
    request.outcome = outcome
    notify.to_volunteer(session, request.volunteer, "scheduler/change_approved",
                        title=shift.event.title, line=line,
                        colleague=colleague.name if colleague else "",
                        event_id=shift.event_id,
                        ics=calendar_file(request.volunteer, [assignment])
                        if request.volunteer.email else None)
    session.flush()
    return outcome


def refuse(session: Session, request: ShiftChangeRequest, *, user: User | None,
           now: datetime | None = None) -> None:
    """The volunteer stays on the shift, and is told."""
    now = now or utcnow()
    assignment = _decidable(request, now)
    request.status = Status.refused
    request.decided_by_id = user.id if user else None
    request.decided_at = now
    request.outcome = _("The volunteer stays on the shift.")
    shift = assignment.shift
    notify.to_volunteer(session, request.volunteer, "scheduler/change_refused",
                        title=shift.event.title, line=shift_line(shift, deployment_zone()),
                        event_id=shift.event_id)
    session.flush()


def withdraw(session: Session, request: ShiftChangeRequest, volunteer_id: int) -> None:
    """The volunteer takes back an open request of their own."""
    if request.volunteer_id != volunteer_id:
        raise SwapError("not_yours", _("This request is not yours."))
    if request.status != Status.open:
        raise SwapError("decided", _("This request has already been decided or withdrawn."))
    request.status = Status.withdrawn
    request.decided_at = utcnow()
    session.flush()
