"""A volunteer's answer through a signed link, and filling one empty seat of published work.

A decline frees the seat; `resolve_seat` fills that one seat with the best eligible free
volunteer and moves nobody else. `ask_for_help` offers the seat to every eligible free
volunteer; the first to accept takes it by a conditional update, so a seat is never given
twice. Who is eligible comes from the engine (`eligibility.eligible_free_volunteers`).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.enums import (
    HOLDS_SEAT,
    AssignmentSource,
    AssignmentStatus,
    Role,
    ShiftChangeStatus,
)
from app.i18n import deployment_zone
from app.models import (
    Assignment,
    HelpRequest,
    Neighbourhood,
    Notification,
    Shift,
    ShiftChangeRequest,
    User,
    utcnow,
    volunteer_skills,
)
from app.models.users import user_neighbourhoods
from app.services import links, notify, signup
from app.services.scheduler import eligibility
from app.services.scheduler.errors import RunError
from app.services.scheduler.freed import seat_freed
from app.services.scheduler.publish import tell_assigned
from app.services.scheduler.runs import min_gap_minutes
from app.services.scheduler.text import shift_line


def respond(session: Session, assignment_id: int, action: str) -> str:
    """A volunteer confirms or declines; returns the outcome code for the page.

    Outcomes: ``confirmed``, ``declined``, ``already_confirmed``, ``already_declined``,
    ``confirmed_ask_to_drop`` (a decline of a confirmed shift: nothing changes), ``cancelled``
    (the coordinator withdrew it), ``missing``.

    Only a shift awaiting the answer is declined: leaving a confirmed one goes through a drop
    or swap request (`swaps.ask`) that the coordinator decides, wherever the decline comes
    from (the link in a message, the portal).
    """
    target = {
        "confirm": AssignmentStatus.confirmed,
        "decline": AssignmentStatus.declined,
    }[action]
    result = session.execute(
        update(Assignment)
        .where(
            Assignment.id == assignment_id,
            Assignment.status == AssignmentStatus.pending,
        )
        .values(status=target, responded_at=utcnow(), sequence=Assignment.sequence + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        session.flush()
        if target == AssignmentStatus.declined:
            tell_coordinators_of_decline(session, assignment_id)
            reoffer_declined_handover(session, assignment_id)
            declined = session.get(Assignment, assignment_id)
            if declined is not None:
                seat_freed(session, declined.shift)
        _follow_staffing_of(session, assignment_id)
        return target.value
    current = session.scalar(select(Assignment.status).where(Assignment.id == assignment_id))
    if current is None:
        return "missing"
    if current == target:
        return f"already_{target.value}"
    if current == AssignmentStatus.confirmed:  # and the answer was a decline
        return "confirmed_ask_to_drop"
    if current == AssignmentStatus.declined:
        return "already_declined"
    return "cancelled"


def _follow_staffing_of(session: Session, assignment_id: int) -> None:
    """Residents' places that follow the staffing of the assignment's shift follow it."""
    event_id = session.scalar(select(Shift.event_id).join(
        Assignment, Assignment.shift_id == Shift.id).where(Assignment.id == assignment_id))
    if event_id is not None:
        signup.follow_staffing(session, event_id)


def reoffer_declined_handover(session: Session, assignment_id: int) -> HelpRequest | None:
    """The colleague named in an approved swap declines the seat handed to them: it is offered
    to eligible free volunteers, as an approved drop's seat is; the request's outcome says so.
    None when the assignment was no hand-over (or nobody could be offered it)."""
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        return None
    request = session.scalar(
        select(ShiftChangeRequest)
        .join(Assignment, ShiftChangeRequest.assignment_id == Assignment.id)
        .where(Assignment.shift_id == assignment.shift_id,
               ShiftChangeRequest.colleague_id == assignment.volunteer_id,
               ShiftChangeRequest.status == ShiftChangeStatus.approved,
               ShiftChangeRequest.help_request_id.is_(None))
        .order_by(ShiftChangeRequest.id.desc()))
    if request is None:
        return None
    try:
        offer = ask_for_help(session, assignment.shift)
    except RunError:  # no empty seat after all
        return None
    request.help_request = offer
    request.outcome = " ".join(filter(None, (request.outcome, _(
        "%(name)s declined the shift; the seat has been offered to %(n)s eligible free "
        "volunteers.", name=assignment.volunteer.name, n=offer.asked))))
    session.flush()
    return offer


def coordinators_of(session: Session, neighbourhood_id: int) -> list[User]:
    return list(session.scalars(
        select(User)
        .join(user_neighbourhoods, user_neighbourhoods.c.user_id == User.id)
        .where(user_neighbourhoods.c.neighbourhood_id == neighbourhood_id,
               User.role == Role.coordinator, User.active.is_(True))
        .order_by(User.id)
    ))


def tell_coordinators_of_decline(session: Session, assignment_id: int) -> list[Notification]:
    """The neighbourhood's coordinators hear of a decline by e-mail (the run page shows it
    too), with a link to the run where the seat can be filled again."""
    assignment = session.get(Assignment, assignment_id, populate_existing=True)
    if assignment is None:
        return []
    shift = assignment.shift
    line = shift_line(shift, deployment_zone())
    return [
        notify.to_staff(session, user, "scheduler/declined", volunteer=assignment.volunteer.name,
                        title=shift.event.title, line=line, event_id=shift.event_id)
        for user in coordinators_of(session, shift.event.neighbourhood_id)
    ]


def empty_seats(session: Session, shift: Shift) -> int:
    holding = session.scalar(
        select(func.count()).where(
            Assignment.shift_id == shift.id, Assignment.status.in_(HOLDS_SEAT)
        )
    ) or 0
    return shift.max_volunteers - holding


def _candidates(session: Session, shift: Shift) -> list:
    if empty_seats(session, shift) <= 0:
        raise RunError("full", _("This shift has no empty seat."))
    return eligibility.eligible_free_volunteers(
        session, shift, deployment_zone(), min_gap_minutes=min_gap_minutes())


@dataclass(frozen=True)
class HandCandidate:
    """One volunteer offered for assigning by hand: only what a coordinator may see of
    someone from another neighbourhood (the name and the neighbourhood's name)."""

    volunteer_id: int
    name: str
    neighbourhood_id: int
    neighbourhood: str


def hand_candidates(session: Session, shift: Shift, *,
                    skill_id: int | None = None) -> list[HandCandidate]:
    """Everyone who could take a seat of `shift` by the engine's rules, from every
    neighbourhood (the solver may use them too), best first; `skill_id` keeps those who also
    have that skill. Nobody is left out for living elsewhere, and someone taken off the shift
    in review is offered again: assigning by hand undoes a removal (a "no" stays a no)."""
    volunteers = eligibility.eligible_free_volunteers(
        session, shift, deployment_zone(), min_gap_minutes=min_gap_minutes(),
        readmit_cancelled=True)
    if skill_id is not None:
        skilled = set(session.scalars(
            select(volunteer_skills.c.volunteer_id)
            .where(volunteer_skills.c.skill_id == skill_id)))
        volunteers = [v for v in volunteers if v.id in skilled]
    names = dict(session.execute(
        select(Neighbourhood.id, Neighbourhood.name)
        .where(Neighbourhood.id.in_({v.neighbourhood_id for v in volunteers}))).tuples().all())
    return [HandCandidate(v.id, v.name, v.neighbourhood_id, names.get(v.neighbourhood_id, ""))
            for v in volunteers]


@dataclass
class SeatResult:
    assignment: Assignment | None
    candidates: int


def resolve_seat(session: Session, shift: Shift, *, notify_volunteer: bool = True) -> SeatResult:
    """Fill one empty seat of a published shift with the best eligible free volunteer.

    Nobody else moves: the candidates are only volunteers who are free then and eligible.
    The new assignment awaits confirmation and the volunteer is told.
    """
    candidates = _candidates(session, shift)
    if not candidates:
        return SeatResult(None, 0)
    volunteer = candidates[0]
    assignment = Assignment(
        shift=shift, volunteer=volunteer, status=AssignmentStatus.pending,
        source=AssignmentSource.solver, schedule_run_id=None,
    )
    session.add(assignment)
    session.flush()
    if notify_volunteer:
        tell_assigned(session, volunteer, [assignment])
    return SeatResult(assignment, len(candidates))


def ask_for_help(session: Session, shift: Shift, *, user: User | None = None,
                 limit: int = 30) -> HelpRequest:
    """Offer the shift's empty seats to eligible free volunteers who can be reached;
    `asked` counts those messages."""
    candidates = [v for v in _candidates(session, shift) if v.email or v.phone][:limit]
    help_request = HelpRequest(
        shift=shift, seats=empty_seats(session, shift), taken=0, asked=len(candidates),
        created_by_id=user.id if user else None,
    )
    session.add(help_request)
    session.flush()
    line = shift_line(shift, deployment_zone())
    for volunteer in candidates:
        notify.to_volunteer(
            session, volunteer, "scheduler/help", title=shift.event.title, line=line,
            url=links.help_url(help_request, volunteer.id), event_id=shift.event_id,
        )
    return help_request


def accept_help(session: Session, help_id: int, volunteer_id: int) -> str:
    """Take a seat offered by a help request. Outcomes: ``accepted``, ``taken``, ``already``,
    ``missing``. The first statement is the conditional update (see app.services.signup on
    SQLite snapshots): of two simultaneous accepts of the last seat only one matches. Only
    flushes: a refusal gives the seat back by another update, never by rolling back the
    caller's session."""
    result = session.execute(
        update(HelpRequest)
        .where(
            HelpRequest.id == help_id,
            HelpRequest.taken < HelpRequest.seats,
            HelpRequest.closed_at.is_(None),
        )
        .values(taken=HelpRequest.taken + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        exists = session.scalar(select(HelpRequest.id).where(HelpRequest.id == help_id))
        return "taken" if exists else "missing"
    help_request = session.get(HelpRequest, help_id, populate_existing=True)
    assert help_request is not None
    existing = session.scalar(
        select(Assignment).where(
            Assignment.shift_id == help_request.shift_id, Assignment.volunteer_id == volunteer_id
        )
    )
    if existing is not None and existing.status in HOLDS_SEAT:
        return _give_back(session, help_id)
    if existing is not None:
        existing.status = AssignmentStatus.confirmed
        existing.source = AssignmentSource.self
        existing.responded_at = utcnow()
        existing.sequence += 1
    else:
        try:
            with session.begin_nested():
                session.add(Assignment(
                    shift_id=help_request.shift_id, volunteer_id=volunteer_id,
                    status=AssignmentStatus.confirmed, source=AssignmentSource.self,
                    responded_at=utcnow(),
                ))
        except IntegrityError:
            return _give_back(session, help_id)
    session.flush()
    signup.follow_staffing(session, help_request.shift.event_id)
    return "accepted"


def _give_back(session: Session, help_id: int) -> str:
    session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == help_id)
        .values(taken=HelpRequest.taken - 1)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return "already"
