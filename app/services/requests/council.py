"""The residents' council (居民议事会): a matter with both benefit and harm is decided by
residents' representatives at a meeting, which is an event of the neighbourhood like any other
(its calendar, its place, its volunteers). The decision is recorded when the request leaves the
council (`workflow.change_status`: approved → carried out as an improvement; not approved →
explained; or resolved directly), and goes on the notice board with the result.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.enums import EventKind, EventStatus, RequestStatus
from app.models import Event, ResidentRequest
from app.services.requests.errors import RequestError
from app.services.text_input import control_characters_message, has_control_characters

MEETING_MINUTES = 90
MAX_PLACE = 200


def _title(request: ResidentRequest) -> str:
    """The meeting's title in the deployment's language (it is data, seen by everyone)."""
    with force_locale(current_app.config["LINLI_DEFAULT_LOCALE"]):
        subject = request.board_title or str(request.category.label)
        return str(_l("Residents' council: %(subject)s", subject=subject))[:200]


def schedule_meeting(session: Session, request: ResidentRequest, *, starts_at: datetime | None,
                     place: str | None, minutes: int = MEETING_MINUTES) -> Event:
    """Create the council meeting for a request referred to the council, and link it; flush
    only. Refused, with nothing written, unless the request is with the council and the time
    and place are given."""
    if request.status != RequestStatus.council:
        raise RequestError("not_allowed", _l(
            "Only a request referred to the residents' council gets a council meeting."))
    if starts_at is None or starts_at.tzinfo is None:
        raise RequestError("invalid", _l("Give the meeting's date and time."), "starts_at")
    if has_control_characters(place):
        raise RequestError("invalid", control_characters_message(), "place")
    where = " ".join((place or "").split())
    if not where:
        raise RequestError("invalid", _l("Give the meeting's place."), "place")
    if len(where) > MAX_PLACE:
        raise RequestError("invalid", _l("At most %(n)s characters, please.", n=MAX_PLACE),
                           "place")
    event = Event(neighbourhood_id=request.neighbourhood_id, kind=EventKind.other,
                  title=_title(request), place=where, start_at=starts_at,
                  end_at=starts_at + timedelta(minutes=minutes), is_public=False,
                  status=EventStatus.published)
    session.add(event)
    session.flush()
    request.council_event_id = event.id
    session.flush()
    return event


def link_meeting(session: Session, request: ResidentRequest, event: Event) -> None:
    """Put the request on the agenda of an existing meeting of its neighbourhood."""
    if request.status != RequestStatus.council:
        raise RequestError("not_allowed", _l(
            "Only a request referred to the residents' council gets a council meeting."))
    if event.neighbourhood_id != request.neighbourhood_id:
        raise RequestError("invalid", _l("This meeting is not in the request's neighbourhood."),
                           "event")
    request.council_event_id = event.id
    session.flush()
