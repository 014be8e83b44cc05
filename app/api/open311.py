"""Residents' requests over Open311 GeoReport v2 (/api/v1/open311), so civic-reporting apps
and dashboards that speak it can raise requests and follow them.

The same service as the public form does the work: the same checks and messages, the same
rate limit per client, the same "already raised?" hint (a 409 listing the open improvements
there by their public title, until the client resends with `confirm_new=true`), routing by
the building's service group. A request keeps a mobile number only with the code sent to it by
SMS (`verifications`, Linli's addition; `app.services.requests.verification`); without one it
is anonymous.

Looking a request up by its reference code (`service_request_id`) gives its state, open or
closed plus Linli's plain words for who has it and what happens next, and what the committee
published; never the raiser's name, number, address or own words.

Open311 shapes: `.json` or `.xml` by the path's suffix; errors are a list of `code` and
`description` (in the language of Accept-Language); bodies may be form-encoded (the
standard), multipart (with a photo as `media`) or JSON. No cookie is read or set, so no CSRF
token is asked for; `jurisdiction_id` names the neighbourhood, `address_id` a building.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

from flask import current_app, json, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.wrappers import Response

from app.api.open311_schemas import (
    CreatedSchema,
    Open311ErrorSchema,
    RequestInSchema,
    ServiceRequestSchema,
    ServiceSchema,
    VerificationInSchema,
    VerificationSchema,
)
from app.enums import RequestCategory, RequestChannel, RequestStatus
from app.extensions import db
from app.i18n import current_locale, localised
from app.ids import parse_id
from app.models import Building, ResidentRequest
from app.public.limits import request_limits, verify_limits
from app.services import requests as requests_service
from app.services.households.files import mask_phone
from app.services.requests import photos, verification
from app.services.requests.photos import BoardPhoto, board_photos

open311_blp = Blueprint(
    "api_open311", __name__, url_prefix="/api/v1/open311",
    description="Residents' requests as Open311 GeoReport v2: services (the categories), "
                "raising a request, and its state by reference code. `{fmt}` is `json` or "
                "`xml`.",
)

FORMATS = {"json": "application/json", "xml": "application/xml"}
#: The service's field names in Open311's words, for the errors.
FIELDS = {"neighbourhood": "jurisdiction_id", "building": "address_id", "category":
          "service_code", "text": "description", "place": "address_string",
          "name": "first_name", "photo": "media"}
#: The XML element of one item of a list, by the list's name.
ITEMS = {"services": "service", "service_requests": "request", "errors": "error",
         "similar": "request", "verifications": "verification"}
CLOSED = (RequestStatus.explained, RequestStatus.resolved, RequestStatus.merged)
MESSAGES: dict[int, Any] = {
    400: _l("The request could not be understood."),
    404: _l("There is nothing at this address."),
    405: _l("This address does not accept this method."),
    413: _l("The request is too large."),
    429: _l("Too many requests from here. Please wait a few minutes and try again."),
}


class Open311Error(Exception):
    def __init__(self, status: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(status)
        self.status = status
        self.errors = errors


# -- Bodies in JSON or XML -----------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(ET.SubElement(element, key), inner)
    elif isinstance(value, list):
        for inner in value:
            _fill(ET.SubElement(element, ITEMS.get(element.tag, "item")), inner)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def _fmt() -> str:
    fmt = (request.view_args or {}).get("fmt") or request.path.rpartition(".")[2]
    return fmt if fmt in FORMATS else "json"


def _respond(root: str, items: list[dict[str, Any]], status: int = 200) -> Response:
    items = _plain(items)
    if _fmt() == "xml":
        top = ET.Element(root)
        _fill(top, items)
        body = ET.tostring(top, encoding="utf-8", xml_declaration=True)
    else:
        body = json.dumps(items, ensure_ascii=False).encode()
    response = Response(body, status=status, mimetype=FORMATS[_fmt()])
    response.headers["Cache-Control"] = "no-store"
    return response


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise NotFound()


# -- Errors --------------------------------------------------------------------------------

@open311_blp.errorhandler(Open311Error)
def _open311_error(error: Open311Error):  # type: ignore[no-untyped-def]
    db.session.rollback()
    return _respond("errors", error.errors, error.status)


@open311_blp.errorhandler(requests_service.RequestError)
def _request_error(error: requests_service.RequestError):  # type: ignore[no-untyped-def]
    db.session.rollback()
    found = getattr(error, "errors", None) or {error.field or "": error.message}
    status = 404 if error.code == "not_found" else 400
    return _respond("errors", [
        {"code": status, "description": str(message),
         **({"field": FIELDS.get(field, field)} if field else {})}
        for field, message in found.items()], status)


@open311_blp.errorhandler(HTTPException)
@open311_blp.errorhandler(429)
def open311_error_page(error: HTTPException):  # type: ignore[no-untyped-def]
    """An HTTP error in Open311's shape (the API's 404/405 for unknown addresses too)."""
    status = error.code or 500
    message = MESSAGES.get(status) or _l("Something went wrong on our side. Please try "
                                         "again later.")
    response = _respond("errors", [{"code": status, "description": str(message)}], status)
    for key, value in error.get_headers():
        if key.lower() in ("retry-after", "allow"):
            response.headers[key] = value
    return response


def _problem_docs(*statuses: int):  # type: ignore[no-untyped-def]
    def decorate(view):  # type: ignore[no-untyped-def]
        for status in statuses:
            view = open311_blp.alt_response(
                status, schema=Open311ErrorSchema(many=True),
                description=str(MESSAGES.get(status, "")) or "Error")(view)
        return view

    return decorate


# -- Input -----------------------------------------------------------------------------------

def _body() -> dict[str, Any]:
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise Open311Error(400, [{"code": 400, "description": _(
                "The body is not a JSON object.")}])
        return body
    return request.form.to_dict()


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    return value if isinstance(value, str) else str(value)


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str)
                             and value.strip().lower() in ("true", "1", "yes", "on"))


def _coordinates(body: dict[str, Any], errors: dict[str, Any]) -> str | None:
    """Latitude and longitude as given, kept with the place (Linli's buildings have no
    geographic coordinates to match them to)."""
    raw = {key: _text(body.get(key)) for key in ("lat", "long")}
    if not any((v or "").strip() for v in raw.values()):
        return None
    try:
        lat, long = float(raw["lat"] or ""), float(raw["long"] or "")
    except ValueError:
        lat = long = math.nan
    if not (-90 <= lat <= 90 and -180 <= long <= 180):
        errors["lat"] = _l("Give both lat and long in degrees, or neither.")
        return None
    return f"{lat:.6f},{long:.6f}"


def _name(body: dict[str, Any]) -> str | None:
    first = (_text(body.get("first_name")) or "").strip()
    last = (_text(body.get("last_name")) or "").strip()
    if first.isascii() and last.isascii():
        return " ".join(part for part in (first, last) if part) or None
    return (last + first) or None  # 王 + 阿婆: a Chinese name has no space


def _input(session: Session, body: dict[str, Any],
           errors: dict[str, Any]) -> requests_service.RequestInput:
    building_id = None
    raw_building = body.get("address_id")
    if raw_building not in (None, ""):
        building_id = parse_id(raw_building) or 0  # 0: refused like any unknown building
    neighbourhood_id = _text(body.get("jurisdiction_id"))
    if not (neighbourhood_id or "").strip() and building_id:
        building = session.get(Building, building_id)
        neighbourhood_id = str(building.neighbourhood_id) if building else None
        if building is None:
            errors["address_id"] = _l("There is no building with this address_id.")
    if _text(body.get("media_url")):
        errors["media_url"] = _l("Linli does not fetch photos from other addresses; send the "
                                 "photo itself as media.")
    place = (_text(body.get("address_string")) or "").strip()
    coordinates = _coordinates(body, errors)
    if coordinates:
        place = f"{place} ({coordinates})" if place else coordinates
    return requests_service.RequestInput(
        neighbourhood_id=neighbourhood_id, category=_text(body.get("service_code")),
        text=_text(body.get("description")), place=place or None, name=_name(body),
        phone=_text(body.get("phone")), email=_text(body.get("email")),
        consent=_flag(body.get("consent")), locale=current_locale(), building_id=building_id)


# -- Requests as Open311 reads them ----------------------------------------------------------

def _handled(found: ResidentRequest) -> ResidentRequest:
    """The request whose outcome `found` follows (itself, or the one it was merged into)."""
    seen = found
    for _step in range(5):
        if seen.status != RequestStatus.merged or seen.merged_into is None:
            break
        seen = seen.merged_into
    return seen


def _agency(found: ResidentRequest) -> str:
    committee = _("%(name)s neighbourhood committee", name=localised(
        found.neighbourhood.name, found.neighbourhood.name_en))
    if found.department is not None:
        return localised(found.department.name, found.department.name_en)
    if found.service_group is not None:
        return f"{committee} · {found.service_group.name}"
    return committee


def _service_request(found: ResidentRequest, photos_of: dict[int, list[BoardPhoto]]
                     ) -> dict[str, Any]:
    handled = _handled(found)
    posted = handled.posted_at is not None and handled.status == RequestStatus.resolved
    published = photos_of.get(handled.id, []) if posted else []
    neighbourhood = localised(found.neighbourhood.name, found.neighbourhood.name_en)
    return {
        "service_request_id": found.reference_code,
        "status": "closed" if handled.status in CLOSED else "open",
        "status_notes": str(requests_service.next_step(found)),
        "service_name": str(found.category.label),
        "service_code": found.category.value,
        "agency_responsible": _agency(handled),
        "service_notice": str(found.status.label),
        "requested_datetime": found.received_at,
        "updated_datetime": found.updated_at,
        "expected_datetime": found.due_at if handled.status not in CLOSED else None,
        "address": f"{neighbourhood} {found.building.number}" if found.building
        else neighbourhood,
        "address_id": found.building_id,
        "media_url": url_for("public.board_photo_file", photo_id=published[0].id,
                             _external=True) if published else None,
        "linli_state": found.status.value,
        "linli_state_label": str(found.status.label),
        "linli_board_title": handled.board_title if posted else None,
    }


def _service_requests(found: list[ResidentRequest]) -> list[dict[str, Any]]:
    photos_of = board_photos(db.session, [_handled(r).id for r in found])
    return [_service_request(r, photos_of) for r in found]


# -- Routes ----------------------------------------------------------------------------------

@open311_blp.route("/services.<fmt>")
@open311_blp.response(200, ServiceSchema(many=True))
@_problem_docs(404)
def services(fmt: str) -> Response:
    """The kinds of request a resident can raise (Linli's request categories)."""
    _check_format(fmt)
    return _respond("services", [{
        "service_code": c.value, "service_name": str(c.label), "description": str(c.label),
        "metadata": False, "type": "realtime", "keywords": "", "group": ""}
        for c in RequestCategory])


@open311_blp.route("/requests.<fmt>", methods=["GET"])
@open311_blp.doc(parameters=[{
    "name": "service_request_id", "in": "query", "required": True,
    "schema": {"type": "string"},
    "description": "Reference codes, comma-separated (at most 20)"}])
@open311_blp.response(200, ServiceRequestSchema(many=True))
@_problem_docs(400, 404)
def lookup(fmt: str) -> Response:
    """The state of requests by their reference codes; unknown codes are left out."""
    _check_format(fmt)
    codes = [c for c in (request.args.get("service_request_id") or "").split(",")
             if c.strip()]
    if not codes or len(codes) > requests_service.MAX_LOOKUP:
        raise Open311Error(400, [{"code": 400, "field": "service_request_id",
                                  "description": _(
            "Give the reference codes of the requests to look up in service_request_id, "
            "separated by commas (at most %(n)s).", n=requests_service.MAX_LOOKUP)}])
    return _respond("service_requests", _service_requests(
        requests_service.find_by_codes(db.session, codes)))


@open311_blp.route("/requests.<fmt>", methods=["POST"])
@request_limits
@open311_blp.doc(requestBody={"required": True, "content": {
    "application/x-www-form-urlencoded": {"schema": RequestInSchema},
    "multipart/form-data": {"schema": RequestInSchema},
    "application/json": {"schema": RequestInSchema}}})
@open311_blp.response(200, CreatedSchema(many=True))
@_problem_docs(400, 404, 409, 413, 429)
def create(fmt: str) -> Response:
    """Raise a request or suggestion, as the public form does (409 with `similar` when
    open improvements are already raised there, unless `confirm_new`)."""
    _check_format(fmt)
    body = _body()
    errors: dict[str, Any] = {}
    data = _input(db.session, body, errors)
    try:
        requests_service.check_input(db.session, data)
    except requests_service.RequestInvalid as error:
        errors.update(error.errors)
    if data.phone and "phone" not in errors:
        try:
            verification.require_code(current_app.config["SECRET_KEY"],
                                      verification.checked_phone(data.phone),
                                      _text(body.get("verification_code")))
        except requests_service.RequestInvalid as error:
            errors.update(error.errors)
    upload = request.files.get("media")
    raw = upload.read(photos.MAX_BYTES + 1) if upload else b""
    clean = None
    if raw:
        try:
            clean = photos.clean_photo(raw)
        except requests_service.RequestError as error:
            errors["photo"] = error.message
    if errors:
        raise requests_service.RequestInvalid(errors)
    if not _flag(body.get("confirm_new")):
        _refuse_if_raised(data)
    created = requests_service.create_request(db.session, data, channel=RequestChannel.api)
    if clean is not None:
        photos.add_photo(db.session, created, clean, user=None)
    return _respond("service_requests", [{
        "service_request_id": created.reference_code,
        "service_notice": str(requests_service.next_step(created)),
        "account_id": None,
        "linli_url": url_for("public.request_page", token=created.follow_token,
                             _external=True)}])


def _refuse_if_raised(data: requests_service.RequestInput) -> None:
    matches = requests_service.public_matches(
        db.session, neighbourhood_id=int(str(data.neighbourhood_id)),
        building_id=data.building_id, text=data.text)
    if matches:
        raise Open311Error(409, [{
            "code": 409,
            "description": _("The committee is already handling this for your building or "
                             "something much like it. To add it anyway, send it again with "
                             "confirm_new=true."),
            "similar": [{"title": m.title or str(m.category.label),
                         "service_code": m.category.value,
                         "service_name": str(m.category.label),
                         "linli_state": m.status.value, "linli_state_label": str(m.status.label),
                         "requested_datetime": m.received_at, "residents": m.residents}
                        for m in matches]}])


@open311_blp.route("/requests/<code>.<fmt>")
@open311_blp.response(200, ServiceRequestSchema(many=True))
@_problem_docs(404)
def service_request(code: str, fmt: str) -> Response:
    """The state of one request by its reference code."""
    _check_format(fmt)
    found = requests_service.find_by_codes(db.session, [code])
    if not found:
        raise Open311Error(404, [{"code": 404, "description": _(
            "There is no request with this reference code.")}])
    return _respond("service_requests", _service_requests(found))


@open311_blp.route("/verifications.<fmt>", methods=["POST"])
@verify_limits
@open311_blp.doc(requestBody={"required": True, "content": {
    "application/x-www-form-urlencoded": {"schema": VerificationInSchema},
    "application/json": {"schema": VerificationInSchema}}})
@open311_blp.response(200, VerificationSchema(many=True))
@_problem_docs(400, 404, 429)
def verifications(fmt: str) -> Response:
    """Linli: send a verification code by SMS to the resident's number, to send with the
    request so that it keeps the number (and the resident is told each step)."""
    _check_format(fmt)
    body = _body()
    sent = verification.send_code(db.session, current_app.config["SECRET_KEY"],
                                  _text(body.get("phone")), current_locale())
    return _respond("verifications", [{"phone": mask_phone(sent.address),
                                       "expires_in": verification.WINDOW_SECONDS}])
