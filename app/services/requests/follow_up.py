"""The follow-up contact after an explanation (the article's first way: a narrow personal
demand is explained, and someone gets back in touch with the raiser later).

Explaining a request sets the day of its follow-up (`schedule`). When the request has a
household, the follow-up is also a planned contact of that household like step 1's
(`Visit` of kind ``follow_up``, linked to the request), given to the member who knows the
family: the paired member, else the member of the request's service group who last reached
it; without one, the coordinator makes it. A resident from the public form (no household) is
called back by the coordinator from the request list ("follow-up due").

Whoever makes the contact records what it came to (`record`, or the member's recorded visit,
`visit_recorded`); each outcome is a `RequestChange` of the request, so its history says who
got back in touch, when and what was said. A contact that reached the raiser completes the
follow-up; one that did not leaves it due.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, select
from sqlalchemy.orm import Session

from app.enums import (
    EFFECTIVE,
    FollowUpOutcome,
    PairingStatus,
    VisitKind,
    VisitOutcome,
)
from app.models import (
    Pairing,
    RequestChange,
    ResidentRequest,
    User,
    Visit,
    Volunteer,
    service_group_members,
)
from app.services.requests.errors import RequestError
from app.services.requests.history import record_change, required_note

#: The follow-up is offered this many days after the explanation.
DEFAULT_DAYS = 14
#: And set at most this far ahead.
MAX_DAYS = 365
#: The local time of a household's planned follow-up visit (the day is what matters).
PLANNED_AT = time(10, 0)


def default_day(today: date) -> date:
    return today + timedelta(days=DEFAULT_DAYS)


def check_day(day: date | None, today: date) -> date:
    """The follow-up day as given (None: the default), refused when past or too far ahead."""
    if day is None:
        return default_day(today)
    if day < today:
        raise RequestError("invalid", _l(
            "The follow-up contact cannot be in the past: choose today or a later day."),
            "follow_up_on")
    if day > today + timedelta(days=MAX_DAYS):
        raise RequestError("invalid", _l(
            "The follow-up contact is at most %(n)s days ahead.", n=MAX_DAYS), "follow_up_on")
    return day


def contact_member(session: Session, request: ResidentRequest) -> Volunteer | None:
    """Who makes a household's follow-up: its paired member (confirmed), else the member of
    the request's service group who last reached it; None (the coordinator) otherwise."""
    if request.household_id is None:
        return None
    paired = session.scalars(
        select(Volunteer).join(Pairing, Pairing.volunteer_id == Volunteer.id)
        .where(Pairing.household_id == request.household_id,
               Pairing.status == PairingStatus.confirmed, Volunteer.active.is_(True))
        .order_by(Pairing.starts_on.desc(), Pairing.id.desc())).first()
    if paired is not None or request.service_group_id is None:
        return paired
    return session.scalars(
        select(Volunteer).join(Visit, Visit.volunteer_id == Volunteer.id)
        .join(service_group_members, and_(
            service_group_members.c.volunteer_id == Volunteer.id,
            service_group_members.c.group_id == request.service_group_id))
        .where(Visit.household_id == request.household_id, Visit.outcome.in_(EFFECTIVE),
               Volunteer.active.is_(True))
        .order_by(Visit.visited_at.desc(), Visit.id.desc())).first()


def planned_visit(session: Session, request: ResidentRequest) -> Visit | None:
    """The household's follow-up contact still to make, if any."""
    return session.scalars(
        select(Visit).where(Visit.follow_up_of_id == request.id,
                            Visit.outcome == VisitOutcome.planned)
        .order_by(Visit.id.desc())).first()


def schedule(session: Session, request: ResidentRequest, day: date, *,
             zone: ZoneInfo) -> Visit | None:
    """Set the request's follow-up to `day` (checked by `check_day`) and, with a household,
    plan its contact; flush only. Explaining again re-plans: a contact still planned for the
    request is replaced, recorded ones stay."""
    request.follow_up_due_on = day
    request.follow_up_done_at = None
    session.execute(delete(Visit).where(Visit.follow_up_of_id == request.id,
                                        Visit.outcome == VisitOutcome.planned)
                    .execution_options(synchronize_session="fetch"))
    visit = None
    if request.household_id is not None:
        member = contact_member(session, request)
        visit = Visit(household_id=request.household_id, follow_up_of_id=request.id,
                      volunteer_id=member.id if member else None, kind=VisitKind.follow_up,
                      outcome=VisitOutcome.planned,
                      visited_at=datetime.combine(day, PLANNED_AT, tzinfo=zone))
        session.add(visit)
    session.flush()
    return visit


def _outcome_entry(session: Session, request: ResidentRequest, outcome: FollowUpOutcome, *,
                   user: User | None, volunteer: Volunteer | None = None,
                   note: str | None, at: datetime | None = None) -> RequestChange:
    change = record_change(session, request, request.status, request.status, user=user,
                           note=note, volunteer=volunteer)
    if at is not None:
        change.at = at
    change.follow_up = outcome
    if outcome == FollowUpOutcome.reached:
        request.follow_up_done_at = change.at
    request.updated_at = change.at
    session.flush()
    return change


def record(session: Session, request: ResidentRequest, outcome: FollowUpOutcome | str, *,
           user: User, note: str | None, at: datetime | None = None) -> RequestChange:
    """The coordinator records the follow-up call (reached or not, and what was said) in the
    request's history; flush only. Reaching the raiser completes the follow-up, and the
    household's contact still planned for it is no longer needed. Refused, with nothing
    written, without a follow-up to do, an outcome or a note. `at`: when the call was made,
    if not now (the demo records a past year's)."""
    try:
        value = FollowUpOutcome(outcome)
    except ValueError:
        raise RequestError("invalid", _l("Choose what the follow-up came to."),
                           "outcome") from None
    text = required_note(note, _l("Say what was said, or why nobody was reached: it is kept "
                                  "in the request's history."), "note")
    if request.follow_up_due_on is None or request.follow_up_done_at is not None:
        raise RequestError("not_allowed", _l(
            "This request has no follow-up contact to make."), "outcome")
    if value == FollowUpOutcome.reached:
        session.execute(delete(Visit).where(Visit.follow_up_of_id == request.id,
                                            Visit.outcome == VisitOutcome.planned)
                        .execution_options(synchronize_session="fetch"))
    return _outcome_entry(session, request, value, user=user, note=text, at=at)


def visit_recorded(session: Session, visit: Visit) -> RequestChange | None:
    """A member recorded a request's follow-up visit: its outcome goes into the request's
    history (an effective contact reached the raiser), with the member's name."""
    if visit.follow_up_of_id is None or visit.outcome == VisitOutcome.planned:
        return None
    request = session.get(ResidentRequest, visit.follow_up_of_id)
    if request is None or request.follow_up_due_on is None:
        return None
    outcome = (FollowUpOutcome.reached if visit.outcome in EFFECTIVE
               else FollowUpOutcome.not_reached)
    # The member's notes stay on the visit: the resident reads the history's notes.
    return _outcome_entry(session, request, outcome, user=None, volunteer=visit.volunteer,
                          note=None)


def open_condition() -> Any:
    """SQL, for a row of `ResidentRequest`: a follow-up still to make."""
    return and_(ResidentRequest.follow_up_due_on.is_not(None),
                ResidentRequest.follow_up_done_at.is_(None))


def due_condition(today: date) -> Any:
    """SQL, for a row of `ResidentRequest`: a follow-up still to make that is due by today."""
    return and_(open_condition(), ResidentRequest.follow_up_due_on <= today)


def is_overdue(request: ResidentRequest, today: date) -> bool:
    """A follow-up still to make whose day has passed."""
    return (request.follow_up_due_on is not None and request.follow_up_done_at is None
            and request.follow_up_due_on < today)
