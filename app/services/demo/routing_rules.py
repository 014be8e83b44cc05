"""The demo's routing rules for residents' requests: in Jiahong, repairs of buildings and
property go to the committee officials' group (they deal with the property company); in the
whole town, parking and traffic go to the town's city appearance office (市容所), which keeps
street order. Added once each; the year of requests before them stays as it was routed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import RequestCategory
from app.models import Department, Neighbourhood, RoutingRule, ServiceGroup
from app.services.demo import data as d

#: (neighbourhood's name or None for town-wide, category, group's or department's name)
RULES: tuple[tuple[str | None, RequestCategory, str], ...] = (
    (d.NEIGHBOURHOODS[0].name, RequestCategory.property_repair, "居委干部团组"),
    (None, RequestCategory.parking_traffic, "金桥镇市容所"),
)


def load_routing_rules(session: Session, neighbourhoods: list[Neighbourhood]) -> dict[str, int]:
    """Add the demo's rules that are missing (and whose group or department exists)."""
    by_name = {n.name: n for n in neighbourhoods}
    created = 0
    for place, category, target in RULES:
        neighbourhood = by_name.get(place) if place else None
        if place and neighbourhood is None:
            continue
        where = (RoutingRule.neighbourhood_id == neighbourhood.id if neighbourhood
                 else RoutingRule.neighbourhood_id.is_(None))
        if session.scalar(select(RoutingRule.id).where(RoutingRule.category == category,
                                                       where)) is not None:
            continue
        if neighbourhood is not None:
            group = session.scalar(select(ServiceGroup).where(
                ServiceGroup.neighbourhood_id == neighbourhood.id, ServiceGroup.name == target))
            rule = RoutingRule(category=category, neighbourhood=neighbourhood,
                               service_group=group) if group else None
        else:
            department = session.scalar(select(Department).where(Department.name == target))
            rule = RoutingRule(category=category, department=department) if department else None
        if rule is not None:
            session.add(rule)
            created += 1
    session.flush()
    return {"routing_rules": created}
