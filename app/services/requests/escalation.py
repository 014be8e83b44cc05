"""The four-level linkage (四级联动): a request the level handling it cannot settle is pushed
up the levels the town admin keeps (`app.models.LinkageLevel`: service group → neighbourhood
committee → a town department → the district, as seeded) — each push recorded with who,
when, to which department and why.

A request starts with the service group that takes it on intake (or with the committee when
no group is responsible), or with the department a routing rule names (`routing_rules`).
Up only, never skipping the record: the levels a request reached tell a resolution at
grassroots level (the article's "over 90%") from one that needed a level that is not
grassroots, such as the town or the district
(`app.services.reports.comparison_sql.resolved_locally`).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import OPEN_REQUEST, Role
from app.ids import parse_id
from app.models import (
    Department,
    LinkageLevel,
    RequestEscalation,
    ResidentRequest,
    User,
    utcnow,
)
from app.services.requests.errors import RequestError
from app.services.requests.history import required_note
from app.services.requests.levels import higher_levels
from app.services.requests.workflow import update_unless_changed


def _reason(text: str | None) -> str:
    return required_note(text, _l(
        "Say why it is passed on: what the level handling it cannot settle."))


def _target(session: Session, to_level: LinkageLevel | int | str | None) -> LinkageLevel:
    if isinstance(to_level, LinkageLevel):
        return to_level
    number = to_level if isinstance(to_level, int) else parse_id(to_level)
    found = session.get(LinkageLevel, number) if number is not None else None
    if found is None:
        raise RequestError("invalid", _l("Choose one of the levels offered."), "level")
    return found


def offered_levels(session: Session, request: ResidentRequest,
                   user: User | None) -> list[LinkageLevel]:
    """The levels `user` may pass `request` on to: the active ones above it; a department
    handler, only those handled by departments above their own department's."""
    levels = higher_levels(session, request.level)
    if user is not None and user.role == Role.department:
        own = user.department.level.rank if user.department is not None else None
        levels = [level for level in levels
                  if level.by_department and own is not None and level.rank > own]
    return levels


def escalate(session: Session, request: ResidentRequest,
             to_level: LinkageLevel | int | str | None, *, user: User | None,
             reason: str | None, department: Department | None = None) -> RequestEscalation:
    """Pass `request` up to `to_level` (a level or its id; one handled by departments names
    its `department`); flush only. Refused, with nothing written, for a closed request, a
    level that is not higher or is retired, a department of another level or no longer
    active, or no reason."""
    target = _target(session, to_level)
    text = _reason(reason)
    if request.status not in OPEN_REQUEST:
        raise RequestError("not_allowed", _l(
            "Only an open request can be passed on; this one is “%(state)s”.",
            state=request.status.label), "level")
    current = request.level
    if target.rank <= current.rank:
        raise RequestError("not_allowed", _l(
            "It is already with the %(level)s: it can only go higher.", level=current.label),
            "level")
    if not target.active:
        raise RequestError("not_allowed", _l(
            "The %(level)s is no longer used: choose one of the levels offered.",
            level=target.label), "level")
    if target not in offered_levels(session, request, user):
        raise RequestError("not_allowed", _l(
            "A department passes requests on only to a level above its own that departments "
            "handle."),
            "level")
    if target.by_department:
        if department is None or not department.active or department.level_id != target.id:
            raise RequestError("invalid", _l(
                "Choose an active department of the %(level)s.", level=target.label),
                "department")
    else:
        department = None
    now = utcnow()
    update_unless_changed(
        session, request,
        (ResidentRequest.level_id == current.id, ResidentRequest.status.in_(OPEN_REQUEST)),
        {"level_id": target.id, "department_id": department.id if department else None,
         "updated_at": now}, lambda _request: _l(
            "Someone changed this request meanwhile. Nothing was changed; look at it again."))
    session.refresh(request)
    step = RequestEscalation(request=request, from_level_id=current.id, to_level_id=target.id,
                             department_id=department.id if department else None,
                             user_id=user.id if user else None,
                             actor=user.display_name if user else "", reason=text, at=now)
    session.add(step)
    session.flush()
    return step


def departments_for(session: Session,
                    levels: list[LinkageLevel] | None = None) -> list[Department]:
    """Active departments of levels in use (of `levels`), lowest level first, for the
    escalation form and the routing rules."""
    statement = (select(Department).join(Department.level)
                 .where(Department.active.is_(True), LinkageLevel.active.is_(True)))
    if levels is not None:
        statement = statement.where(Department.level_id.in_([level.id for level in levels]))
    return list(session.scalars(statement.order_by(LinkageLevel.rank, Department.name)))
