"""The rows behind a bar, a point or a cell of the dashboard's charts.

A chart's figure is named by the chart (`CHART_DRILLS` key), a category key (a month as
``YYYY-MM``, a request state or way, an event and skill as ``<event id>-<skill id or 0>``, a
building id) and a series key (a contact's kind, a team id or ``none``…), the keys the chart's
data carries beside its labels. Each list is built from the same conditions as its figure
(`app.services.reports.dashboard`, `app.services.reports.activity`) and in the user's scope,
so a count has as many rows as its bar says and a sum (hours, seats) adds up to it.

A key that does not name a figure (a month that is not one, a state that does not exist, a
series the chart has not) gives ``None``: the page answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, and_, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from app.enums import EventStatus, RequestChannel, RequestStatus
from app.i18n import day_in_range, localised
from app.ids import parse_id
from app.models import (
    Building,
    Event,
    HoursEntry,
    Household,
    ResidentRequest,
    ServiceGroup,
    Shift,
    Skill,
    Team,
    User,
    Visit,
    Volunteer,
    service_group_members,
    team_members,
)
from app.services.reports import dashboard
from app.services.reports.activity import filled_seats, held_seats
from app.services.reports.columns import Column
from app.services.reports.dashboard import COVERAGE_DAYS
from app.services.reports.drilldown import CONTACTS, PAGE_SIZE, cell
from app.services.reports.five_comparisons import Period
from app.services.scoping import neighbourhood_ids, scoped


@dataclass(frozen=True)
class Asked:
    """What a link asks for, and when."""

    user: User
    category: str
    series: str
    today: date
    zone: ZoneInfo


#: (statement, words naming the selection) or None when the keys name no figure.
Found = tuple[Select[Any], list[str]] | None


@dataclass(frozen=True)
class ChartDrill:
    #: The model the user must be allowed to read (the access matrix's name).
    model: str
    columns: tuple[Column, ...]
    statement: Callable[[Session, Asked], Found]
    #: Only on the town admin's and coordinators' dashboards (`five_comparisons.READERS`).
    town: bool = False


def month_of(key: str, zone: ZoneInfo) -> tuple[date, datetime, datetime] | None:
    """A ``YYYY-MM`` key as its first day and local bounds."""
    try:
        first = datetime.strptime(key, "%Y-%m").date()
    except ValueError:
        return None
    if not day_in_range(first):
        return None
    (start, end), = dashboard.local_bounds([first], zone)
    return first, start, end


def _half_year(asked: Asked) -> Period:
    """The period of the dashboard's half-year charts."""
    return Period.of_days(dashboard.month_starts(asked.today, 6)[0], asked.today, asked.zone)


def _contacts_of(asked: Asked, month: str, kind: str) -> Found:
    bounds = month_of(month, asked.zone)
    if bounds is None or kind not in dashboard.CONTACT_KINDS:
        return None
    _first, start, end = bounds
    statement = (
        select(Visit.visited_at.label("when"), Household.address.label("address"),
               Household.room.label("room"), Household.contact_name.label("contact_name"),
               Visit.kind.label("kind"), Visit.outcome.label("outcome"),
               Volunteer.name.label("volunteer"))
        .join(Household, Household.id == Visit.household_id)
        .outerjoin(Volunteer, Volunteer.id == Visit.volunteer_id)
        .where(Visit.visited_at >= start, Visit.visited_at < end,
               dashboard.CONTACT_KINDS[kind])
        .order_by(Visit.visited_at, Visit.id)
    )
    return scoped(statement, asked.user, Visit), [month, str(dashboard.CONTACT_LABELS[kind])]


def _contacts(session: Session, asked: Asked) -> Found:
    return _contacts_of(asked, asked.category, asked.series)


_REQUEST_COLUMNS = (
    Column("reference", _l("Request code"), "text"),
    Column("category", _l("Category"), "text"),
    Column("channel", _l("Way in"), "text"),
    Column("status", _l("State"), "text"),
    Column("received", _l("Received"), "time"),
    Column("resolved", _l("Resolved"), "time"),
)


def _requests_where(user: User, *conditions: Any) -> Select[Any]:
    R = ResidentRequest
    statement = (
        select(R.reference_code.label("reference"), R.category.label("category"),
               R.channel.label("channel"), R.status.label("status"),
               R.received_at.label("received"), R.resolved_at.label("resolved"))
        .where(*conditions)
        .order_by(R.received_at, R.id)
    )
    return scoped(statement, user, R)


def _enum(kind: Any, key: str) -> Any:
    try:
        return kind(key)
    except ValueError:
        return None


def _requests_by_state(session: Session, asked: Asked) -> Found:
    state = _enum(RequestStatus, asked.category)
    if state is None or asked.series != "requests":
        return None
    return _requests_where(asked.user, ResidentRequest.status == state), [state.label]


_HOURS_COLUMNS = (
    Column("day", _l("Service day"), "text"),
    Column("volunteer", _l("Volunteer"), "text"),
    Column("activity", _l("Activity"), "text"),
    Column("kind", _l("Kind"), "text"),
    Column("hours", _l("Hours"), "float"),
)


def _hours_select() -> Select[Any]:
    return (
        select(HoursEntry.service_on.label("day"), Volunteer.name.label("volunteer"),
               HoursEntry.activity.label("activity"), HoursEntry.kind.label("kind"),
               (cast(HoursEntry.minutes, Float) / 60.0).label("hours"))
        .join(Volunteer, Volunteer.id == HoursEntry.volunteer_id)
        .order_by(HoursEntry.service_on, HoursEntry.id)
    )


def _hours_of(asked: Asked, month: str) -> Found:
    bounds = month_of(month, asked.zone)
    if bounds is None:
        return None
    first = bounds[0]
    statement = _hours_select().where(HoursEntry.service_on >= first,
                                      HoursEntry.service_on < dashboard.next_month(first))
    return scoped(statement, asked.user, HoursEntry), [month]


def _hours(session: Session, asked: Asked) -> Found:
    return _hours_of(asked, asked.category) if asked.series == "hours" else None


def _trend(session: Session, asked: Asked) -> Found:
    """The monthly trend lines: each point is a figure of another chart."""
    R = ResidentRequest
    if asked.series == "contacts":
        return _contacts_of(asked, asked.category, "done")
    if asked.series == "hours":
        return _hours_of(asked, asked.category)
    bounds = month_of(asked.category, asked.zone)
    if bounds is None or asked.series not in ("received", "resolved"):
        return None
    _first, start, end = bounds
    if asked.series == "received":
        where = and_(R.received_at >= start, R.received_at < end)
    else:
        where = and_(R.status == RequestStatus.resolved, R.resolved_at >= start,
                     R.resolved_at < end)
    label = _l("Requests received") if asked.series == "received" else _l("Requests resolved")
    return _requests_where(asked.user, where), [asked.category, str(label)]


_SHIFT_COLUMNS = (
    Column("when", _l("Starts"), "time"),
    Column("event", _l("Event"), "text"),
    Column("shift", _l("Shift"), "text"),
    Column("needed", _l("Seats needed"), "int"),
    Column("held", _l("Seats filled"), "int"),
    Column("missing", _l("Seats missing"), "int"),
)


def _coverage(session: Session, asked: Asked) -> Found:
    """The shifts of one event and skill in the next 30 days (filled or missing seats: the
    same shifts, each with both)."""
    event_key, _, skill_key = asked.category.partition("-")
    event_id, skill_id = parse_id(event_key), parse_id(skill_key)
    if event_id is None or (skill_id is None and skill_key != "0") \
            or asked.series not in ("filled", "missing"):
        return None
    ahead = Period.of_days(asked.today, asked.today + timedelta(days=COVERAGE_DAYS - 1),
                           asked.zone)
    held = held_seats()
    filled = filled_seats(held)
    statement = (
        select(Shift.start_at.label("when"), Event.title.label("event"),
               Shift.title.label("shift"), Shift.min_volunteers.label("needed"),
               filled.label("held"), (Shift.min_volunteers - filled).label("missing"))
        .join(Event, Event.id == Shift.event_id)
        .outerjoin(held, held.c.sid == Shift.id)
        .where(Shift.event_id == event_id, Shift.start_at >= ahead.start,
               Shift.start_at < ahead.end, Event.status != EventStatus.cancelled,
               Shift.skill_id == skill_id if skill_id else Shift.skill_id.is_(None))
        .order_by(Shift.start_at, Shift.id)
    )
    ids = neighbourhood_ids(asked.user)
    if ids is not None:
        statement = statement.where(Event.neighbourhood_id.in_(ids))
    title = session.scalar(scoped(select(Event.title).where(Event.id == event_id),
                                  asked.user, Event))
    if title is None:  # no such event, or not the user's
        return None
    skill = session.get(Skill, skill_id) if skill_id else None
    return statement, [title, localised(skill.name_zh, skill.name_en) if skill is not None
                       else str(_l("Any skill"))]


def _team_hours(session: Session, asked: Asked) -> Found:
    """One team's or service group's (``g<id>``), or the volunteers in neither's, hours in
    one month of the half-year."""
    bounds = month_of(asked.category, asked.zone)
    group = asked.series.startswith("g")
    member_id = parse_id(asked.series[1:] if group else asked.series)
    if bounds is None or (member_id is None and asked.series != "none"):
        return None
    first = bounds[0]
    period = _half_year(asked)
    statement = _hours_select().where(
        HoursEntry.service_on >= max(first, period.first),
        HoursEntry.service_on < dashboard.next_month(first),
        HoursEntry.service_on <= period.last)
    in_team = select(team_members.c.volunteer_id)
    in_group = select(service_group_members.c.volunteer_id)
    if member_id is None:
        statement = statement.where(~HoursEntry.volunteer_id.in_(in_team),
                                    ~HoursEntry.volunteer_id.in_(in_group))
        name = str(_l("No team"))
    elif group:
        statement = statement.where(HoursEntry.volunteer_id.in_(
            in_group.where(service_group_members.c.group_id == member_id)))
        name = session.scalar(scoped(select(ServiceGroup.name).where(
            ServiceGroup.id == member_id), asked.user, ServiceGroup))
    else:
        statement = statement.where(HoursEntry.volunteer_id.in_(
            in_team.where(team_members.c.team_id == member_id)))
        name = session.scalar(scoped(select(Team.name).where(Team.id == member_id),
                                     asked.user, Team))
    if name is None:
        return None
    ids = neighbourhood_ids(asked.user)
    if ids is not None:
        statement = statement.where(Volunteer.neighbourhood_id.in_(ids))
    return statement, [name, asked.category]


def _requests_way(session: Session, asked: Asked) -> Found:
    """Requests of the half-year that came in one way and are in one state now."""
    channel, state = _enum(RequestChannel, asked.category), _enum(RequestStatus, asked.series)
    if channel is None or state is None:
        return None
    R = ResidentRequest
    period = _half_year(asked)
    statement = (
        select(R.reference_code.label("reference"), R.category.label("category"),
               R.channel.label("channel"), R.status.label("status"),
               R.received_at.label("received"), R.resolved_at.label("resolved"))
        .where(R.received_at >= period.start, R.received_at < period.end,
               R.channel == channel, R.status == state)
        .order_by(R.received_at, R.id)
    )
    ids = neighbourhood_ids(asked.user)
    if ids is not None:
        statement = statement.where(R.neighbourhood_id.in_(ids))
    return statement, [channel.label, state.label]


_BUILDING_COLUMNS = (
    Column("address", _l("Address"), "text"),
    Column("room", _l("Room"), "text"),
    Column("contact_name", _l("Contact person"), "text"),
    Column("latest", _l("Last effective contact"), "time"),
)


def _buildings(session: Session, asked: Asked) -> Found:
    """The building's households, each with its latest effective contact (the building's
    is the latest of them)."""
    building_id = parse_id(asked.category)
    if building_id is None or asked.series != "days":
        return None
    latest = (
        select(Visit.household_id.label("hid"), func.max(Visit.visited_at).label("at"))
        .join(Household, Household.id == Visit.household_id)
        .where(Household.building_id == building_id, dashboard.CONTACT_KINDS["done"])
        .group_by(Visit.household_id)
        .subquery("latest")
    )
    statement = scoped(
        select(Household.address.label("address"), Household.room.label("room"),
               Household.contact_name.label("contact_name"), latest.c.at.label("latest"))
        .join(Building, Building.id == Household.building_id)
        .outerjoin(latest, latest.c.hid == Household.id)
        .where(Building.id == building_id)
        .order_by(Household.room, Household.id), asked.user, Building)
    label = session.scalar(scoped(select(func.coalesce(Building.name, Building.number))
                                  .where(Building.id == building_id), asked.user, Building))
    if label is None:
        return None
    return statement, [label]


#: Each dashboard chart (its key) and the rows behind its figures.
CHART_DRILLS: dict[str, ChartDrill] = {
    "contacts": ChartDrill("Visit", CONTACTS.columns, _contacts),
    "requests": ChartDrill("ResidentRequest", _REQUEST_COLUMNS, _requests_by_state),
    "hours": ChartDrill("HoursEntry", _HOURS_COLUMNS, _hours),
    "trend": ChartDrill("", (), _trend),
    "coverage": ChartDrill("Shift", _SHIFT_COLUMNS, _coverage, town=True),
    "team_hours": ChartDrill("HoursEntry", _HOURS_COLUMNS, _team_hours, town=True),
    "requests_way": ChartDrill("ResidentRequest", _REQUEST_COLUMNS, _requests_way,
                               town=True),
    "buildings": ChartDrill("Visit", _BUILDING_COLUMNS, _buildings, town=True),
}

#: The trend lines' points drill into their own charts' rows.
TREND_SERIES = {"contacts": ("Visit", CONTACTS.columns), "hours": ("HoursEntry", _HOURS_COLUMNS),
                "received": ("ResidentRequest", _REQUEST_COLUMNS),
                "resolved": ("ResidentRequest", _REQUEST_COLUMNS)}


def drill_of(chart: str, series: str) -> tuple[str, tuple[Column, ...]] | None:
    """(model to read, columns) of a chart's series, None for a chart that is not one."""
    drill = CHART_DRILLS.get(chart)
    if drill is None:
        return None
    if chart == "trend":
        return TREND_SERIES.get(series)
    return drill.model, drill.columns


@dataclass(frozen=True)
class ChartRows:
    columns: tuple[Column, ...]
    #: Words naming the figure (a month, a state, an event and skill…).
    caption: list[str]
    total: int
    rows: list[list[Any]]


def rows(session: Session, chart: str, asked: Asked, *, offset: int = 0,
         limit: int | None = PAGE_SIZE) -> ChartRows | None:
    """The rows behind one figure of a chart: how many, and those from `offset` (all with
    ``limit=None``); None when the keys name no figure. The caller checks the user may read
    the chart (`drill_of`)."""
    named = drill_of(chart, asked.series)
    if named is None:
        return None
    found = CHART_DRILLS[chart].statement(session, asked)
    if found is None:
        return None
    statement, caption = found
    columns = named[1]
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    page = statement.offset(offset)
    if limit is not None:
        page = page.limit(limit)
    out = [[cell(c, getattr(row, c.key), asked.zone) for c in columns]
           for row in session.execute(page)]
    return ChartRows(columns, caption, int(total or 0), out)
