"""A request's history: one `RequestChange` row per step, and the texts a user writes into
it (what was said to the resident, a reason), checked the same way everywhere."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.enums import RequestStatus
from app.models import RequestChange, ResidentRequest, User, Volunteer, utcnow
from app.services.requests.errors import RequestError
from app.services.text_input import control_characters_message, has_control_characters

MAX_NOTE = 2000


def _checked_text(text: str | None, field: str) -> str:
    if has_control_characters(text):
        raise RequestError("invalid", control_characters_message(), field)
    checked = (text or "").strip()
    if len(checked) > MAX_NOTE:
        raise RequestError("invalid", _l("At most %(n)s characters, please.", n=MAX_NOTE),
                           field)
    return checked


def required_note(text: str | None, missing: str, field: str = "reason") -> str:
    """A text the user must give (`missing` says why when there is none), stripped; refused
    with a message for control characters or over MAX_NOTE characters."""
    note = _checked_text(text, field)
    if not note:
        raise RequestError("invalid", missing, field)
    return note


def clean_note(note: str | None, field: str = "note") -> str | None:
    return _checked_text(note, field) or None


def record_change(session: Session, request: ResidentRequest, from_status: RequestStatus | None,
                  to_status: RequestStatus, *, user: User | None, note: str | None,
                  volunteer: Volunteer | None = None) -> RequestChange:
    """Add one step to `request`'s history. Who: the staff `user`, else the `volunteer` who
    acted without an account (a patrol's or a visit's member: their name, for staff pages),
    else nobody named, which is the resident (raised it, reopened it)."""
    actor = user.display_name if user else (volunteer.name if volunteer else "")
    change = RequestChange(request=request, from_status=from_status, to_status=to_status,
                           user_id=user.id if user else None, actor=actor[:80], note=note,
                           at=utcnow())
    session.add(change)
    return change
