"""Open311 GeoReport v2's shapes for residents' requests (`app.api.open311` has the routes):
bodies in JSON or XML by the path's suffix, the client's fields read into the intake's
`RequestInput`, and a request as Open311 shows it — its state, who handles it, what the
committee published — never the raiser's name, number, address or own words.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

from flask import json, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from app.enums import RequestStatus
from app.extensions import db
from app.i18n import current_locale, localised
from app.ids import parse_id
from app.models import Building, ResidentRequest
from app.services import requests as requests_service
from app.services.requests.photos import BoardPhoto, board_photos

FORMATS = {"json": "application/json", "xml": "application/xml"}
#: The service's field names in Open311's words, for the errors.
FIELDS = {"neighbourhood": "jurisdiction_id", "building": "address_id", "category":
          "service_code", "text": "description", "place": "address_string",
          "name": "first_name", "photo": "media"}
#: The XML element of one item of a list, by the list's name.
ITEMS = {"services": "service", "service_requests": "request", "errors": "error",
         "similar": "request", "verifications": "verification", "endpoints": "endpoint",
         "formats": "format"}
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


def respond(root: str, items: list[dict[str, Any]] | dict[str, Any],
            status: int = 200) -> Response:
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


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise NotFound()


# -- Input -----------------------------------------------------------------------------------

def read_body() -> dict[str, Any]:
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise Open311Error(400, [{"code": 400, "description": _(
                "The body is not a JSON object.")}])
        return body
    return request.form.to_dict()


def text_of(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    return value if isinstance(value, str) else str(value)


def flag(value: Any) -> bool:
    return value is True or (isinstance(value, str)
                             and value.strip().lower() in ("true", "1", "yes", "on"))


def _coordinates(body: dict[str, Any], errors: dict[str, Any]) -> str | None:
    """Latitude and longitude as given, kept with the place (Linli's buildings have no
    geographic coordinates to match them to)."""
    raw = {key: text_of(body.get(key)) for key in ("lat", "long")}
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
    first = (text_of(body.get("first_name")) or "").strip()
    last = (text_of(body.get("last_name")) or "").strip()
    if first.isascii() and last.isascii():
        return " ".join(part for part in (first, last) if part) or None
    return (last + first) or None  # 王 + 阿婆: a Chinese name has no space


def request_input(session: Session, body: dict[str, Any],
           errors: dict[str, Any]) -> requests_service.RequestInput:
    building_id = None
    raw_building = body.get("address_id")
    if raw_building not in (None, ""):
        building_id = parse_id(raw_building) or 0  # 0: refused like any unknown building
    neighbourhood_id = text_of(body.get("jurisdiction_id"))
    if not (neighbourhood_id or "").strip() and building_id:
        building = session.get(Building, building_id)
        neighbourhood_id = str(building.neighbourhood_id) if building else None
        if building is None:
            errors["address_id"] = _l("There is no building with this address_id.")
    if text_of(body.get("media_url")):
        errors["media_url"] = _l("Linli does not fetch photos from other addresses; send the "
                                 "photo itself as media.")
    place = (text_of(body.get("address_string")) or "").strip()
    coordinates = _coordinates(body, errors)
    if coordinates:
        place = f"{place} ({coordinates})" if place else coordinates
    return requests_service.RequestInput(
        neighbourhood_id=neighbourhood_id, category=text_of(body.get("service_code")),
        text=text_of(body.get("description")), place=place or None, name=_name(body),
        phone=text_of(body.get("phone")), email=text_of(body.get("email")),
        consent=flag(body.get("consent")), locale=current_locale(), building_id=building_id)


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
        "service_notice": str(requests_service.state_label(found)),
        "requested_datetime": found.received_at,
        "updated_datetime": found.updated_at,
        "expected_datetime": found.due_at if handled.status not in CLOSED else None,
        "address": f"{neighbourhood} {found.building.number}" if found.building
        else neighbourhood,
        "address_id": found.building_id,
        "media_url": url_for("public.board_photo_file", photo_id=published[0].id,
                             _external=True) if published else None,
        "linli_state": found.status.value,
        "linli_state_label": str(requests_service.state_label(found)),
        "linli_board_title": handled.board_title if posted else None,
    }


def service_requests(found: list[ResidentRequest]) -> list[dict[str, Any]]:
    photos_of = board_photos(db.session, [_handled(r).id for r in found])
    return [_service_request(r, photos_of) for r in found]
