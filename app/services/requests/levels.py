"""Reading the linkage's levels (`app.models.LinkageLevel`): where a request starts, where
it may go next, which levels departments work at. The town admin edits them through
`app.services.requests.level_editing`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import LevelHandler
from app.models import LinkageLevel


@dataclass(frozen=True)
class StartingLevels:
    """The two levels a request starts at: the ids, read once (the demo starts many)."""

    service_group_id: int
    committee_id: int

    def for_group(self, service_group_id: int | None) -> int:
        """A request of a building's patch starts with its service group; one no group is
        responsible for, with the committee."""
        return self.service_group_id if service_group_id else self.committee_id


def starting_levels(session: Session) -> StartingLevels:
    found = dict(session.execute(
        select(LinkageLevel.handled_by, LinkageLevel.id)
        .where(LinkageLevel.handled_by != LevelHandler.department)).tuples().all())
    return StartingLevels(found[LevelHandler.service_group], found[LevelHandler.committee])


def active_levels(session: Session) -> list[LinkageLevel]:
    """The levels still in use, lowest first."""
    return list(session.scalars(select(LinkageLevel).where(LinkageLevel.active.is_(True))
                                .order_by(LinkageLevel.rank)))


def higher_levels(session: Session, level: LinkageLevel) -> list[LinkageLevel]:
    """The active levels a request held at `level` may be passed on to."""
    return [higher for higher in active_levels(session) if higher.rank > level.rank]


def department_levels(session: Session) -> list[LinkageLevel]:
    """The levels departments work at (retired ones too: a department keeps its level),
    lowest first; for the department form."""
    return list(session.scalars(
        select(LinkageLevel).where(LinkageLevel.handled_by == LevelHandler.department)
        .order_by(LinkageLevel.rank)))
