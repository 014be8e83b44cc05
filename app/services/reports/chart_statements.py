"""The statements behind the dashboard charts' figures: for a chart's category and series keys
(`Asked`), the rows one bar, point or cell counts, in the user's scope, and words naming it.

Each statement is built from the same conditions as its figure (`app.services.reports.dashboard`,
`app.services.reports.activity`), so a count has as many rows as its bar says and a sum (hours,
seats) adds up to it. A key that does not name a figure (a month that is not one, a state that
does not exist, a series the chart has not) gives ``None``.
"""

from __future__ import annotations

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


def contacts(session: Session, asked: Asked) -> Found:
    return _contacts_of(asked, asked.category, asked.series)


REQUEST_COLUMNS = (
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


def requests_by_state(session: Session, asked: Asked) -> Found:
    state = _enum(RequestStatus, asked.category)
    if state is None or asked.series != "requests":
        return None
    return _requests_where(asked.user, ResidentRequest.status == state), [state.label]


HOURS_COLUMNS = (
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


def hours(session: Session, asked: Asked) -> Found:
    return _hours_of(asked, asked.category) if asked.series == "hours" else None


def trend(session: Session, asked: Asked) -> Found:
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


SHIFT_COLUMNS = (
    Column("when", _l("Starts"), "time"),
    Column("event", _l("Event"), "text"),
    Column("shift", _l("Shift"), "text"),
    Column("needed", _l("Seats needed"), "int"),
    Column("held", _l("Seats filled"), "int"),
    Column("missing", _l("Seats missing"), "int"),
)


def coverage(session: Session, asked: Asked) -> Found:
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


def team_hours(session: Session, asked: Asked) -> Found:
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


def requests_way(session: Session, asked: Asked) -> Found:
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


BUILDING_COLUMNS = (
    Column("address", _l("Address"), "text"),
    Column("room", _l("Room"), "text"),
    Column("contact_name", _l("Contact person"), "text"),
    Column("latest", _l("Last effective contact"), "time"),
)


def buildings(session: Session, asked: Asked) -> Found:
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
