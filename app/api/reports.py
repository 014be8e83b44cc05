"""/api/v1/reports: the five comparisons and the period reports (hours, coverage, visits,
requests) as JSON, for an authorised dashboard client.

Who may read it: a logged-in town admin (every neighbourhood's groups) or coordinator (their
own neighbourhoods' rows); the session of the admin panel authenticates (GET only, so no CSRF
token). A neighbourhood outside the user's scope is 404, like a page. The figures are
`app.services.reports.five_comparisons`'s and `app.services.reports.activity`'s, the same as the
admin pages, their exports and `flask report`.
"""

from __future__ import annotations

import http
from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate, validates_schema
from werkzeug.exceptions import Forbidden, HTTPException, NotFound, Unauthorized
from werkzeug.wrappers import Response

from app.api import problems
from app.extensions import db
from app.i18n import day_in_range, deployment_zone
from app.models import Neighbourhood
from app.models.reports import MEASURES
from app.services import scoping
from app.services.reports.activity import REPORTS
from app.services.reports.cache import compare_cached
from app.services.reports.five_comparisons import MAX_DAYS, READERS, Period

MAX_ID = 2**31 - 1

reports_blp = Blueprint(
    "api_reports", __name__, url_prefix="/api/v1/reports",
    description="Reports for the town admin and coordinators (the admin panel's session): "
                "the five comparisons of service groups, volunteer hours, shift coverage, "
                "contacts done and due, requests by way and state.",
)


class PeriodQuerySchema(ma.Schema):
    first = fields.Date(data_key="from", required=True,
                        metadata={"description": "First local day (YYYY-MM-DD)"})
    last = fields.Date(data_key="to", required=True,
                       metadata={"description": "Last local day, included"})
    neighbourhood = fields.Integer(validate=validate.Range(1, MAX_ID),
                                   metadata={"description": "Only this neighbourhood's groups"})

    @validates_schema
    def _period(self, data: dict[str, Any], **kwargs: Any) -> None:
        first, last = data.get("first"), data.get("last")
        if first is None or last is None:
            return
        if not (day_in_range(first) and day_in_range(last)):
            raise ma.ValidationError(str(_l("A date out of range.")), "from")
        if last < first:
            raise ma.ValidationError(str(_l("The period ends before it starts.")), "to")
        if (last - first).days + 1 > MAX_DAYS:
            raise ma.ValidationError(str(_l("A report covers at most %(n)s days.", n=MAX_DAYS)),
                                     "to")


class GroupFiguresSchema(ma.Schema):
    group_id = fields.Integer()
    group = fields.String()
    neighbourhood = fields.String()
    rank = fields.Integer(metadata={"description": "Combined rank, 1 is best"})
    trend = fields.Integer(allow_none=True, metadata={
        "description": "Places gained since the previous period (negative: lost)"})
    score = fields.Float(metadata={"description": "Weighted average of the measures' ranks"})
    ranks = fields.Dict(keys=fields.String(validate=validate.OneOf(MEASURES)),
                        values=fields.Integer())
    contacts = fields.Integer()
    households = fields.Integer()
    contacted = fields.Integer()
    never_contacted = fields.Integer()
    breadth = fields.Float(allow_none=True)
    completeness = fields.Float(allow_none=True)
    complete = fields.Integer()
    complete_share = fields.Float(allow_none=True)
    request_hours = fields.Float(allow_none=True)
    request_samples = fields.Integer()
    follow_up_hours = fields.Float(allow_none=True)
    follow_up_samples = fields.Integer()
    follow_ups_pending = fields.Integer()
    promptness_hours = fields.Float(allow_none=True)
    resolved = fields.Integer()
    resolved_locally = fields.Integer()
    resolution_days = fields.Float(allow_none=True)


class ComparisonSchema(ma.Schema):
    first = fields.Date(data_key="from")
    last = fields.Date(data_key="to")
    previous_from = fields.Date()
    previous_to = fields.Date()
    weights = fields.Dict(keys=fields.String(validate=validate.OneOf(MEASURES)),
                          values=fields.Integer())
    groups = fields.List(fields.Nested(GroupFiguresSchema))


def _problem_docs(*statuses: int):  # type: ignore[no-untyped-def]
    def decorate(view):  # type: ignore[no-untyped-def]
        for status in statuses:
            view = reports_blp.alt_response(status, response=http.HTTPStatus(status).name)(view)
        return view

    return decorate


@reports_blp.errorhandler(HTTPException)
def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
    return problems.from_http_exception(error)


@reports_blp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Cookie"
    return response


def _period_and_scope(query: dict[str, Any]) -> tuple[Period, frozenset[int] | None]:
    """The period asked for and the neighbourhoods the user may see (or the one asked for,
    if they may see it; else 404)."""
    if not current_user.is_authenticated:
        raise Unauthorized()
    if current_user.role not in READERS:
        raise Forbidden()
    user = current_user._get_current_object()
    ids = scoping.neighbourhood_ids(user)
    wanted = query.get("neighbourhood")
    if wanted is not None:
        if (ids is not None and wanted not in ids) or db.session.get(Neighbourhood,
                                                                     wanted) is None:
            raise NotFound()
        ids = frozenset({wanted})
    return Period.of_days(query["first"], query["last"], deployment_zone()), ids


@reports_blp.route("/five-comparisons")
@reports_blp.arguments(PeriodQuerySchema, location="query")
@reports_blp.response(200, ComparisonSchema)
@_problem_docs(401, 403, 404, 422)
def five_comparisons(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    """Per service group: the five measures, each measure's rank, the combined rank and the
    places gained since the previous period of the same length."""
    period, ids = _period_and_scope(query)
    report = compare_cached(db.session, period, neighbourhood_ids=ids)
    return {
        "first": period.first, "last": period.last,
        "previous_from": report.previous_period.first,
        "previous_to": report.previous_period.last, "weights": report.weights,
        "groups": [{**g.to_json(), "trend": report.trend(g)} for g in report.groups],
    }


class TableColumnSchema(ma.Schema):
    key = fields.String()
    label = fields.String(metadata={"description": "In the user's language"})


class TableRowSchema(ma.Schema):
    key = fields.Raw(allow_none=True, metadata={
        "description": "What the row is: a team, group or way (null: none)"})
    label = fields.String()
    values = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True),
                         metadata={"description": "One value per column key"})


class TableSchema(ma.Schema):
    report = fields.String()
    first = fields.Date(data_key="from")
    last = fields.Date(data_key="to")
    columns = fields.List(fields.Nested(TableColumnSchema))
    rows = fields.List(fields.Nested(TableRowSchema))


@reports_blp.route("/<name>")
@reports_blp.arguments(PeriodQuerySchema, location="query")
@reports_blp.response(200, TableSchema)
@_problem_docs(401, 403, 404, 422)
def period_report(query: dict[str, Any], name: str):  # type: ignore[no-untyped-def]
    """A period report as a table: ``hours`` (volunteer hours by team and month),
    ``coverage`` (shift seats needed and filled by event and skill), ``visits`` (contacts
    done, not effective, planned, and due now, by service group), ``requests`` (received by
    way and current state). Any other name is 404."""
    if name not in REPORTS:
        raise NotFound()
    period, ids = _period_and_scope(query)
    table = REPORTS[name].build(db.session, period, deployment_zone(), ids)
    return {"report": name, "first": period.first, "last": period.last, **table.to_json()}
