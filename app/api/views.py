"""/api/v1: public events, sign-up and cancellation — the same service as the pages.

Why flask-smorest: it is an extension on a plain Flask app (APIFlask replaces the Flask class
itself, which would mean changing the factory every other part of Linli shares), it is
maintained by the marshmallow team, builds the OpenAPI 3 document from the same marshmallow
schemas that parse and dump the data, and lets us replace its error handling and error
components, which we need for RFC 9457 problem details.

Protection: no cookies are used here, so the blueprint is exempt from the forms' CSRF check;
bodies are read only when sent as JSON (a cross-site HTML form cannot send that without a
CORS preflight, and no CORS headers are given), and sign-up shares the pages' rate limits.
"""

from __future__ import annotations

import http
import re
from datetime import timedelta
from typing import Any

from flask import Flask, request, url_for
from flask_smorest import Api, Blueprint
from flask_smorest.spec import prepare_response
from sqlalchemy import select
from werkzeug.exceptions import HTTPException, NotFound

from app import errors
from app.api import problems
from app.api.member import member_blp
from app.api.open311 import open311_blp, open311_error_page
from app.api.reports import reports_blp
from app.api.schemas import (
    EventListSchema,
    EventQuerySchema,
    EventSchema,
    NeighbourhoodSchema,
    ProblemSchema,
    RegistrationInSchema,
    RegistrationSchema,
)
from app.extensions import csrf, db
from app.i18n import current_locale, local_day_start
from app.models import Event, Neighbourhood, Registration
from app.public.limits import signup_limits
from app.services import signup

MAX_ID = 2**31 - 1
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")

blp = Blueprint(
    "api_v1", __name__, url_prefix="/api/v1",
    description="Public events, sign-up and cancellation for residents.",
)


class LinliApi(Api):
    """flask-smorest with RFC 9457 errors: our handlers, `application/problem+json` docs."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        """The API blueprint handles its own errors; the HTML pages keep theirs."""

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, problems.CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)


def _problem_docs(*statuses: int):  # type: ignore[no-untyped-def]
    def decorate(view):  # type: ignore[no-untyped-def]
        for status in statuses:
            view = blp.alt_response(status, response=http.HTTPStatus(status).name)(view)
        return view

    return decorate


# -- Errors --------------------------------------------------------------------------------

@blp.errorhandler(HTTPException)
@blp.errorhandler(429)  # the pages' app-wide 429 handler would otherwise win
def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
    return problems.from_http_exception(error)


@blp.errorhandler(signup.SignupError)
def _signup_error(error: signup.SignupError):  # type: ignore[no-untyped-def]
    db.session.rollback()
    errors = getattr(error, "errors", None) or (
        {error.field: error.message} if error.field else None)
    return problems.problem_response(error.status, error.message, code=error.code,
                                     errors=errors)


def _routing_error(error: HTTPException):  # type: ignore[no-untyped-def]
    """404/405 for unknown API addresses, which no blueprint sees."""
    if request.path.startswith("/api/v1/open311/"):
        return open311_error_page(error)
    if request.path.startswith("/api/"):
        return problems.from_http_exception(error)
    return errors.error_page(error)


# -- Serialising (no phone, no address; masked names) --------------------------------------

def _places(avail: signup.Availability) -> dict[str, int]:
    return {"capacity": avail.capacity, "remaining": avail.remaining,
            "waitlisted": avail.waitlisted}


def _event(event: Event, counts: dict[tuple[int, int], signup.Availability]) -> dict[str, Any]:
    return {
        "id": event.id,
        "title": event.title,
        "kind": event.kind.value,
        "kind_label": event.kind.label,
        "description": event.description,
        "place": event.place,
        "start_at": event.start_at,
        "end_at": event.end_at,
        "neighbourhood": event.neighbourhood,
        "registration": signup.registration_state(event),
        "registration_opens_at": event.registration_opens_at,
        "registration_closes_at": event.registration_closes_at,
        "waitlist_enabled": event.waitlist_enabled,
        "max_party_size": event.max_party_size,
        "places": _places(signup.availability_for(counts, event))
        if event.capacity is not None else None,
        "slots": [
            {"id": s.id, "label": s.label, "start_at": s.start_at, "end_at": s.end_at,
             "places": _places(signup.availability_for(counts, event, s))}
            for s in event.slots
        ],
        "course": {"completion_sessions": event.completion_sessions,
                   "sessions": len(event.slots)} if event.is_course else None,
        "services": signup.services_offered(event),
        "url": url_for("public.event_detail", event_id=event.id, _external=True),
    }


def _registration(registration: Registration, position: int | None) -> dict[str, Any]:
    return {
        "reference_code": registration.reference_code,
        "status": registration.status.value,
        "waitlist_position": position,
        "name": signup.mask_name(registration.name),
        "party_size": registration.party_size,
        "event_id": registration.event_id,
        "slot_id": registration.slot_id,
        "session_notices": registration.session_notices,
        "cancel_token": registration.cancel_token,
        "url": url_for("public.registration", token=registration.cancel_token,
                       _external=True),
    }


def _public_event_or_404(event_id: int) -> Event:
    event = signup.public_event(db.session, event_id) if event_id <= MAX_ID else None
    if event is None:
        raise NotFound()
    return event


# -- Routes --------------------------------------------------------------------------------

@blp.route("/neighbourhoods")
@blp.response(200, NeighbourhoodSchema(many=True))
def neighbourhoods():  # type: ignore[no-untyped-def]
    """Neighbourhoods, for the events filter."""
    return db.session.scalars(
        select(Neighbourhood).order_by(Neighbourhood.town, Neighbourhood.name)
    ).all()


@blp.route("/events")
@blp.arguments(EventQuerySchema, location="query")
@blp.response(200, EventListSchema)
def list_events(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Upcoming public events, soonest first; filter by neighbourhood, kind and local dates."""
    date_from, date_to = query.get("date_from"), query.get("date_to")
    events = signup.public_events(
        db.session,
        neighbourhood_id=query.get("neighbourhood"),
        kind=query.get("kind"),
        starts_from=local_day_start(date_from) if date_from else None,
        starts_before=local_day_start(date_to) + timedelta(days=1) if date_to else None,
        limit=query["limit"],
        offset=query["offset"],
    )
    counts = signup.availability(db.session, [e.id for e in events])
    return {"items": [_event(e, counts) for e in events], "limit": query["limit"],
            "offset": query["offset"]}


@blp.route("/events/<int:event_id>")
@blp.response(200, EventSchema)
@_problem_docs(404)
def read_event(event_id: int):  # type: ignore[no-untyped-def]
    """One public event with its slots, services and remaining places."""
    event = _public_event_or_404(event_id)
    return _event(event, signup.availability(db.session, [event.id]))


@blp.route("/events/<int:event_id>/registrations", methods=["POST"])
@signup_limits
# An instance, not the class: webargs would build the schema again for every sign-up.
@blp.arguments(RegistrationInSchema())
@blp.response(201, RegistrationSchema)
@_problem_docs(400, 404, 409, 429, 503)
def create_registration(data: dict[str, Any], event_id: int):  # type: ignore[no-untyped-def]
    """Sign up for an event (or one of its slots). Over capacity the resident is waitlisted
    with a position when the event has a waitlist; otherwise 409 `full`."""
    if event_id > MAX_ID:
        raise NotFound()
    slot_id = data.get("slot_id")
    if slot_id is not None and not 1 <= slot_id <= MAX_ID:
        raise signup.SignupError("not_found", signup.SLOT_NOT_FOUND, "slot_id")
    applicant = signup.Applicant(
        name=data["name"], phone=data["phone"], building=data.get("building"),
        room=data.get("room"), party_size=data.get("party_size", 1),
        consent=data["consent"] is True, email=data.get("email"),
        locale=current_locale(), session_notices=data["session_notices"],
    )
    result = signup.register_and_commit(db.session, event_id, applicant, slot_id=slot_id)
    return _registration(result.registration, result.waitlist_position)


def _by_token(token: str) -> Registration:
    found = signup.find_by_token(db.session, token) if _TOKEN.fullmatch(token) else None
    if found is None:
        raise NotFound()
    return found


@blp.route("/registrations/<token>")
@blp.response(200, RegistrationSchema)
@_problem_docs(404)
def read_registration(token: str):  # type: ignore[no-untyped-def]
    """A sign-up, by its cancel token: status and waitlist position."""
    found = _by_token(token)
    return _registration(found, signup.waitlist_position(db.session, found))


@blp.route("/registrations/<token>/cancel", methods=["POST"])
@blp.response(200, RegistrationSchema)
@_problem_docs(404, 503)
def cancel_registration(token: str):  # type: ignore[no-untyped-def]
    """Cancel a sign-up with its token; the place goes to the first on the waitlist.
    Cancelling twice is harmless."""
    if not _TOKEN.fullmatch(token):
        raise NotFound()
    result = signup.cancel(db.session, token)
    return _registration(result.registration, None)


def init_api(app: Flask) -> Api:
    app.config.setdefault("API_TITLE", "Linli 邻里 public API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = LinliApi(spec_kwargs={"info": {"description": (
        "Residents' side of Linli: list and read public events, sign up, cancel; and a "
        "member's own visits under /me (bearer token of her portal link, or her session); "
        "the five comparisons under /reports for the town admin and coordinators (their "
        "admin-panel session); residents' requests under /open311 (Open311 GeoReport v2, "
        "with its own error shape: a list of `code` and `description`). "
        "Errors are "
        "`application/problem+json` (RFC 9457) in the language of `Accept-Language`.")}})
    api.init_app(app)
    api.register_blueprint(blp)
    csrf.exempt(blp)
    api.register_blueprint(member_blp)
    csrf.exempt(member_blp)
    api.register_blueprint(reports_blp)
    api.register_blueprint(open311_blp)
    csrf.exempt(open311_blp)
    app.register_error_handler(404, _routing_error)
    app.register_error_handler(405, _routing_error)
    app.extensions["linli_api"] = api
    return api
