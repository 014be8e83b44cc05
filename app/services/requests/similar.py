"""Requests on the same matter: hints while a request is filed, so a resident can say "me too"
and a coordinator can merge duplicates instead of handling the same thing twice.

Similar means at the same building (when both have one) with words in common, or, anywhere in
the neighbourhood, with much in common. Words are compared as character pairs, which works
for Chinese without a word list ("花架" and "爬藤" match across "想搭一个花架" and "搭个花架种
爬藤") and for English alike.

Two audiences, two kinds of answer: a coordinator sees the open requests themselves (their own
neighbourhood's, with the residents' words); a resident on the public form sees only open
improvements, by the title the committee wrote for the public, never anyone's words or name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import OPEN_REQUEST, RequestCategory, RequestStatus
from app.models import ResidentRequest

#: Share of character pairs in common (Dice) for requests at the same building…
SAME_BUILDING = 0.15
#: …and for requests anywhere in the neighbourhood.
ANYWHERE = 0.4
#: How many open requests of a neighbourhood are compared, newest first.
CANDIDATES = 500
HINTS = 5
#: States in which a resident may add "me too": the committee is carrying it out, or the
#: residents' council is about to decide it.
PUBLIC_OPEN = (RequestStatus.improving, RequestStatus.council)


def _pairs(text: str) -> frozenset[str]:
    letters = "".join(c for c in text.lower() if c.isalnum())
    if len(letters) < 2:
        return frozenset({letters}) if letters else frozenset()
    return frozenset(letters[i:i + 2] for i in range(len(letters) - 1))


def likeness(a: str, b: str) -> float:
    """0 (nothing in common) to 1 (the same characters in the same pairs)."""
    first, second = _pairs(a), _pairs(b)
    if not first or not second:
        return 0.0
    return 2 * len(first & second) / (len(first) + len(second))


def _is_similar(score: float, same_building: bool) -> bool:
    return score >= (SAME_BUILDING if same_building else ANYWHERE)


def similar_open(session: Session, *, neighbourhood_id: int, building_id: int | None,
                 text: str, exclude_id: int | None = None,
                 limit: int = HINTS) -> list[ResidentRequest]:
    """Open requests of the neighbourhood on the same matter, most alike first (for staff)."""
    R = ResidentRequest
    statement = (select(R).where(R.neighbourhood_id == neighbourhood_id,
                                 R.status.in_(OPEN_REQUEST))
                 .order_by(R.received_at.desc(), R.id.desc()).limit(CANDIDATES))
    if exclude_id is not None:
        statement = statement.where(R.id != exclude_id)
    scored = []
    for row in session.scalars(statement):
        score = likeness(text, row.text)
        same = building_id is not None and row.building_id == building_id
        if _is_similar(score, same):
            scored.append((same, score, row))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [row for _same, _score, row in scored[:limit]]


@dataclass(frozen=True)
class PublicMatch:
    """An open improvement as a resident may see it: nobody's words, nobody's name."""

    id: int
    title: str | None
    category: RequestCategory
    status: RequestStatus
    received_at: datetime
    #: How many residents raised it: the first, those who said "me too", those merged into it.
    residents: int


def public_matches(session: Session, *, neighbourhood_id: int, building_id: int | None,
                   text: str | None = None, limit: int = HINTS) -> list[PublicMatch]:
    """Open improvements a resident is shown before sending: all those at the same building,
    and those elsewhere in the neighbourhood much like `text`; most alike first. The query
    reads the committee's public title, never the raiser's words into anything shown."""
    R = ResidentRequest
    rows = session.execute(
        select(R.id, R.board_title, R.category, R.status, R.received_at, R.me_too,
               R.building_id, R.text)
        .where(R.neighbourhood_id == neighbourhood_id, R.status.in_(PUBLIC_OPEN))
        .order_by(R.received_at.desc(), R.id.desc()).limit(CANDIDATES)).all()
    if not rows:
        return []
    merged = merged_counts(session, [row.id for row in rows])
    scored = []
    for row in rows:
        same = building_id is not None and row.building_id == building_id
        score = likeness(text, row.text) if text else 0.0
        if same or (text and score >= ANYWHERE):
            scored.append((same, score, PublicMatch(
                id=row.id, title=row.board_title, category=row.category, status=row.status,
                received_at=row.received_at,
                residents=1 + row.me_too + merged.get(row.id, 0))))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [match for _same, _score, match in scored[:limit]]


def merged_counts(session: Session, ids: list[int]) -> dict[int, int]:
    """For each of the requests `ids`, how many requests were merged into it."""
    R = ResidentRequest
    return dict(session.execute(
        select(R.merged_into_id, func.count())
        .where(R.merged_into_id.in_(ids), R.status == RequestStatus.merged)
        .group_by(R.merged_into_id)).all())
