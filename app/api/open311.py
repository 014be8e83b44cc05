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
published; never the raiser's name, number, address or own words. Lookups have a rate limit
of their own per client (`LINLI_OPEN311_LOOKUP_RATE_LIMIT_IP`), so codes cannot be tried one
after another here any more than on the public lookup page.

Open311 shapes: `.json` or `.xml` by the path's suffix; errors are a list of `code` and
`description` (in the language of Accept-Language); bodies may be form-encoded (the
standard), multipart (with a photo as `media`) or JSON. No cookie is read or set, so no CSRF
token is asked for; `jurisdiction_id` names the neighbourhood, `address_id` a building.
Those shapes, in and out, are `app.api.open311_shapes`; this module has the routes.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from app.api.open311_schemas import (
    CreatedSchema,
    DiscoverySchema,
    Open311ErrorSchema,
    RequestInSchema,
    ServiceRequestSchema,
    ServiceSchema,
    VerificationInSchema,
    VerificationSchema,
)
from app.api.open311_shapes import (
    FIELDS,
    FORMATS,
    MESSAGES,
    Open311Error,
    check_format,
    flag,
    read_body,
    request_input,
    respond,
    service_requests,
    text_of,
)
from app.enums import RequestCategory, RequestChannel
from app.extensions import db
from app.i18n import current_locale
from app.public.limits import open311_lookup_limits, request_limits, verify_limits
from app.services import requests as requests_service
from app.services.households.files import mask_phone
from app.services.requests import photos, verification

open311_blp = Blueprint(
    "api_open311", __name__, url_prefix="/api/v1/open311",
    description="Residents' requests as Open311 GeoReport v2: services (the categories), "
                "raising a request, and its state by reference code. `{fmt}` is `json` or "
                "`xml`.",
)

# -- Errors --------------------------------------------------------------------------------

@open311_blp.errorhandler(Open311Error)
def _open311_error(error: Open311Error):  # type: ignore[no-untyped-def]
    db.session.rollback()
    return respond("errors", error.errors, error.status)


@open311_blp.errorhandler(requests_service.RequestError)
def _request_error(error: requests_service.RequestError):  # type: ignore[no-untyped-def]
    db.session.rollback()
    found = getattr(error, "errors", None) or {error.field or "": error.message}
    status = 404 if error.code == "not_found" else 400
    return respond("errors", [
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
    response = respond("errors", [{"code": status, "description": str(message)}], status)
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


# -- Routes ----------------------------------------------------------------------------------

#: When this endpoint's behaviour last changed, for discovery's `changeset` (clients compare it
#: to what they cached).
CHANGESET = "2026-12-03T00:00:00Z"


@open311_blp.route("/discovery.<fmt>")
@open311_blp.response(200, DiscoverySchema)
@_problem_docs(404)
def discovery(fmt: str) -> Response:
    """Where this Open311 endpoint is and what it speaks (GeoReport v2 service discovery), so
    a client configured with this address finds the rest."""
    check_format(fmt)
    return respond("discovery", {
        "changeset": CHANGESET,
        "contact": current_app.config["LINLI_MAIL_SENDER"],
        "key_service": _("No API key is needed. A phone number is kept with a request only "
                         "with the code sent to it by SMS (verifications)."),
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": request.url_root.rstrip("/") + open311_blp.url_prefix,
            "changeset": CHANGESET, "type": "production",
            "formats": list(FORMATS.values())}],
    })


@open311_blp.route("/services.<fmt>")
@open311_blp.response(200, ServiceSchema(many=True))
@_problem_docs(404)
def services(fmt: str) -> Response:
    """The kinds of request a resident can raise (Linli's request categories)."""
    check_format(fmt)
    return respond("services", [{
        "service_code": c.value, "service_name": str(c.label), "description": str(c.label),
        "metadata": False, "type": "realtime", "keywords": "", "group": ""}
        for c in RequestCategory])


@open311_blp.route("/requests.<fmt>", methods=["GET"])
@open311_blp.doc(parameters=[{
    "name": "service_request_id", "in": "query", "required": True,
    "schema": {"type": "string"},
    "description": "Reference codes, comma-separated (at most 20)"}])
@open311_lookup_limits
@open311_blp.response(200, ServiceRequestSchema(many=True))
@_problem_docs(400, 404, 429)
def lookup(fmt: str) -> Response:
    """The state of requests by their reference codes; unknown codes are left out."""
    check_format(fmt)
    codes = [c for c in (request.args.get("service_request_id") or "").split(",")
             if c.strip()]
    if not codes or len(codes) > requests_service.MAX_LOOKUP:
        raise Open311Error(400, [{"code": 400, "field": "service_request_id",
                                  "description": _(
            "Give the reference codes of the requests to look up in service_request_id, "
            "separated by commas (at most %(n)s).", n=requests_service.MAX_LOOKUP)}])
    return respond("service_requests", service_requests(
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
    check_format(fmt)
    body = read_body()
    errors: dict[str, Any] = {}
    data = request_input(db.session, body, errors)
    try:
        requests_service.check_input(db.session, data)
    except requests_service.RequestInvalid as error:
        errors.update(error.errors)
    verification.check_given(current_app.config["SECRET_KEY"], data.phone,
                             text_of(body.get("verification_code")), errors)
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
    if not flag(body.get("confirm_new")):
        _refuse_if_raised(data)
    created = requests_service.create_request(db.session, data, channel=RequestChannel.api)
    if clean is not None:
        photos.add_photo(db.session, created, clean, user=None)
    return respond("service_requests", [{
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
@open311_lookup_limits
@open311_blp.response(200, ServiceRequestSchema(many=True))
@_problem_docs(404, 429)
def service_request(code: str, fmt: str) -> Response:
    """The state of one request by its reference code."""
    check_format(fmt)
    found = requests_service.find_by_codes(db.session, [code])
    if not found:
        raise Open311Error(404, [{"code": 404, "description": _(
            "There is no request with this reference code.")}])
    return respond("service_requests", service_requests(found))


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
    check_format(fmt)
    body = read_body()
    sent = verification.send_code(db.session, current_app.config["SECRET_KEY"],
                                  text_of(body.get("phone")), current_locale())
    return respond("verifications", [{"phone": mask_phone(sent.address),
                                       "expires_in": verification.WINDOW_SECONDS}])
