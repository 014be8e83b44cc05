"""A request as it comes in: what the resident (or the coordinator taking a call) enters,
checked field by field; the request row and the first entry of its history.

A resident may stay anonymous: name, phone and e-mail are optional, but whoever gives them
agrees that the committee uses them to handle the request and to tell them the outcome.
Every refusal names its field and nothing is written; nothing typed is silently dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import RequestCategory, RequestChannel, RequestStatus
from app.i18n import deployment_zone
from app.models import (
    Building,
    Neighbourhood,
    ResidentRequest,
    ServiceGroup,
    User,
    Visit,
    Volunteer,
    utcnow,
)
from app.services.requests import deadlines, notices, routing_rules
from app.services.requests.errors import RequestError
from app.services.requests.levels import starting_levels
from app.services.requests.workflow import record_change
from app.services.signup.applicant import SignupInvalid, normalise_phone
from app.services.text_input import control_characters_message, has_control_characters

MAX_TEXT = 2000
MAX_PLACE = 120
MAX_NAME = 80
MAX_EMAIL = 254
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class RequestInvalid(RequestError):
    """One or more fields are wrong; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, Any]) -> None:
        field, first = next(iter(errors.items()))
        super().__init__("invalid", first, field)
        self.errors = errors


@dataclass
class RequestInput:
    """What is entered for a new request, as typed."""

    neighbourhood_id: int | str | None
    category: str | None
    text: str | None
    place: str | None = None
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    consent: bool = False
    locale: str | None = None
    building_id: int | None = None


@dataclass(frozen=True)
class _Clean:
    neighbourhood: Neighbourhood
    category: RequestCategory
    text: str
    place: str | None
    name: str | None
    phone: str | None
    email: str | None
    building: Building | None


def _optional(value: str | None, limit: int, field: str, errors: dict[str, Any]) -> str | None:
    text = " ".join((value or "").split()) or None
    if text and len(text) > limit:
        errors[field] = _l("At most %(n)s characters, please.", n=limit)
    return text


def _check(session: Session, data: RequestInput, *, needs_consent: bool) -> _Clean:
    errors: dict[str, Any] = {}
    for key in ("text", "place", "name", "phone", "email"):
        if has_control_characters(getattr(data, key)):
            errors[key] = control_characters_message()
    if errors:
        raise RequestInvalid(errors)
    neighbourhood = None
    try:
        neighbourhood_id = int(str(data.neighbourhood_id or "").strip())
    except ValueError:
        neighbourhood_id = None
    if neighbourhood_id is not None and 0 < neighbourhood_id < 2**31:
        neighbourhood = session.get(Neighbourhood, neighbourhood_id)
    if neighbourhood is None:
        errors["neighbourhood"] = _l("Please choose your neighbourhood.")
    try:
        category = RequestCategory(data.category or "")
    except ValueError:
        category = None
        errors["category"] = _l("Please choose what it is about.")
    text = (data.text or "").strip()
    if not text:
        errors["text"] = _l("Please describe your request or suggestion.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _l("The description is too long (at most %(n)s characters).",
                            n=MAX_TEXT)
    place = _optional(data.place, MAX_PLACE, "place", errors)
    name = _optional(data.name, MAX_NAME, "name", errors)
    phone = None
    if (data.phone or "").strip():
        try:
            phone = normalise_phone(data.phone)
        except SignupInvalid as error:
            errors["phone"] = error.errors["phone"]
    email = (data.email or "").strip() or None
    if email and (len(email) > MAX_EMAIL or not _EMAIL.fullmatch(email)):
        errors["email"] = _l("Please enter a valid e-mail address, or leave it empty.")
    if needs_consent and (name or phone or email) and data.consent is not True:
        errors["consent"] = _l("Please agree to the use of your details, or leave your name "
                               "and contact empty to stay anonymous.")
    building = None
    if data.building_id is not None and neighbourhood is not None:
        building = session.get(Building, data.building_id)
        if building is None or building.neighbourhood_id != neighbourhood.id:
            errors["building"] = _l("This building is not in the chosen neighbourhood.")
    if errors:
        raise RequestInvalid(errors)
    assert neighbourhood is not None and category is not None
    return _Clean(neighbourhood, category, text, place, name, phone, email, building)


def check_input(session: Session, data: RequestInput) -> None:
    """Refuse `data` as `create_request` would from a resident's form (`RequestInvalid`),
    writing nothing: so the form can offer similar requests only for a request it accepts."""
    _check(session, data, needs_consent=True)


def create_request(session: Session, data: RequestInput, *,
                   channel: RequestChannel = RequestChannel.form,
                   user: User | None = None, visit: Visit | None = None,
                   volunteer: Volunteer | None = None) -> ResidentRequest:
    """Check `data` and record a new request (received), with the first history entry, routed
    by the routing rules or the building's patch (`routing_rules`); flush only. A resident's
    own form (`user` None) needs their consent for any personal detail; a coordinator taking
    a call records what the caller agreed to. Raised on a `visit`, the
    request is the visited household's, filed by the visit's member; raised by a `volunteer`
    on patrol, filed by them (either member is the request's volunteer and the history's
    who)."""
    clean = _check(session, data, needs_consent=user is None)
    if visit is not None:
        volunteer = visit.volunteer
    now = utcnow()
    routing = routing_rules.route(session, clean.neighbourhood.id, clean.category,
                                  clean.building)
    group = routing.group
    request = ResidentRequest(
        neighbourhood_id=clean.neighbourhood.id, category=clean.category, channel=channel,
        status=RequestStatus.received, text=clean.text, place=clean.place,
        building_id=clean.building.id if clean.building else None,
        service_group_id=group.id if group else None,
        name=clean.name, phone=clean.phone, email=clean.email, locale=data.locale,
        consent_at=now if (clean.name or clean.phone or clean.email) else None,
        household_id=visit.household_id if visit else None,
        volunteer_id=volunteer.id if volunteer else None,
        visit_id=visit.id if visit else None,
        created_by_id=user.id if user else None, received_at=now,
        due_at=deadlines.due_at(session, clean.category, now, deployment_zone()),
        level_id=(routing.department.level_id if routing.department is not None
                  else starting_levels(session).for_group(group.id if group else None)),
        department_id=routing.department.id if routing.department is not None else None,
    )
    session.add(request)
    change = record_change(session, request, None, RequestStatus.received, user=user,
                           note=None, volunteer=volunteer)
    session.flush()
    routing_rules.record(session, request, routing, change)
    notices.tell(session, request, change)
    return request


def find_by_token(session: Session, token: str) -> ResidentRequest | None:
    """The request of a resident's private link, or None."""
    if not token or len(token) > 64:
        return None
    return session.scalars(
        select(ResidentRequest).where(ResidentRequest.follow_token == token)).first()


#: How many requests one status lookup may name.
MAX_LOOKUP = 20


def find_by_codes(session: Session, codes: list[str]) -> list[ResidentRequest]:
    """The requests of the residents' reference codes (any case), in the order asked;
    unknown codes are left out."""
    wanted = [c.strip().upper() for c in codes if c.strip() and len(c.strip()) <= 12]
    if not wanted:
        return []
    found = {r.reference_code: r for r in session.scalars(
        select(ResidentRequest).where(ResidentRequest.reference_code.in_(wanted)))}
    return [found[c] for c in dict.fromkeys(wanted) if c in found]


def check_routing(session: Session, request: ResidentRequest) -> None:
    """The building and the service group of a request belong to its neighbourhood."""
    building = session.get(Building, request.building_id) if request.building_id else None
    if building is not None and building.neighbourhood_id != request.neighbourhood_id:
        raise RequestError("invalid", _l("This building is not in the request's "
                                         "neighbourhood."), "building")
    group = (session.get(ServiceGroup, request.service_group_id)
             if request.service_group_id else None)
    if group is not None and group.neighbourhood_id != request.neighbourhood_id:
        raise RequestError("invalid", _l("This service group is not in the request's "
                                         "neighbourhood."), "service_group")
