"""The four-level linkage (四级联动): a request the level handling it cannot settle is pushed
up — service group → neighbourhood committee → a town department → the district — each push
recorded with who, when, to which department and why.

A request starts with the service group that takes it on intake (or with the committee when
no group is responsible), or with the department a routing rule names (`routing_rules`).
Up only, never skipping the record: the level a request reached is
what tells a resolution at grassroots level (the article's "over 90%") from one that needed
the town or the district (`app.services.reports.comparison_sql.resolved_locally`).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import DEPARTMENT_LEVELS, OPEN_REQUEST, EscalationLevel, Role
from app.models import Department, RequestEscalation, ResidentRequest, User, utcnow
from app.services.requests.errors import RequestError
from app.services.requests.history import required_note
from app.services.requests.workflow import update_unless_changed

ORDER = tuple(EscalationLevel)


def starting_level(service_group_id: int | None) -> EscalationLevel:
    return EscalationLevel.group if service_group_id else EscalationLevel.neighbourhood


def higher_levels(level: EscalationLevel) -> tuple[EscalationLevel, ...]:
    return ORDER[ORDER.index(level) + 1:]


def _reason(text: str | None) -> str:
    return required_note(text, _l(
        "Say why it is passed on: what the level handling it cannot settle."))


def escalate(session: Session, request: ResidentRequest, to_level: EscalationLevel | str, *,
             user: User | None, reason: str | None,
             department: Department | None = None) -> RequestEscalation:
    """Pass `request` up to `to_level` (a department level names its `department`); flush
    only. Refused, with nothing written, for a closed request, a level that is not higher, a
    department of another level or no longer active, or no reason."""
    try:
        target = EscalationLevel(to_level)
    except ValueError:
        raise RequestError("invalid", _l("Choose one of the levels offered."), "level") from None
    text = _reason(reason)
    if request.status not in OPEN_REQUEST:
        raise RequestError("not_allowed", _l(
            "Only an open request can be passed on; this one is “%(state)s”.",
            state=request.status.label), "level")
    current = request.level
    if target not in higher_levels(current):
        raise RequestError("not_allowed", _l(
            "It is already with the %(level)s: it can only go higher.", level=current.label),
            "level")
    if user is not None and user.role == Role.department and target != EscalationLevel.district:
        raise RequestError("not_allowed", _l("A department passes requests on to the district "
                                             "only."), "level")
    if target in DEPARTMENT_LEVELS:
        if department is None or not department.active or department.level != target:
            raise RequestError("invalid", _l(
                "Choose an active department of the %(level)s.", level=target.label),
                "department")
    else:
        department = None
    now = utcnow()
    update_unless_changed(
        session, request,
        (ResidentRequest.level == current, ResidentRequest.status.in_(OPEN_REQUEST)),
        {"level": target, "department_id": department.id if department else None,
         "updated_at": now}, lambda _request: _l(
            "Someone changed this request meanwhile. Nothing was changed; look at it again."))
    session.refresh(request)
    step = RequestEscalation(request=request, from_level=current, to_level=target,
                             department_id=department.id if department else None,
                             user_id=user.id if user else None,
                             actor=user.display_name if user else "", reason=text, at=now)
    session.add(step)
    session.flush()
    return step


def departments_for(session: Session, level: EscalationLevel | None = None) -> list[Department]:
    """Active departments (of one level), for the escalation form."""
    statement = select(Department).where(Department.active.is_(True))
    if level is not None:
        statement = statement.where(Department.level == level)
    return list(session.scalars(statement.order_by(Department.level, Department.name)))

