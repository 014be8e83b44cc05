"""The admin's start page: what needs doing now, a few counts, and the charts — each for what
the user's role and scope let them see (`app.services.reports.dashboard` computes them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import abort, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from admin import access
from admin.export import content_disposition, csv_bytes, xlsx_bytes
from admin.protection import ProtectedView, acting_user
from admin.spreadsheet_import import XLSX_MIMETYPE
from admin.views.reports import page_number
from app.enums import AssignmentStatus, EventStatus
from app.extensions import db
from app.i18n import deployment_zone, to_local
from app.models import Assignment, Event, Household, Shift, Volunteer, utcnow
from app.services import care_visits, qualifications, scoping
from app.services.households.due import DueCount, count_due
from app.services.pairing import coverage as pairing_coverage
from app.services.reports import activity, chart_rows, drilldown
from app.services.reports import dashboard as figures
from app.services.reports.columns import format_value
from app.services.reports.five_comparisons import READERS, Period


@dataclass(frozen=True)
class Tile:
    label: Any
    value: int
    endpoint: str


def _count(user: Any, model: type, *conditions: Any) -> int:
    statement = scoping.scoped(select(func.count()).select_from(model), user, model)
    for condition in conditions:
        statement = statement.where(condition)
    return db.session.scalar(statement) or 0


def dashboard_tiles(user: Any) -> list[Tile]:
    now = utcnow()
    candidates = [
        ("Volunteer", _l("Active volunteers"), "volunteer", (Volunteer.active.is_(True),)),
        ("Event", _l("Upcoming events"), "event",
         (Event.start_at >= now, Event.status != EventStatus.cancelled)),
        ("Shift", _l("Upcoming shifts"), "shift", (Shift.start_at >= now,)),
        ("Assignment", _l("Assignments awaiting an answer"), "assignment",
         (Assignment.status == AssignmentStatus.pending,)),
        ("Household", _l("Households"), "household", ()),
    ]
    models = {"Volunteer": Volunteer, "Event": Event, "Shift": Shift,
              "Assignment": Assignment, "Household": Household}
    return [
        Tile(label, _count(user, models[name], *conditions), endpoint)
        for name, label, endpoint, conditions in candidates
        if access.READ in access.permissions(user.role, name)
    ]


def due_counts_for(user: Any) -> list[DueCount] | None:
    """Contacts due and overdue per service group, for those who plan visits (counted in the
    database: two queries, however many households)."""
    if access.READ not in access.permissions(user.role, "VisitRound"):
        return None
    return count_due(db.session, neighbourhood_ids=scoping.neighbourhood_ids(user))


@dataclass(frozen=True)
class Todo:
    label: Any
    value: int
    url: str


def _may(user: Any, model: str) -> bool:
    return access.READ in access.permissions(user.role, model)


def todos(user: Any, due: list[DueCount] | None) -> list[Todo]:
    """What needs doing now, for what the user may see."""
    now = utcnow()
    out = []
    if _may(user, "Shift"):
        out.append(Todo(_l("Unfilled seats in the next 7 days"),
                        figures.unfilled_seats(db.session, user, now),
                        url_for("shift.index_view")))
    if due is not None:
        out.append(Todo(_l("Overdue contacts"), sum(c.overdue for c in due),
                        url_for("visits.index")))
    if _may(user, "ResidentRequest"):
        out.append(Todo(_l("Overdue requests"),
                        figures.overdue_requests(db.session, user, now),
                        url_for("residentrequest.index_view")))
    ids = scoping.neighbourhood_ids(user)
    if _may(user, "Pairing"):
        out.append(Todo(_l("Families of the six categories without a member"),
                        pairing_coverage.without_member_count(
                            db.session, ids, today=to_local(now).date()),
                        url_for("pairing_proposals.index")))
    if _may(user, "Visit"):
        out.append(Todo(_l("Households with %(k)s missed care visits in a row",
                           k=care_visits.MISSES_IN_A_ROW),
                        len(care_visits.missed_in_a_row(db.session, neighbourhood_ids=ids)),
                        url_for("schedule.overdue")))
    if _may(user, "Qualification"):
        today = to_local(now).date()
        out.append(Todo(_l("Licences expiring within %(n)s days", n=qualifications.ALERT_DAYS),
                        len(qualifications.expiring(db.session, today, neighbourhood_ids=ids)),
                        url_for("qualification.index_view")))
    if _may(user, "Assignment"):
        out.append(Todo(_l("Answers awaited from volunteers"),
                        figures.answers_awaited(db.session, user, now),
                        url_for("assignment.index_view")))
    return out


@dataclass(frozen=True)
class Chart:
    key: str
    title: Any
    data: dict[str, Any]


#: Each chart's title (the page of a figure's rows names its chart by it).
CHART_TITLES: dict[str, Any] = {
    "contacts": _l("Contacts per month: done and still due"),
    "requests": _l("Requests by state"),
    "hours": _l("Volunteer service hours per month"),
    "trend": _l("Monthly trends"),
    "coverage": _l("Shift coverage in the next 30 days, by event and skill"),
    "team_hours": _l("Volunteer service hours by team or service group and month"),
    "requests_way": _l("Requests of the last six months by way and state"),
    "buildings": _l("Buildings by days since the last contact"),
}


def _chart(key: str, data: dict[str, Any]) -> Chart:
    """A chart whose bars, points and cells link to their rows: the address of its rows,
    the category and series keys appended by the page (`chart_rows`)."""
    return Chart(key, CHART_TITLES[key], {**data, "rows": url_for("admin.chart_rows",
                                                                   chart=key)})


def charts(user: Any) -> list[Chart]:
    """The dashboard's charts the user may see: contacts per month (done vs planned), requests
    by state, service hours per month, the monthly trend lines; for the town admin and
    coordinators also shift coverage by event and skill, hours by team and month, requests by
    way and state, and the buildings by days since their last contact."""
    zone = deployment_zone()
    today = to_local(utcnow()).date()
    out = []
    trend: list[tuple[str, Any, list[float]]] = []
    if _may(user, "Visit"):
        series = figures.contacts_by_month(db.session, user, today, zone)
        trend.append(("contacts", _l("Effective contacts"), series.series["done"]))
        out.append(_chart("contacts", series.to_json(figures.CONTACT_LABELS, "stack")))
    if _may(user, "ResidentRequest"):
        series = figures.requests_by_state(db.session, user)
        out.append(_chart("requests", series.to_json({"requests": _l("Requests")}, "hbar")))
        monthly = figures.requests_by_month(db.session, user, today, zone)
        trend.append(("received", _l("Requests received"), monthly.series["received"]))
        trend.append(("resolved", _l("Requests resolved"), monthly.series["resolved"]))
    if _may(user, "HoursEntry"):
        series = figures.hours_by_month(db.session, user, today)
        trend.append(("hours", _l("Hours of service"), series.series["hours"]))
        out.append(_chart("hours", series.to_json({"hours": _l("Hours")}, "bar")))
    if trend:
        months = [f"{f:%Y-%m}" for f in figures.month_starts(today, 6)]
        out.append(_chart("trend", {
            "kind": "line", "categories": months, "keys": months,
            "series": [{"name": str(name), "key": key, "values": values}
                       for key, name, values in trend]}))
    if user.role in READERS:
        out += _town_charts(user, today, zone)
    return out


def _town_charts(user: Any, today: Any, zone: Any) -> list[Chart]:
    """The period reports' charts (`app.services.reports.activity`), over the last six months
    (coverage: the next 30 days), in the user's neighbourhoods."""
    ids = scoping.neighbourhood_ids(user)
    half_year = Period.of_days(figures.month_starts(today, 6)[0], today, zone)
    out = []
    if _may(user, "Shift"):
        ahead = Period.of_days(today, today + timedelta(days=figures.COVERAGE_DAYS - 1), zone)
        table = activity.coverage(db.session, ahead, zone, ids)
        out.append(_chart("coverage", activity.chart(table, "hstack", ("filled", "missing"),
                                                     limit=figures.COVERAGE_ROWS)))
    if _may(user, "HoursEntry"):
        table = activity.hours_by_team(db.session, half_year, ids)
        table.rows = [r for r in table.rows if r.key != "all"]
        months = [k for k, _label in table.columns if k != "total"]
        out.append(_chart("team_hours", activity.chart(table, "stack", months,
                                                       by_column=True)))
    if _may(user, "ResidentRequest"):
        table = activity.requests_by_way(db.session, half_year, ids)
        states = [k for k, _label in table.columns
                  if k != "total" and any(table.column(k))]
        out.append(_chart("requests_way", activity.chart(table, "hstack", states)))
    if _may(user, "Visit"):
        buildings = figures.buildings_since_contact(db.session, user, today, zone)
        out.append(_chart("buildings", {
            "kind": "grid", "categories": [b.label for b in buildings],
            "keys": [str(b.building_id) for b in buildings],
            "series": [{"name": str(_l("Days since the last contact")), "key": "days",
                        "values": [b.days for b in buildings]}],
            "pieces": [{"value": -1, "label": str(_l("Never")), "color": "#9e9e9e"},
                       {"min": 0, "max": 7, "label": str(_l("Within a week")),
                        "color": "#1a9850"},
                       {"min": 8, "max": 30, "label": str(_l("8–30 days")),
                        "color": "#a6d96a"},
                       {"min": 31, "max": 90, "label": str(_l("31–90 days")),
                        "color": "#fdae61"},
                       {"min": 91, "label": str(_l("Over 90 days")), "color": "#d73027"}]}))
    return out


def may_drill(user: Any, chart: str, series: str) -> bool:
    """Whether the user sees `chart` (and so the rows behind its figures)."""
    named = chart_rows.drill_of(chart, series)
    if named is None or not _may(user, named[0]):
        return False
    return not chart_rows.CHART_DRILLS[chart].town or user.role in READERS


class LinliIndexView(ProtectedView, AdminIndexView):
    @expose("/")
    def index(self) -> str:
        user = acting_user()
        due = due_counts_for(user)
        return self.render("linli_admin/index.html", tiles=dashboard_tiles(user),
                           due=due, todos=todos(user, due), charts=charts(user))

    @expose("/chart-rows")
    def chart_rows(self) -> Any:
        """The rows behind one bar, point or cell of a dashboard chart, 50 a page; a chart
        the user does not see, or keys that name no figure, are 404."""
        page, size = page_number(), drilldown.PAGE_SIZE
        chart, args, found = _chart_found(offset=(page - 1) * size, limit=size)
        pages = max(1, -(-found.total // size))
        if page > pages:
            return redirect(url_for(".chart_rows", **args, page=pages))
        return self.render("linli_admin/chart_rows.html", title=CHART_TITLES[chart],
                           found=found, page=page, pages=pages, first=(page - 1) * size + 1,
                           args=args, fmt=format_value)

    @expose("/chart-rows.csv")
    def chart_rows_csv(self) -> Response:
        """Every row behind the figure, as CSV (the same scope and 404s as the page)."""
        chart, args, found = _chart_found(offset=0, limit=None)
        name, fallback = _chart_filename(chart, args, found, "csv")
        return Response(csv_bytes(chart_rows.headers(found), found.rows), headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": content_disposition(name, fallback)})

    @expose("/chart-rows.xlsx")
    def chart_rows_xlsx(self) -> Response:
        """Every row behind the figure, as XLSX (numbers as numbers, phones as text)."""
        chart, args, found = _chart_found(offset=0, limit=None)
        name, fallback = _chart_filename(chart, args, found, "xlsx")
        return Response(
            xlsx_bytes(str(CHART_TITLES[chart]), chart_rows.headers(found), found.rows),
            headers={"Content-Type": XLSX_MIMETYPE,
                     "Content-Disposition": content_disposition(name, fallback)})


def _chart_found(*, offset: int, limit: int | None) -> tuple[str, dict[str, str],
                                                               chart_rows.ChartRows]:
    """The chart, its keys and the rows they ask for; 404 for a chart the user does not see
    or keys that name no figure (or one outside the user's scope)."""
    user = acting_user()
    chart, series = request.args.get("chart", ""), request.args.get("series", "")
    category = request.args.get("category", "")
    if not may_drill(user, chart, series):
        abort(404)
    asked = chart_rows.Asked(user, category, series, to_local(utcnow()).date(),
                             deployment_zone())
    found = chart_rows.rows(db.session, chart, asked, offset=offset, limit=limit)
    if found is None:
        abort(404)
    return chart, {"chart": chart, "category": category, "series": series}, found


def _chart_filename(chart: str, args: dict[str, str], found: chart_rows.ChartRows,
                    suffix: str) -> tuple[str, str]:
    """The download's name: the chart's title and the figure's words (a path separator in
    an event's title would make it a folder); an ASCII fallback of the keys."""
    words = " ".join([str(CHART_TITLES[chart]), *found.caption])
    name = re.sub(r'[\\/:*?"<>|]', " ", words).strip()
    keys = "-".join(args[k] for k in ("chart", "category", "series"))
    return f"{name}.{suffix}", f"chart-rows-{keys}.{suffix}"
