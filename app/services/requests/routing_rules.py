"""Routing on intake: the request's category and place decide who takes it, as FixMyStreet
routes a report by place and category.

A rule of the request's neighbourhood for its category comes first, then the town's rule for
the category, then the service group whose patch holds the building (Linli's routing before
rules existed). A rule names a service group of its neighbourhood, or a department: then the
request is escalated to that department on intake, recorded as an escalation like any other,
so the department's handlers see it (and, at a level that is not grassroots, it does not
count as resolved at grassroots level).
The first entry of the request's history says how it was routed, in the deployment's
language as it read then (a rule may change or go later; the record stays).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import RequestCategory
from app.i18n import localised
from app.models import (
    Building,
    Department,
    LinkageLevel,
    RequestChange,
    RequestEscalation,
    ResidentRequest,
    RoutingRule,
    ServiceGroup,
)
from app.services.requests.errors import RequestError
from app.services.requests.levels import starting_levels


@dataclass(frozen=True)
class Routing:
    """Who takes a new request, and by which rule (None: the building's patch, or nobody)."""

    group: ServiceGroup | None
    department: Department | None = None
    rule: RoutingRule | None = None


def rule_for(session: Session, neighbourhood_id: int,
             category: RequestCategory) -> RoutingRule | None:
    """The rule that routes a request of `category` in the neighbourhood: its own rule, else
    the town's. A rule to a department no longer active, or of a retired level, is passed
    over."""
    R = RoutingRule
    candidates = session.scalars(
        select(R).outerjoin(Department, Department.id == R.department_id)
        .outerjoin(LinkageLevel, LinkageLevel.id == Department.level_id)
        .where(R.category == category,
               (R.neighbourhood_id == neighbourhood_id) | R.neighbourhood_id.is_(None),
               R.department_id.is_(None)
               | (Department.active.is_(True) & LinkageLevel.active.is_(True)))
        # Rows with a neighbourhood before the town-wide one.
        .order_by(R.neighbourhood_id.is_(None)))
    return candidates.first()


def route(session: Session, neighbourhood_id: int, category: RequestCategory,
          building: Building | None) -> Routing:
    """Who takes a new request of `category` raised in the neighbourhood at `building`."""
    patch = (session.get(ServiceGroup, building.service_group_id)
             if building is not None and building.service_group_id is not None else None)
    rule = rule_for(session, neighbourhood_id, category)
    if rule is None:
        return Routing(group=patch)
    if rule.department is not None:
        # The committee's group of the patch stays the one that follows it locally.
        return Routing(group=patch, department=rule.department, rule=rule)
    return Routing(group=rule.service_group, rule=rule)


def _target(routing: Routing) -> str:
    if routing.department is not None:
        return localised(routing.department.name, routing.department.name_en)
    return routing.group.name if routing.group is not None else ""


def describe(routing: Routing, category: RequestCategory) -> str | None:
    """How the request was routed ("按本居委…规则分派给…"), in the deployment's language;
    None when nobody took it (no rule, no patch)."""
    if routing.rule is None and routing.group is None:
        return None
    with force_locale(current_app.config["LINLI_DEFAULT_LOCALE"]):
        target = _target(routing)
        if routing.rule is None:
            return str(_l("Routed by the building's patch to %(target)s", target=target))
        if routing.rule.neighbourhood_id is not None:
            return str(_l("Routed by the neighbourhood's rule for “%(category)s” to %(target)s",
                          category=category.label, target=target))
        return str(_l("Routed by the town's rule for “%(category)s” to %(target)s",
                      category=category.label, target=target))


def record(session: Session, request: ResidentRequest, routing: Routing,
           first: RequestChange) -> None:
    """Keep how `request` was routed on its first history entry and, for a department, the
    escalation to it (the request row already holds its level and department); flush only."""
    first.routing = describe(routing, request.category)
    if routing.department is not None:
        session.add(RequestEscalation(
            request=request,
            from_level_id=starting_levels(session).for_group(
                routing.group.id if routing.group else None),
            to_level_id=routing.department.level_id, department_id=routing.department.id,
            user_id=None, actor="", reason=first.routing or "", at=first.at))
    session.flush()


def check_rule(session: Session, rule: RoutingRule) -> None:
    """Refuse, naming the field, a rule that could not route or would clash: a second rule
    for the same category and neighbourhood (or town-wide), a service group of another
    neighbourhood, a town-wide rule to a service group, a department no longer active, or
    both targets or none. Reads the rule's relations as set (a form sets those, not the ids),
    without flushing it."""
    with session.no_autoflush:
        _check_rule(session, rule)


def _check_rule(session: Session, rule: RoutingRule) -> None:
    neighbourhood, group, department = rule.neighbourhood, rule.service_group, rule.department
    if (group is None) == (department is None):
        raise RequestError("invalid", _l(
            "Choose either a service group or a department to take these requests."),
            "service_group")
    if group is not None and neighbourhood is None:
        raise RequestError("invalid", _l(
            "A town-wide rule goes to a department: a service group takes only its own "
            "neighbourhood's requests."), "service_group")
    if group is not None and group.neighbourhood_id != neighbourhood.id:
        raise RequestError("invalid", _l("Choose a service group of the rule's neighbourhood."),
                           "service_group")
    if department is not None and not (department.active and department.level.active):
        raise RequestError("invalid", _l("Choose an active department."), "department")
    R = RoutingRule
    clash = select(R.id).where(R.category == rule.category,
                               R.neighbourhood_id.is_(None) if neighbourhood is None
                               else R.neighbourhood_id == neighbourhood.id)
    if rule.id is not None:
        clash = clash.where(R.id != rule.id)
    if session.scalar(clash) is not None:
        raise RequestError("invalid", _l(
            "There is already a rule for this category here: change that one instead."),
            "category")
