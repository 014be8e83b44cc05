"""The residents' council (居民议事会): a matter with both benefit and harm is decided by
residents' representatives at a meeting, which is an event of the neighbourhood like any other
(its calendar, its place, its volunteers). The representatives invited are named when the
meeting is scheduled (`CouncilAttendee` rows); who came is ticked when the decision is
recorded (`workflow.change_status`: approved → carried out as an improvement; not approved →
explained; or resolved directly), and the decision goes on the notice board with the result
and the turnout (counts only, never the names).

A meeting is arranged for a time still to come. Arranging it again before its decision moves
the same event (time, place, its calendar sequence) and keeps its invitation list, so who was
invited and who came stay one record. The representatives are names on a list, not contacts:
nobody was told by Linli of the first time, so nobody is sent the change (the committee tells
them as it invited them).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.enums import EventKind, EventStatus, RequestStatus
from app.i18n import local_datetime
from app.models import CouncilAttendee, Event, ResidentRequest, utcnow
from app.services.requests.errors import RequestError
from app.services.text_input import control_characters_message, has_control_characters

MEETING_MINUTES = 90
MAX_PLACE = 200
#: Names on one meeting's invitation list, at most (a neighbourhood's representatives).
MAX_ATTENDEES = 200
MAX_NAME = 80


def _title(request: ResidentRequest) -> str:
    """The meeting's title in the deployment's language (it is data, seen by everyone)."""
    with force_locale(current_app.config["LINLI_DEFAULT_LOCALE"]):
        subject = request.board_title or str(request.category.label)
        return str(_l("Residents' council: %(subject)s", subject=subject))[:200]


def representative_names(raw: str | None) -> list[str]:
    """The names typed one a line (or separated by 、 , ，; ；), cleaned, each once; refused
    (field "representatives") when there is none, one is too long or there are too many."""
    if has_control_characters((raw or "").replace("\r", " ").replace("\n", " ")):
        raise RequestError("invalid", control_characters_message(), "representatives")
    names: list[str] = []
    for part in re.split(r"[\r\n、,，;；]+", raw or ""):
        name = " ".join(part.split())
        if not name or name in names:
            continue
        if len(name) > MAX_NAME:
            raise RequestError("invalid", _l("At most %(n)s characters, please.", n=MAX_NAME),
                               "representatives")
        names.append(name)
    if not names:
        raise RequestError("invalid", _l(
            "Name the residents' representatives invited to the meeting, one a line."),
            "representatives")
    if len(names) > MAX_ATTENDEES:
        raise RequestError("invalid", _l("At most %(n)s representatives, please.",
                                         n=MAX_ATTENDEES), "representatives")
    return names


def schedule_meeting(session: Session, request: ResidentRequest, *, starts_at: datetime | None,
                     place: str | None, representatives: str | None,
                     minutes: int = MEETING_MINUTES) -> Event:
    """Create the council meeting for a request referred to the council, with the residents'
    representatives invited to it, and link it; flush only. When the request's meeting is
    arranged already and its decision not recorded, move that meeting instead (`_move`).
    Refused, with nothing written, unless the request is with the council and a time still
    to come, the place and (for a new meeting) the invited are given."""
    if request.status != RequestStatus.council:
        raise RequestError("not_allowed", _l(
            "Only a request referred to the residents' council gets a council meeting."))
    if starts_at is None or starts_at.tzinfo is None:
        raise RequestError("invalid", _l("Give the meeting's date and time."), "starts_at")
    if starts_at <= utcnow():
        raise RequestError("invalid", _l(
            "The meeting's date and time have passed: give a time still to come."),
            "starts_at")
    if has_control_characters(place):
        raise RequestError("invalid", control_characters_message(), "place")
    where = " ".join((place or "").split())
    if not where:
        raise RequestError("invalid", _l("Give the meeting's place."), "place")
    if len(where) > MAX_PLACE:
        raise RequestError("invalid", _l("At most %(n)s characters, please.", n=MAX_PLACE),
                           "place")
    current = _movable_meeting(session, request)
    if current is not None:
        return _move(session, current, starts_at, where, minutes, representatives)
    names = representative_names(representatives)
    event = Event(neighbourhood_id=request.neighbourhood_id, kind=EventKind.other,
                  title=_title(request), place=where, start_at=starts_at,
                  end_at=starts_at + timedelta(minutes=minutes), is_public=False,
                  status=EventStatus.published)
    session.add(event)
    session.flush()
    session.add_all(CouncilAttendee(event_id=event.id, name=name) for name in names)
    request.council_event_id = event.id
    session.flush()
    return event


def _movable_meeting(session: Session, request: ResidentRequest) -> Event | None:
    """The request's meeting, if arranged, not cancelled and its decision not recorded."""
    if request.council_event_id is None:
        return None
    event = session.get(Event, request.council_event_id)
    if event is None or event.status == EventStatus.cancelled or _decided(session, event.id):
        return None
    return event


def _move(session: Session, event: Event, starts_at: datetime, place: str, minutes: int,
          representatives: str | None) -> Event:
    """The same meeting at its new time and place, its calendar sequence raised; names
    given are added to its invitation list (none need be)."""
    invited = {person.name for person in attendees(session, event.id)}
    names = ([name for name in representative_names(representatives) if name not in invited]
             if (representatives or "").strip() else [])
    if len(invited) + len(names) > MAX_ATTENDEES:
        raise RequestError("invalid", _l("At most %(n)s representatives, please.",
                                         n=MAX_ATTENDEES), "representatives")
    event.start_at, event.end_at = starts_at, starts_at + timedelta(minutes=minutes)
    event.place = place  # its calendar sequence is raised on flush (`feeds.sequences`)
    session.add_all(CouncilAttendee(event_id=event.id, name=name) for name in names)
    session.flush()
    return event


def require_held_meeting(session: Session, request: ResidentRequest) -> None:
    """The council decides at a meeting: refused, saying what to do, while the request has no
    meeting, its meeting was cancelled or has not begun yet."""
    event = (session.get(Event, request.council_event_id)
             if request.council_event_id is not None else None)
    if event is None or event.status == EventStatus.cancelled:
        raise RequestError("not_allowed", _l(
            "The residents' council decides at a meeting: arrange the council meeting first "
            "and record its decision once it has been held."), "council_decision")
    if event.start_at > utcnow():
        raise RequestError("not_allowed", _l(
            "The council meeting is on %(when)s: record its decision once it has been held.",
            when=local_datetime(event.start_at)), "council_decision")


def invite_more(session: Session, request: ResidentRequest,
                representatives: str | None) -> list[CouncilAttendee]:
    """Add representatives to the invitation list of the request's meeting until its decision
    is recorded (who came is ticked then, so the turnout counts the whole list); flush only.
    Names already invited are skipped. Refused, with nothing written, when the request is not
    with the council or has no meeting yet, when the meeting's decision is recorded (for this
    request or another on its agenda), when everyone named is invited already, or when the
    list would pass `MAX_ATTENDEES`."""
    if request.status != RequestStatus.council:
        raise RequestError("not_allowed", _l(
            "Representatives can be invited only while the request is with the residents' "
            "council."))
    event_id = request.council_event_id
    if event_id is None:
        raise RequestError("not_allowed", _l(
            "Schedule the council meeting first, naming the representatives invited."))
    if _decided(session, event_id):
        raise RequestError("not_allowed", _l(
            "The meeting's decision is recorded: its list of representatives can no longer "
            "change."))
    invited = {person.name for person in attendees(session, event_id)}
    names = [name for name in representative_names(representatives) if name not in invited]
    if not names:
        raise RequestError("invalid", _l("Everyone named is already invited to this meeting."),
                           "representatives")
    if len(invited) + len(names) > MAX_ATTENDEES:
        raise RequestError("invalid", _l("At most %(n)s representatives, please.",
                                         n=MAX_ATTENDEES), "representatives")
    added = [CouncilAttendee(event_id=event_id, name=name) for name in names]
    session.add_all(added)
    session.flush()
    return added


def _decided(session: Session, event_id: int) -> bool:
    """Whether a decision of this meeting is recorded: somebody is ticked as having come (a
    decision needs one tick), or a request on its agenda has left the council with one."""
    ticked = session.scalar(select(CouncilAttendee.id).where(
        CouncilAttendee.event_id == event_id, CouncilAttendee.attended.is_(True)).limit(1))
    left = session.scalar(select(ResidentRequest.id).where(
        ResidentRequest.council_event_id == event_id,
        ResidentRequest.status != RequestStatus.council,
        ResidentRequest.council_decided_at.is_not(None)).limit(1))
    return ticked is not None or left is not None


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


def attendees(session: Session, event_id: int | None) -> list[CouncilAttendee]:
    """The representatives invited to a meeting, in the order they were named."""
    if event_id is None:
        return []
    return list(session.scalars(select(CouncilAttendee)
                                .where(CouncilAttendee.event_id == event_id)
                                .order_by(CouncilAttendee.id)))


def attendance_plan(session: Session, request: ResidentRequest,
                    attended: Collection[str] | None) -> dict[CouncilAttendee, bool] | None:
    """Who of the representatives invited to the request's meeting came, from the ids ticked;
    writes nothing (the workflow applies it with the step). None when the meeting has no
    invitation list. Refused when nobody is ticked or a ticked id is not on this meeting's
    list (another meeting's, another neighbourhood's)."""
    invited = attendees(session, request.council_event_id)
    given = {str(value).strip() for value in attended or () if str(value).strip()}
    if not invited:
        if given:
            raise RequestError("invalid", _l(
                "Tick only representatives invited to this request's meeting."), "attended")
        return None
    by_id = {str(person.id): person for person in invited}
    if given - set(by_id):
        raise RequestError("invalid", _l(
            "Tick only representatives invited to this request's meeting."), "attended")
    if not given:
        raise RequestError("invalid", _l(
            "Tick the residents' representatives who came to the meeting."), "attended")
    return {person: key in given for key, person in by_id.items()}


@dataclass(frozen=True)
class Turnout:
    """How many representatives were invited to a meeting and how many came (no names)."""

    attended: int
    invited: int


def turnouts(session: Session, event_ids: Collection[int | None]) -> dict[int, Turnout]:
    """The turnout of each of these meetings that has an invitation list, in one query."""
    ids = sorted({event_id for event_id in event_ids if event_id is not None})
    if not ids:
        return {}
    A = CouncilAttendee
    rows = session.execute(
        select(A.event_id, func.count(), func.sum(case((A.attended.is_(True), 1), else_=0)))
        .where(A.event_id.in_(ids)).group_by(A.event_id)).all()
    return {event_id: Turnout(attended=int(came or 0), invited=invited)
            for event_id, invited, came in rows}
