"""The same matter raised twice: a coordinator merges one request into another, and a resident
on the public form says "me too" instead of raising it again.

A merged request keeps its own words, raiser and history; it is closed as merged and points to
the request that is handled (the survivor). Its raiser is told at once that it is handled with
the other one, and again when the survivor is resolved (`notices`), with the questionnaire:
their answer is kept on their own request and counts in the satisfaction figure like any
other, and "not resolved" reopens the survivor (`survey`). Their private page shows the
survivor's outcome (`outcome_of`). "Me too" is a count on the survivor and nothing more: no
name, number or address is asked for or kept.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.enums import OPEN_REQUEST, RequestStatus
from app.models import RequestChange, ResidentRequest, User, utcnow
from app.services.requests import notices
from app.services.requests.errors import RequestError
from app.services.requests.similar import PUBLIC_OPEN, merged_counts
from app.services.requests.workflow import (
    changed_state_message,
    clean_note,
    record_change,
    update_unless_changed,
)


def merge(session: Session, request: ResidentRequest, into: ResidentRequest, *,
          user: User | None, note: str | None = None,
          expected: RequestStatus | str | None = None) -> RequestChange:
    """Close `request` as merged into `into` (both open, same neighbourhood); flush only.

    `expected` is the state the coordinator saw: if either request moved meanwhile, nothing
    changes. Requests already merged into `request` follow it to `into`, so every raiser is
    told the one outcome."""
    text = clean_note(note)
    if request.id == into.id:
        raise RequestError("invalid", _l("A request cannot be merged into itself."), "into")
    if into.neighbourhood_id != request.neighbourhood_id:
        raise RequestError("invalid", _l(
            "Only requests of the same neighbourhood can be merged."), "into")
    if expected is not None and RequestStatus(expected) != request.status:
        raise RequestError("changed", _l(
            "Someone changed this request meanwhile: it is now “%(now)s”. Nothing was changed; "
            "look at it again.", now=request.status.label))
    for row in (request, into):
        if row.status not in OPEN_REQUEST:
            raise RequestError("not_allowed", _l(
                "Request %(code)s is “%(state)s”: only open requests can be merged.",
                code=row.reference_code, state=row.status.label), "into")
    current, carried = request.status, request.me_too
    now = utcnow()
    update_unless_changed(session, request, (ResidentRequest.status == current,), {
        "status": RequestStatus.merged, "merged_into_id": into.id, "posted_at": None,
        "me_too": 0, "updated_at": now}, changed_state_message)
    session.execute(
        update(ResidentRequest)
        .where(ResidentRequest.merged_into_id == request.id,
               ResidentRequest.status == RequestStatus.merged)
        .values(merged_into_id=into.id, updated_at=now)
        .execution_options(synchronize_session=False))
    # Residents who said "me too" to the merged request said it to the matter.
    session.execute(
        update(ResidentRequest).where(ResidentRequest.id == into.id)
        .values(me_too=ResidentRequest.me_too + carried, updated_at=now)
        .execution_options(synchronize_session=False))
    session.refresh(request)
    session.refresh(into)
    change = record_change(session, request, current, RequestStatus.merged, user=user,
                           note=text)
    session.flush()
    notices.tell(session, request, change)
    return change


def outcome_of(request: ResidentRequest) -> ResidentRequest:
    """The request whose outcome the raiser of `request` gets: the one it was merged into,
    or itself."""
    if request.status == RequestStatus.merged and request.merged_into is not None:
        return request.merged_into
    return request


def resolution_note(request: ResidentRequest) -> str | None:
    """What the committee said when it last resolved `request` (None unless resolved)."""
    if request.status != RequestStatus.resolved:
        return None
    return next((change.note for change in reversed(request.changes)
                 if change.to_status == RequestStatus.resolved), None)


def add_me_too(session: Session, request_id: int) -> int | None:
    """Count one more resident for an open improvement; flush only. Returns how many residents
    now raised it (the first, "me too"s, merged requests), or None when the request is not an
    open improvement (nothing is counted)."""
    counted = session.execute(
        update(ResidentRequest)
        .where(ResidentRequest.id == request_id, ResidentRequest.status.in_(PUBLIC_OPEN))
        .values(me_too=ResidentRequest.me_too + 1)
        .returning(ResidentRequest.me_too)
        .execution_options(synchronize_session=False)).scalar()
    if counted is None:
        return None
    return 1 + counted + merged_counts(session, [request_id]).get(request_id, 0)
