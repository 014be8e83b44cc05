"""The five comparisons (五个比一比) in the admin: the ranking table with the trend against the
previous period, a bar chart per measure (each with its table), a printable page, and the same
figures as JSON (for the charts), XLSX and CSV.

`FiveComparisonsView` is a Flask-Admin `BaseView` (endpoint ``reports``). The town admin sees
every neighbourhood's groups (or one neighbourhood's); a coordinator only their own
neighbourhoods' groups, on every path: a neighbourhood outside their scope is 404. The figures
are `app.services.reports.five_comparisons`'s (kept per data version:
`app.services.reports.cache`); the weights
are set in `ComparisonWeightsView`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.validators import InputRequired, NumberRange, ValidationError

from admin import access
from admin.base import LinliModelView
from admin.export import content_disposition, csv_bytes, xlsx_bytes
from admin.protection import ProtectedView, acting_user
from app.extensions import db
from app.i18n import day_in_range, deployment_zone, to_local
from app.ids import parse_id
from app.models import Neighbourhood, ServiceGroup, utcnow
from app.models.reports import MAX_WEIGHT, MEASURES
from app.services import scoping
from app.services.reports import drilldown
from app.services.reports.cache import compare_cached
from app.services.reports.columns import COLUMNS, MEASURE_LABELS, format_value
from app.services.reports.export import (
    chart_column,
    chart_data,
    comparison_xlsx,
    headers,
    table_rows,
)
from app.services.reports.five_comparisons import MAX_DAYS, Comparison, Period


@dataclass(frozen=True)
class Scope:
    period: Period
    neighbourhood: Neighbourhood | None
    neighbourhood_ids: frozenset[int] | None
    choices: list[Neighbourhood]
    error: str | None


def _today() -> date:
    return to_local(utcnow()).date()


def presets(today: date) -> list[tuple[Any, date, date]]:
    """This month, last month, this quarter, this year (to today)."""
    month = today.replace(day=1)
    last_month_end = month - timedelta(days=1)
    quarter = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    return [
        (_l("This month"), month, today),
        (_l("Last month"), last_month_end.replace(day=1), last_month_end),
        (_l("This quarter"), quarter, today),
        (_l("This year"), today.replace(month=1, day=1), today),
    ]


def _day(raw: str | None) -> date | None:
    try:
        day = date.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    return day if day_in_range(day) else None


def read_scope() -> Scope:
    """The period and neighbourhood asked for, checked: a date that is not one, a period
    backwards or too long falls back to this month with a message; a neighbourhood outside
    the user's scope is 404."""
    user = acting_user()
    allowed = scoping.neighbourhood_ids(user)
    choices = db.session.scalars(
        scoping.scoped(select(Neighbourhood), user, Neighbourhood)
        .order_by(Neighbourhood.town, Neighbourhood.name)).all()
    today = _today()
    first, last = today.replace(day=1), today
    error = None
    raw_first, raw_last = request.args.get("from"), request.args.get("to")
    if raw_first or raw_last:
        wanted_first, wanted_last = _day(raw_first), _day(raw_last)
        if wanted_first is None or wanted_last is None:
            error = _("Give both dates as year-month-day, for example 2026-03-01.")
        elif wanted_last < wanted_first:
            error = _("The period ends before it starts.")
        elif (wanted_last - wanted_first).days + 1 > MAX_DAYS:
            error = _("A report covers at most %(n)s days.", n=MAX_DAYS)
        else:
            first, last = wanted_first, wanted_last
    neighbourhood = None
    ids = allowed
    raw = request.args.get("neighbourhood", "").strip()
    if raw:
        wanted = parse_id(raw)
        neighbourhood = next((n for n in choices if n.id == wanted), None)
        if neighbourhood is None:
            abort(404)
        ids = frozenset({neighbourhood.id})
    period = Period.of_days(first, last, deployment_zone())
    return Scope(period, neighbourhood, ids, list(choices), error)


def _args(scope: Scope) -> dict[str, Any]:
    args: dict[str, Any] = {"from": scope.period.first.isoformat(),
                            "to": scope.period.last.isoformat()}
    if scope.neighbourhood is not None:
        args["neighbourhood"] = scope.neighbourhood.id
    return args


def _filename(scope: Scope, suffix: str) -> tuple[str, str]:
    span = f"{scope.period.first:%Y%m%d}-{scope.period.last:%Y%m%d}"
    return (f"{_('Five comparisons')} {span}.{suffix}", f"five-comparisons-{span}.{suffix}")


@dataclass(frozen=True)
class DrillRequest:
    scope: Scope
    figure: str
    group: ServiceGroup

    def args(self) -> dict[str, Any]:
        return {"group": self.group.id, "figure": self.figure,
                "from": self.scope.period.first.isoformat(),
                "to": self.scope.period.last.isoformat()}

    def filename(self, suffix: str) -> tuple[str, str]:
        span = f"{self.scope.period.first:%Y%m%d}-{self.scope.period.last:%Y%m%d}"
        title = drilldown.DRILLS[self.figure].title
        return (f"{self.group.name} {title} {span}.{suffix}",
                f"report-rows-{self.group.id}-{self.figure}-{span}.{suffix}")


def read_drill() -> DrillRequest:
    """The group, figure and period of a drill-down; a figure that has no rows, or a group
    that does not exist or is outside the user's scope, is 404."""
    scope = read_scope()
    figure = request.args.get("figure", "")
    if figure not in drilldown.DRILLS:
        abort(404)
    gid = parse_id(request.args.get("group"))
    group = db.session.get(ServiceGroup, gid) if gid is not None else None
    if group is None or (scope.neighbourhood_ids is not None
                         and group.neighbourhood_id not in scope.neighbourhood_ids):
        abort(404)
    return DrillRequest(scope, figure, group)


def page_number() -> int:
    raw = request.args.get("page", "1").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) < 7 and int(raw) else 1


class FiveComparisonsView(ProtectedView, BaseView):
    def is_accessible(self) -> bool:
        return self._may_enter() and access.READ in access.permissions(
            current_user.role, "FiveComparisons")

    def _report(self) -> tuple[Scope, Comparison]:
        scope = read_scope()
        return scope, compare_cached(db.session, scope.period,
                                     neighbourhood_ids=scope.neighbourhood_ids)

    @expose("/")
    def index(self) -> Any:
        scope, report = self._report()
        if scope.error:
            flash(scope.error, "error")
        charts = [(m, MEASURE_LABELS[m], chart_column(m)) for m in MEASURES]
        # The charts' figures travel with the page (an attribute, no inline script): the
        # browser does not ask data.json to compute the whole report a second time.
        figures = chart_data(report)
        chart_json = json.dumps({"groups": figures["groups"], "group_ids": figures["group_ids"],
                                 "charts": figures["charts"]}, ensure_ascii=False)
        return self.render(
            "admin/reports/five_comparisons.html", scope=scope, report=report,
            columns=COLUMNS, charts=charts, chart_json=chart_json, measures=MEASURES,
            measure_labels=MEASURE_LABELS, drillable=drilldown.DRILLS,
            # one address for every figure's rows, the group and figure appended in the page:
            # a hundred groups' tables have thousands of figures, url_for each is too slow
            rows_url=url_for(".rows", **{"from": scope.period.first.isoformat(),
                                         "to": scope.period.last.isoformat()}),
            drill_title=_("The rows behind this figure"),
            fmt=format_value, args=_args(scope), presets=presets(_today()),
            may_weigh=access.EDIT in access.permissions(current_user.role, "ComparisonWeights"))

    @expose("/data.json")
    def data(self) -> Response:
        scope, report = self._report()
        if scope.error:
            return jsonify({"error": scope.error}), 400
        return jsonify(chart_data(report))

    @expose("/export.xlsx")
    def export_xlsx(self) -> Response:
        scope, report = self._report()
        if scope.error:
            flash(scope.error, "error")
            return redirect(url_for(".index"))
        name, fallback = _filename(scope, "xlsx")
        return Response(comparison_xlsx(report), headers={
            "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Content-Disposition": content_disposition(name, fallback)})

    @expose("/export.csv")
    def export_csv(self) -> Response:
        scope, report = self._report()
        if scope.error:
            flash(scope.error, "error")
            return redirect(url_for(".index"))
        name, fallback = _filename(scope, "csv")
        return Response(csv_bytes(headers(), table_rows(report)), headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": content_disposition(name, fallback)})


    @expose("/rows")
    def rows(self) -> Any:
        """The rows behind one figure of one group, 50 a page."""
        wanted = read_drill()
        if wanted.scope.error:
            flash(wanted.scope.error, "error")
        page = page_number()
        size = drilldown.PAGE_SIZE
        found = drilldown.rows(db.session, wanted.figure, wanted.scope.period, wanted.group.id,
                               deployment_zone(), offset=(page - 1) * size, limit=size)
        pages = max(1, -(-found.total // size))
        if page > pages:
            return redirect(url_for(".rows", **wanted.args(), page=pages))
        return self.render(
            "admin/reports/rows.html", wanted=wanted, found=found, page=page, pages=pages,
            first=(page - 1) * size + 1, args=wanted.args(), fmt=format_value,
            back=_args(wanted.scope))

    def _rows_download(self, suffix: str, content_type: str,
                       encode: Any) -> Response:
        """Every row behind the figure as a file (`encode` turns the rows into bytes)."""
        wanted = read_drill()
        if wanted.scope.error:
            flash(wanted.scope.error, "error")
            return redirect(url_for(".index"))
        found = drilldown.rows(db.session, wanted.figure, wanted.scope.period, wanted.group.id,
                               deployment_zone(), limit=None)
        name, fallback = wanted.filename(suffix)
        return Response(encode(found), headers={
            "Content-Type": content_type,
            "Content-Disposition": content_disposition(name, fallback)})

    @expose("/rows.csv")
    def rows_csv(self) -> Response:
        return self._rows_download("csv", "text/csv; charset=utf-8", lambda found: csv_bytes(
            drilldown.headers(found.drill), found.rows))

    @expose("/rows.xlsx")
    def rows_xlsx(self) -> Response:
        return self._rows_download(
            "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            lambda found: xlsx_bytes(str(found.drill.title), drilldown.headers(found.drill),
                                     found.rows))


class ComparisonWeightsView(LinliModelView):
    """The weights of the combined rank: one row, edited by the town administrator."""

    can_create = False
    can_delete = False
    column_list = list(MEASURES)
    form_columns = list(MEASURES)
    column_labels = dict(MEASURE_LABELS)
    column_descriptions = {m: _l("From 0 (does not count) to %(n)s.", n=MAX_WEIGHT)
                           for m in MEASURES}
    form_args = {m: {"validators": [
        InputRequired(), NumberRange(0, MAX_WEIGHT, message=_l(
            "Each weight is a whole number from 0 to %(n)s.", n=MAX_WEIGHT))]}
        for m in MEASURES}

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        if sum(getattr(model, m) or 0 for m in MEASURES) == 0:
            raise ValidationError(_("At least one weight must be above 0."))
        super().on_model_change(form, model, is_created)
