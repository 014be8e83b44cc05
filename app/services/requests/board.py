"""The notice board (公示栏): resolved improvements and council decisions, posted per
neighbourhood.

Only the text the committee wrote for the public is ever read here (`board_title`, `result`,
`council_decision`) together with the category, the dates, a council meeting's turnout (two
counts) and its vote (the options as the committee wrote them, and counts: never who voted
how): the query selects those columns and nothing else, so a resident's or a
representative's name, phone, address or own words cannot reach a board page.
A personal demand answered with an explanation is not posted; a reopened request leaves the
board until it is resolved again.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.enums import RequestCategory, RequestStatus
from app.models import (
    CouncilAttendee,
    Household,
    RequestChange,
    ResidentRequest,
    Volunteer,
    utcnow,
)
from app.services.personal_data import find_names, find_personal_data, personal_data_message
from app.services.requests.council import Turnout, turnouts
from app.services.requests.council_vote import Tally, latest_tallies
from app.services.requests.errors import RequestError
from app.services.text_input import control_characters_message, has_control_characters

MAX_TITLE = 200
MAX_RESULT = 2000
#: How many entries a board page shows (newest first).
BOARD_SIZE = 200
#: States a posted request may have come through: improvements and council decisions.
POSTABLE_PATHS = frozenset({RequestStatus.improving, RequestStatus.council})


@dataclass(frozen=True)
class BoardEntry:
    id: int
    category: RequestCategory
    title: str
    result: str
    council_decision: str | None
    received_at: datetime
    resolved_at: datetime | None
    posted_at: datetime
    #: How many residents' representatives came to the council meeting, of how many invited.
    turnout: Turnout | None = None
    #: The council's vote; None for a decision recorded before votes were (free text only).
    vote: Tally | None = None


def people_named(session: Session, request: ResidentRequest) -> list[str]:
    """The names of the people of `request`, none of which may go on its board entry: its
    raiser, the household it was raised for (its contact), the member who filed it, the
    raisers of the requests merged into it and the representatives invited to its council
    meeting."""
    names = [request.name]
    if request.household_id is not None:
        names.append(session.scalar(select(Household.contact_name)
                                    .where(Household.id == request.household_id)))
    if request.volunteer_id is not None:
        names.append(session.scalar(select(Volunteer.name)
                                    .where(Volunteer.id == request.volunteer_id)))
    if request.id is not None:
        names += session.scalars(select(ResidentRequest.name)
                                 .where(ResidentRequest.merged_into_id == request.id))
    if request.council_event_id is not None:
        names += session.scalars(select(CouncilAttendee.name)
                                 .where(CouncilAttendee.event_id == request.council_event_id))
    return [name for name in names if name]


def refuse_personal_data(text: str | None, field: str, names: Iterable[str] = ()) -> None:
    """Refuse a text that goes public (the board, its feeds, the API) when it holds a phone,
    ID number, e-mail, flat number or one of `names` (`people_named`), naming what was
    found."""
    found = find_personal_data(text) + find_names(text, names)
    if found:
        raise RequestError("invalid", personal_data_message(found), field)


def clean_board_text(title: str | None, result: str | None,
                     names: Iterable[str] = ()) -> tuple[str, str] | None:
    """Both texts, checked; None when both are empty (nothing to post). Refuses one without
    the other, control characters, personal data (with the `names` of the request's people)
    and texts over their limits, each with its field."""
    for field, value in (("board_title", title), ("result", result)):
        if has_control_characters(value):
            raise RequestError("invalid", control_characters_message(), field)
    title_text = " ".join((title or "").split())
    result_text = (result or "").strip()
    if not title_text and not result_text:
        return None
    if not title_text:
        raise RequestError("invalid", _l("Give the notice board entry a title."), "board_title")
    if not result_text:
        raise RequestError("invalid", _l("Write the result for the notice board."), "result")
    if len(title_text) > MAX_TITLE:
        raise RequestError("invalid", _l("At most %(n)s characters, please.", n=MAX_TITLE),
                           "board_title")
    if len(result_text) > MAX_RESULT:
        raise RequestError("invalid", _l("At most %(n)s characters, please.", n=MAX_RESULT),
                           "result")
    refuse_personal_data(title_text, "board_title", names)
    refuse_personal_data(result_text, "result", names)
    return title_text, result_text


def on_postable_path(session: Session, request: ResidentRequest) -> bool:
    """Handled as an improvement or by the council at some point (now included): its
    resolution is posted on the board, with a title and result."""
    if request.status in POSTABLE_PATHS:
        return True
    path = session.scalars(select(RequestChange.to_status)
                           .where(RequestChange.request_id == request.id)).all()
    return bool(POSTABLE_PATHS & set(path))


def may_post(session: Session, request: ResidentRequest) -> bool:
    """Resolved, and handled as an improvement or by the council at some point."""
    return request.status == RequestStatus.resolved and on_postable_path(session, request)


def post(session: Session, request: ResidentRequest, title: str | None,
         result: str | None) -> bool:
    """Put (or update) the request's entry on its neighbourhood's board; flush only. Returns
    whether it is posted. Empty texts leave it unposted; a request that may not be posted
    (not resolved, or only explained) is refused with a message."""
    cleaned = clean_board_text(title, result, people_named(session, request))
    if cleaned is None:
        return False
    if not may_post(session, request):
        raise RequestError("invalid", _l(
            "Only a resolved improvement or council decision goes on the notice board; a "
            "personal matter answered with an explanation stays private."), "result")
    request.board_title, request.result = cleaned
    if request.posted_at is None:
        request.posted_at = utcnow()
    session.flush()
    return True


def take_down(session: Session, request: ResidentRequest) -> None:
    request.posted_at = None
    session.flush()


def board_entries(session: Session, neighbourhood_id: int,
                  limit: int = BOARD_SIZE) -> list[BoardEntry]:
    """The neighbourhood's board, newest first: public columns only."""
    R = ResidentRequest
    rows = session.execute(
        select(R.id, R.category, R.board_title, R.result, R.council_decision, R.received_at,
               R.resolved_at, R.posted_at, R.council_event_id)
        .where(R.neighbourhood_id == neighbourhood_id, R.posted_at.is_not(None),
               R.status == RequestStatus.resolved)
        .order_by(R.posted_at.desc(), R.id.desc())
        .limit(limit)
    ).all()
    came = turnouts(session, [r.council_event_id for r in rows if r.council_decision])
    votes = latest_tallies(session, [r.id for r in rows if r.council_decision])
    return [BoardEntry(id=r.id, category=r.category, title=r.board_title or "",
                       result=r.result or "", council_decision=r.council_decision,
                       received_at=r.received_at, resolved_at=r.resolved_at,
                       posted_at=r.posted_at,
                       turnout=came.get(r.council_event_id) if r.council_decision else None,
                       vote=votes.get(r.id) if r.council_decision else None)
            for r in rows]


def posted_counts(session: Session) -> dict[int, int]:
    """Entries on each neighbourhood's board."""
    R = ResidentRequest
    rows = session.execute(
        select(R.neighbourhood_id, func.count())
        .where(R.posted_at.is_not(None), R.status == RequestStatus.resolved)
        .group_by(R.neighbourhood_id)).all()
    return {neighbourhood_id: count for neighbourhood_id, count in rows}


_STATE = text("""
SELECT count(*), max(updated_at), max(posted_at)
FROM resident_requests WHERE neighbourhood_id = :n AND posted_at IS NOT NULL
""")

BUCKET_SECONDS = 300


def board_version(session: Session, neighbourhood_id: int, *extra: Any) -> str:
    """A cheap validator of a board page: what it shows changes only with these rows (a
    take-down or reopening changes the count or a row's `updated_at`)."""
    state = session.execute(_STATE, {"n": neighbourhood_id}).one()
    key = "|".join(str(part) for part in (neighbourhood_id, *state, *extra,
                                          int(time.time() // BUCKET_SECONDS)))
    return "b-" + hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
