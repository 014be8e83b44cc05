"""The town admin's changes to the linkage's levels (`app.models.LinkageLevel`): rename
(in Chinese and English), add one, move one up or down, retire one, delete one never used.
Each refusal says why and changes nothing; flush only, the caller commits.

The service group's and the committee's levels stay the two lowest, in use and grassroots:
every new request starts at one of them (`levels.starting_levels`). What the town admin adds
is a level handled by departments (社区片区, 市级…), at the top until moved.
"""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm import Session

from app.enums import LevelHandler
from app.models import (
    Department,
    LinkageLevel,
    ReportDataVersion,
    RequestEscalation,
    ResidentRequest,
)
from app.services.requests.errors import RequestError


def check_level(session: Session, level: LinkageLevel) -> None:
    """Before saving a new or changed level: a new one is handled by departments and goes on
    top; the two lowest stay in use and grassroots. A change of what counts as grassroots
    changes the five comparisons' figures: their cache is renewed."""
    if level.id is None:
        level.handled_by = LevelHandler.department
        with session.no_autoflush:  # the form's new row has no rank yet
            top = session.scalar(select(func.max(LinkageLevel.rank))) or 0
        level.rank = top + 1
    elif not level.by_department and not (level.active and level.grassroots):
        raise RequestError("invalid", _l(
            "Every new request starts with the service group or the neighbourhood committee: "
            "their levels stay in use and count as grassroots."), "active")
    if level.id is None or inspect(level).attrs.grassroots.history.has_changes():
        _renew_report_version(session)


def move(session: Session, level: LinkageLevel, step: int) -> None:
    """Move `level` one place up (`step` 1) or down (-1) the linkage, swapping with its
    neighbour; flush only. Refused for the service group's and the committee's levels
    (requests start there), and past the top or below the committee."""
    if not level.by_department:
        raise RequestError("not_allowed", _l(
            "“%(level)s” stays where it is: every new request starts at the service group's "
            "or the committee's level, the two lowest.", level=level.label))
    ordered = list(session.scalars(select(LinkageLevel).order_by(LinkageLevel.rank)))
    at = ordered.index(level) + step
    if at >= len(ordered):
        raise RequestError("not_allowed", _l("“%(level)s” is already the highest level.",
                                             level=level.label))
    if not ordered[at].by_department:
        raise RequestError("not_allowed", _l(
            "“%(level)s” is already the lowest level handled by departments: the service "
            "group's and the committee's stay below it.", level=level.label))
    other = ordered[at]
    mine, theirs = level.rank, other.rank
    # Ranks are unique at every statement: park one out of the way first.
    level.rank = ordered[-1].rank + 1
    session.flush()
    other.rank = mine
    session.flush()
    level.rank = theirs
    session.flush()


def check_deletable(session: Session, level: LinkageLevel) -> None:
    """Only a level never used may be deleted: one with departments, requests, escalations
    or the rules' departments behind it is retired instead (its history keeps its name)."""
    if not level.by_department:
        raise RequestError("not_allowed", _l(
            "“%(level)s” cannot be deleted: every new request starts at the service group's "
            "or the committee's level.", level=level.label))
    used = (
        session.scalar(select(func.count()).select_from(Department)
                       .where(Department.level_id == level.id)),
        session.scalar(select(func.count()).select_from(ResidentRequest)
                       .where(ResidentRequest.level_id == level.id)),
        session.scalar(select(func.count()).select_from(RequestEscalation).where(
            (RequestEscalation.to_level_id == level.id)
            | (RequestEscalation.from_level_id == level.id))),
    )
    if any(used):
        departments, requests, escalations = used
        raise RequestError("not_allowed", _l(
            "“%(level)s” has history (%(departments)s departments, %(requests)s requests "
            "held there, %(escalations)s escalations): it cannot be deleted. Untick “In use” "
            "to retire it instead; its history keeps its name.", level=level.label,
            departments=departments, requests=requests, escalations=escalations))


def _renew_report_version(session: Session) -> None:
    # What counts as grassroots is read by the five comparisons, whose cache is keyed by
    # a version the tables' triggers renew; this table is not among them.
    session.execute(update(ReportDataVersion).where(ReportDataVersion.id == 1)
                    .values(version=secrets.token_hex(16)))
