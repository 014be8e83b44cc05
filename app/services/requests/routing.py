"""Re-routing a request to another service group of its neighbourhood: a deliberate step
with a reason, kept in the request's history (who, when, why, from which group to which),
as FixMyStreet lets staff move a report to the body really responsible for it.

The routing rules or the building's patch route a request when it is raised
(`routing_rules`); only this step changes the group afterwards. The escalation level stays
as it is: a re-route moves the request sideways within the neighbourhood, not up the linkage
(`escalation`). The raiser who left a contact is told which group has it now, and why
(`notices.tell_rerouted`), as they are told every step."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import OPEN_REQUEST
from app.models import (
    Notification,
    RequestChange,
    ResidentRequest,
    ServiceGroup,
    User,
    utcnow,
)
from app.services.requests import notices
from app.services.requests.errors import RequestError
from app.services.requests.history import record_change, required_note
from app.services.requests.workflow import update_unless_changed


def groups_for(session: Session, request: ResidentRequest) -> list[ServiceGroup]:
    """The service groups a request may be re-routed to: those of its neighbourhood."""
    return list(session.scalars(select(ServiceGroup)
                                .where(ServiceGroup.neighbourhood_id == request.neighbourhood_id)
                                .order_by(ServiceGroup.name)))


def _reason(text: str | None) -> str:
    return required_note(text, _l(
        "Say why it goes to another group: the reason is kept in its history."))


@dataclass(frozen=True)
class Rerouted:
    """A re-routing's history entry, and the message to the raiser (None: anonymous)."""

    change: RequestChange
    told: Notification | None


def reroute(session: Session, request: ResidentRequest, group: ServiceGroup | None, *,
            user: User | None, reason: str | None,
            expected_group_id: int | None) -> Rerouted:
    """Give `request` to `group`, recording who, when, why and the group it left, and tell the
    raiser (sent after commit); flush only.

    `expected_group_id` is the group the user saw (None: none): if the request has been
    re-routed since, nothing changes and `RequestError("changed")` says so. A closed request,
    a group of another neighbourhood, the group it already has, or no reason is refused the
    same way, with nothing written."""
    text = _reason(reason)
    if group is None or group.neighbourhood_id != request.neighbourhood_id:
        raise RequestError("invalid", _l("Choose one of the service groups of the request's "
                                         "neighbourhood."), "group")
    if request.status not in OPEN_REQUEST:
        raise RequestError("not_allowed", _l(
            "Only an open request can be re-routed; this one is “%(state)s”.",
            state=request.status.label), "group")
    current = request.service_group_id
    if current != expected_group_id:
        raise RequestError("changed", _l(
            "Someone re-routed this request meanwhile. Nothing was changed; look at it again."))
    if group.id == current:
        raise RequestError("invalid", _l("The request is already with %(group)s.",
                                         group=group.name), "group")
    same_group = (ResidentRequest.service_group_id.is_(None) if current is None
                  else ResidentRequest.service_group_id == current)
    update_unless_changed(
        session, request, (same_group, ResidentRequest.status == request.status),
        {"service_group_id": group.id, "updated_at": utcnow()}, lambda _request: _l(
            "Someone re-routed this request meanwhile. Nothing was changed; look at it again."))
    session.refresh(request)
    change = record_change(session, request, request.status, request.status, user=user,
                           note=text)
    change.from_group_id = current
    change.to_group_id = group.id
    session.flush()
    return Rerouted(change, notices.tell_rerouted(session, request, change))
