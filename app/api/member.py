"""/api/v1/me: a member's own visit list and recording what happened (the portal's visits page
as JSON, for a mini-program or an app).

Who the member is, as in the portal: `Authorization: Bearer <t>` with the token of her signed
portal link (the `t` of `/portal/?t=…`, which ends when her link is replaced), or the session
of a logged-in member or a portal session opened with that link. Bodies are read only as JSON
(a cross-site form cannot send that without a CORS preflight, and the session cookie is
SameSite=Lax), so the API keeps no CSRF token.

A member sees what the portal shows her and nothing more: for each of her contacts the
household's contact name, address and phone (she has to find and call them), never its
categories or notes.
"""

from __future__ import annotations

import http
from typing import Any

import marshmallow as ma
from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import fields, validate
from werkzeug.exceptions import HTTPException, NotFound, Unauthorized
from werkzeug.wrappers import Response

from app.api import problems
from app.enums import RECORDABLE, VisitKind, VisitOutcome
from app.extensions import db
from app.models import Visit, Volunteer
from app.portal.views import portal_volunteer
from app.services import links
from app.services.visits import recording

MAX_ID = 2**31 - 1

member_blp = Blueprint(
    "api_member", __name__, url_prefix="/api/v1/me",
    description="A member's own visits: the list and recording outcomes "
                "(Authorization: Bearer <portal link token>, or a logged-in session).",
)


class HouseholdContactSchema(ma.Schema):
    contact_name = fields.String()
    phone = fields.String(allow_none=True)
    address = fields.String()
    building = fields.String(allow_none=True, metadata={"description": "Building number"})
    unit = fields.String()
    floor = fields.Integer(allow_none=True)
    room = fields.String(allow_none=True)


class MemberVisitSchema(ma.Schema):
    id = fields.Integer()
    at = fields.AwareDateTime(metadata={"description": "When it is planned, or when it was "
                                                       "recorded"})
    kind = fields.String(validate=validate.OneOf([k.value for k in VisitKind]))
    kind_label = fields.String()
    outcome = fields.String(validate=validate.OneOf([o.value for o in VisitOutcome]))
    outcome_label = fields.String()
    notes = fields.String(allow_none=True)
    household = fields.Nested(HouseholdContactSchema)


class OutcomeInSchema(ma.Schema):
    outcome = fields.String(required=True,
                            validate=validate.OneOf([o.value for o in RECORDABLE]))
    notes = fields.String(allow_none=True, validate=validate.Length(max=recording.MAX_NOTES),
                          metadata={"description": "Notes and requests collected"})


class RecordedSchema(MemberVisitSchema):
    follow_ups_completed = fields.Integer(metadata={
        "description": "Incident follow-ups this contact completed"})


def _problem_docs(*statuses: int):  # type: ignore[no-untyped-def]
    def decorate(view):  # type: ignore[no-untyped-def]
        for status in statuses:
            view = member_blp.alt_response(status, response=http.HTTPStatus(status).name)(view)
        return view

    return decorate


@member_blp.errorhandler(HTTPException)
def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
    response = problems.from_http_exception(error)
    if error.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="linli"'
    return response


@member_blp.errorhandler(recording.RecordingError)
def _recording_error(error: recording.RecordingError):  # type: ignore[no-untyped-def]
    db.session.rollback()
    return problems.problem_response(400, str(error), code="invalid")


@member_blp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Authorization, Cookie"
    return response


def _member() -> Volunteer:
    """The member named by the bearer token, else the portal's session; 401 otherwise."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _space, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized()
        found = links.read_portal_token(current_app.config["SECRET_KEY"], token.strip())
        if found is None or not 1 <= found[0] <= MAX_ID:
            raise Unauthorized()
        volunteer = db.session.get(Volunteer, found[0])
        if (volunteer is None or not volunteer.active
                or not links.fingerprint_matches(volunteer.feed_token, found[1])):
            raise Unauthorized()
        return volunteer
    volunteer = portal_volunteer()
    if volunteer is None:
        raise Unauthorized()
    return volunteer


def _visit(visit: Visit) -> dict[str, Any]:
    household = visit.household
    return {
        "id": visit.id, "at": visit.visited_at,
        "kind": VisitKind(visit.kind).value, "kind_label": VisitKind(visit.kind).label,
        "outcome": VisitOutcome(visit.outcome).value,
        "outcome_label": VisitOutcome(visit.outcome).label, "notes": visit.notes,
        "household": {
            "contact_name": household.contact_name, "phone": household.contact_phone,
            "address": household.address,
            "building": household.building.number if household.building else None,
            "unit": household.unit, "floor": household.floor, "room": household.room,
        },
    }


@member_blp.route("/visits")
@member_blp.response(200, MemberVisitSchema(many=True))
@_problem_docs(401)
def my_visits():  # type: ignore[no-untyped-def]
    """The member's contacts of published visit rounds: planned ones first (soonest first),
    then those recorded in the last two weeks."""
    member = _member()
    return [_visit(v) for v in recording.my_visits(db.session, member.id)]


@member_blp.route("/visits/<int:visit_id>/outcome", methods=["POST"])
@member_blp.arguments(OutcomeInSchema)
@member_blp.response(200, RecordedSchema)
@_problem_docs(400, 401, 404, 422)
def record_outcome(data: dict[str, Any], visit_id: int):  # type: ignore[no-untyped-def]
    """Record what happened (done, not at home, refused, phone call instead) with notes.
    Recording again corrects it; an effective contact completes open incident follow-ups."""
    member = _member()
    visit = db.session.get(Visit, visit_id) if visit_id <= MAX_ID else None
    if visit is None or visit.volunteer_id != member.id:
        raise NotFound()
    result = recording.record_outcome(db.session, visit, member.id, data["outcome"],
                                      notes=data.get("notes"))
    return {**_visit(result.visit), "follow_ups_completed": result.follow_ups_completed}
