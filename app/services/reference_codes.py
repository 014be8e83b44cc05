"""A reference code a resident was given, looked up: a request's ("Q" and seven letters and
digits) or a sign-up's (eight letters and digits).

The code is not a secret the way the private link is: it is read out over the phone, printed
on sign-in sheets and shown to the members who raised a request from a visit or a patrol. So
what it opens is only the state in plain words (`RequestState`, `SignupState`): never what
was written, a name, a phone, a place typed by the resident, a photo or a committee's note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import EventStatus, RequestStatus
from app.i18n import localised
from app.models import Registration, ResidentRequest
from app.services.requests import next_step, outcome_of, state_label
from app.services.signup import waitlist_position

#: What either kind of code can be once spaces and dashes are taken out (any case typed).
_PLAUSIBLE = re.compile(r"[A-Z0-9]{4,12}")


def normalise(code: str | None) -> str:
    """The code as stored: spaces and dashes removed, capitals ("q3k 7-ab2x" → "Q3K7AB2X")."""
    return re.sub(r"[\s\-]", "", code or "").upper()


@dataclass(frozen=True)
class Step:
    at: datetime
    #: The state the request moved to, or who it was passed to, in the resident's words.
    label: Any


@dataclass(frozen=True)
class RequestState:
    code: str
    state: Any
    next_step: Any
    category: Any
    neighbourhood: str
    received_at: datetime
    steps: list[Step]
    #: The notice board's entry once the result is posted there: its title, its board's id.
    board_title: str | None
    board_id: int | None


@dataclass(frozen=True)
class SignupState:
    code: str
    registration: Registration
    #: Place on the waitlist (None when not waiting).
    position: int | None
    #: The event's public page may be linked to (it is published and public).
    event_listed: bool
    event_cancelled: bool


def look_up(session: Session, code: str | None) -> RequestState | SignupState | None:
    """What the code's holder may see of its request or sign-up; None for no such code."""
    wanted = normalise(code)
    if not _PLAUSIBLE.fullmatch(wanted):
        return None
    found = session.scalar(select(ResidentRequest).where(
        ResidentRequest.reference_code == wanted))
    if found is not None:
        return _request_state(found)
    registration = session.scalar(select(Registration).where(
        Registration.reference_code == wanted))
    if registration is None:
        return None
    event = registration.event
    return SignupState(code=wanted, registration=registration,
                       position=waitlist_position(session, registration),
                       event_listed=event.shown_publicly
                       and event.status == EventStatus.published,
                       event_cancelled=event.status == EventStatus.cancelled)


def _request_state(found: ResidentRequest) -> RequestState:
    outcome = outcome_of(found)
    posted = outcome.posted_at is not None and outcome.status == RequestStatus.resolved
    return RequestState(
        code=found.reference_code, state=state_label(found), next_step=next_step(found),
        category=found.category.label,
        neighbourhood=localised(found.neighbourhood.name, found.neighbourhood.name_en),
        received_at=found.received_at,
        steps=[Step(change.at, _step_label(change)) for change in found.changes],
        board_title=outcome.board_title if posted else None,
        board_id=outcome.neighbourhood_id if posted else None)


def _step_label(change: Any) -> Any:
    """A step of the history without its note (a note may name a person)."""
    if change.follow_up is not None:
        return _l("We got back in touch: %(outcome)s", outcome=change.follow_up.label)
    if change.rerouted:
        return _l("Passed to %(group)s", group=change.to_group.name if change.to_group
                  else _l("another service group"))
    return change.to_status.label
