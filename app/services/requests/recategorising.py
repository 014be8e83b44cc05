"""A request put under another category: its deadline follows the new category, and the
routing rules are applied again as on intake (`routing_rules.route`), so a request first filed
under the wrong category reaches those who take the right one.

When the rules give it another service group, that is a re-routing like a coordinator's
(`routing.reroute`): in the history with the reason "category changed from … to …", and the
raiser told. When they name a department above the level the request is at, it is passed up
to it (`escalation.escalate`) with the same reason, as a rule escalates on intake. Nothing else
moves: a request is never left with nobody (no rule and no patch keeps its group), never taken
back down the linkage or across to another department by its category, and a closed request
keeps the routing it was handled with, as it keeps its deadline (`deadlines.recategorised`).
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.enums import OPEN_REQUEST, RequestCategory
from app.models import Building, RequestEscalation, ResidentRequest, User
from app.services.requests import deadlines, routing_rules
from app.services.requests.escalation import escalate
from app.services.requests.levels import higher_levels
from app.services.requests.routing import Rerouted, reroute


@dataclass(frozen=True)
class Recategorised:
    """What routing the request again did: a re-routing to another group, a pass up to a
    department, or neither (both None)."""

    rerouted: Rerouted | None = None
    escalation: RequestEscalation | None = None


def reason(previous: RequestCategory, category: RequestCategory) -> str:
    """The history's reason, in the deployment's language (as intake's routing note is)."""
    with force_locale(current_app.config["LINLI_DEFAULT_LOCALE"]):
        return str(_l("Category changed from “%(before)s” to “%(after)s”",
                      before=previous.label, after=category.label))


def recategorised(session: Session, request: ResidentRequest, previous: RequestCategory, *,
                  user: User | None, zone: ZoneInfo) -> Recategorised:
    """`request`'s category has just changed from `previous` (set on the row, maybe not
    flushed): set its deadline and route it again; flush only. The raiser's message about a
    re-routing is sent after commit."""
    deadlines.recategorised(session, request, zone)
    category = RequestCategory(request.category)
    if request.status not in OPEN_REQUEST or category == previous:
        return Recategorised()
    building = session.get(Building, request.building_id) if request.building_id else None
    routing = routing_rules.route(session, request.neighbourhood_id, category, building)
    why = reason(previous, category)
    department = routing.department
    if department is not None:
        if department.id == request.department_id or \
                department.level not in higher_levels(session, request.level):
            return Recategorised()
        return Recategorised(escalation=escalate(session, request, department.level,
                                                 user=user, reason=why, department=department))
    group = routing.group
    if group is None or group.id == request.service_group_id:
        return Recategorised()
    return Recategorised(rerouted=reroute(session, request, group, user=user, reason=why,
                                          expected_group_id=request.service_group_id))
