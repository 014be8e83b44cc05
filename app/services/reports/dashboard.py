"""The figures of the admin's dashboard: what needs doing now, and the monthly charts.

Every function takes the user and applies their row scope (`app.services.scoping`), so a
coordinator's dashboard counts their neighbourhoods only and a team lead's their teams' shifts.
Each is one SQL aggregate query. Months are local calendar months (the deployment's zone):
timestamps are bucketed by comparing with each month's local bounds (a ``CASE``), which is the
same on SQLite and PostgreSQL and right at midnight on the first of the month.

- **Unfilled seats this week**: for shifts starting in the next seven days (events not
  cancelled), the minimum headcount not yet held by a pending, confirmed or attended assignment.
- **Overdue requests**: requests still open (`app.enums.OPEN_REQUEST`) past their due time.
- **Answers awaited**: assignments published to a volunteer and not answered, on shifts still
  to come.
- **Contacts per month** ("visits done vs due"): per month, contacts dated in it that were
  effective, not effective (missed, not at home, refused), or still planned and not recorded.
- **Requests by state**: how many requests are in each state now.
- **Service hours per month**: the hours ledger's minutes by the month of the service day, in
  hours.
- **Requests per month**: requests received in each month, and resolved in each month (the
  monthly trend lines draw them with the contacts and the hours).
- **Buildings by days since the last contact**: each building in scope and the local days since
  the latest effective contact with one of its households (None: never).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.enums import (
    EFFECTIVE,
    NOT_EFFECTIVE,
    OPEN_REQUEST,
    AssignmentStatus,
    EventStatus,
    RequestStatus,
    VisitOutcome,
)
from app.models import (
    Assignment,
    Building,
    Event,
    HoursEntry,
    Household,
    Neighbourhood,
    ResidentRequest,
    Shift,
    User,
    Visit,
)
from app.services.reports.activity import held_seats
from app.services.reports.sql import bucket_of
from app.services.scoping import scoped

WEEK = timedelta(days=7)

#: How far the coverage chart looks ahead, and how many event-and-skill rows it shows (the
#: soonest).
COVERAGE_DAYS, COVERAGE_ROWS = 30, 15

#: The contacts chart's kinds: what counts in each (its bars' rows are chosen the same way).
CONTACT_KINDS: dict[str, Any] = {
    "done": Visit.outcome.in_(EFFECTIVE),
    "not_effective": Visit.outcome.in_(NOT_EFFECTIVE),
    "planned": Visit.outcome == VisitOutcome.planned,
}
CONTACT_LABELS: dict[str, Any] = {"done": _l("Effective"), "not_effective": _l("Not effective"),
                                  "planned": _l("Planned, not yet recorded")}


def month_starts(today: date, count: int) -> list[date]:
    """The first days of the last `count` months, the current one last."""
    firsts = [today.replace(day=1)]
    while len(firsts) < count:
        firsts.insert(0, (firsts[0] - timedelta(days=1)).replace(day=1))
    return firsts


def next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def local_bounds(firsts: list[date], zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    def at(day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=zone)
    return [(at(f), at(next_month(f))) for f in firsts]


def unfilled_seats(session: Session, user: User, now: datetime) -> int:
    held = held_seats()
    missing = Shift.min_volunteers - func.coalesce(held.c.n, 0)
    statement = (
        select(func.coalesce(func.sum(case((missing > 0, missing), else_=0)), 0))
        .select_from(Shift)
        .join(Event, Event.id == Shift.event_id)
        .outerjoin(held, held.c.sid == Shift.id)
        .where(Shift.start_at >= now, Shift.start_at < now + WEEK,
               Event.status != EventStatus.cancelled)
    )
    return int(session.scalar(scoped(statement, user, Shift)) or 0)


def overdue_requests(session: Session, user: User, now: datetime) -> int:
    statement = select(func.count()).select_from(ResidentRequest).where(
        ResidentRequest.status.in_(OPEN_REQUEST), ResidentRequest.due_at < now)
    return int(session.scalar(scoped(statement, user, ResidentRequest)) or 0)


def answers_awaited(session: Session, user: User, now: datetime) -> int:
    statement = (
        select(func.count()).select_from(Assignment)
        .join(Shift, Shift.id == Assignment.shift_id)
        .where(Assignment.status == AssignmentStatus.pending, Shift.start_at >= now)
    )
    return int(session.scalar(scoped(statement, user, Assignment)) or 0)


@dataclass(frozen=True)
class Series:
    """A chart's data: a category axis and named series of values."""

    categories: list[str]
    series: dict[str, list[float]]
    #: The categories as links ask for their rows (`app.services.reports.chart_rows`), when
    #: not the categories themselves (months are their own keys).
    keys: list[str] | None = None

    def to_json(self, names: dict[str, Any], kind: str) -> dict[str, Any]:
        return {"kind": kind, "categories": self.categories,
                "keys": self.keys if self.keys is not None else self.categories,
                "series": [{"name": str(names[key]), "key": key, "values": values}
                           for key, values in self.series.items()]}


def contacts_by_month(session: Session, user: User, today: date, zone: ZoneInfo,
                      months: int = 6) -> Series:
    firsts = month_starts(today, months)
    bounds = local_bounds(firsts, zone)
    bucket = bucket_of(Visit.visited_at, bounds)
    kind = case(*((condition, key) for key, condition in CONTACT_KINDS.items()),
                else_="other")
    statement = (
        select(bucket.label("month"), kind.label("kind"), func.count())
        .where(Visit.visited_at >= bounds[0][0], Visit.visited_at < bounds[-1][1])
        .group_by(bucket, kind)
    )
    series: dict[str, list[float]] = {
        k: [0] * months for k in ("done", "not_effective", "planned")}
    for month, what, count in session.execute(scoped(statement, user, Visit)):
        if month is not None and what in series:
            series[what][month] = count
    return Series([f"{f:%Y-%m}" for f in firsts], series)


def requests_by_state(session: Session, user: User) -> Series:
    statement = select(ResidentRequest.status, func.count()).group_by(ResidentRequest.status)
    counts = {RequestStatus(s): n for s, n in session.execute(
        scoped(statement, user, ResidentRequest))}
    states = list(RequestStatus)
    return Series([str(s.label) for s in states],
                  {"requests": [counts.get(s, 0) for s in states]}, [s.value for s in states])


def hours_by_month(session: Session, user: User, today: date, months: int = 6) -> Series:
    firsts = month_starts(today, months)
    bounds = [(f, next_month(f)) for f in firsts]
    bucket = bucket_of(HoursEntry.service_on, bounds)
    statement = (
        select(bucket.label("month"), func.sum(HoursEntry.minutes))
        .where(HoursEntry.service_on >= bounds[0][0], HoursEntry.service_on < bounds[-1][1])
        .group_by(bucket)
    )
    hours = [0.0] * months
    for month, minutes in session.execute(scoped(statement, user, HoursEntry)):
        if month is not None:
            hours[month] = round((minutes or 0) / 60, 1)
    return Series([f"{f:%Y-%m}" for f in firsts], {"hours": hours})


def requests_by_month(session: Session, user: User, today: date, zone: ZoneInfo,
                      months: int = 6) -> Series:
    """Received and resolved per month: one query (a request counts in the month it came in
    and, if resolved, in the month it was resolved)."""
    firsts = month_starts(today, months)
    bounds = local_bounds(firsts, zone)
    R = ResidentRequest
    received, resolved = bucket_of(R.received_at, bounds), bucket_of(R.resolved_at, bounds)
    statement = (
        select(received.label("received"), resolved.label("resolved"), func.count())
        .where(or_(and_(R.received_at >= bounds[0][0], R.received_at < bounds[-1][1]),
                   and_(R.status == RequestStatus.resolved, R.resolved_at >= bounds[0][0],
                        R.resolved_at < bounds[-1][1])))
        .group_by(received, resolved)
    )
    series: dict[str, list[float]] = {"received": [0] * months, "resolved": [0] * months}
    for got, done, count in session.execute(scoped(statement, user, R)):
        if got is not None:
            series["received"][got] += count
        if done is not None:
            series["resolved"][done] += count
    return Series([f"{f:%Y-%m}" for f in firsts], series)


@dataclass(frozen=True)
class BuildingContact:
    building_id: int
    label: str
    days: int | None


def buildings_since_contact(session: Session, user: User, today: date,
                            zone: ZoneInfo) -> list[BuildingContact]:
    """Every building in scope, by neighbourhood and number, with the local days since its
    latest effective contact. One query; the contacts are aggregated for the buildings in
    scope only (a coordinator's grid does not read the whole town's contacts)."""
    latest = (
        scoped(select(Building.id.label("bid"), func.max(Visit.visited_at).label("at"))
               .join(Household, Household.building_id == Building.id)
               .join(Visit, Visit.household_id == Household.id)
               .where(Visit.outcome.in_(EFFECTIVE)), user, Building)
        .group_by(Building.id)
        .subquery("latest")
    )
    statement = (
        select(Building.id, Neighbourhood.name, Building.number, Building.name, latest.c.at)
        .join(Neighbourhood, Neighbourhood.id == Building.neighbourhood_id)
        .outerjoin(latest, latest.c.bid == Building.id)
        .order_by(Neighbourhood.name, Building.number, Building.id)
    )
    out = []
    for bid, hood, number, name, at in session.execute(scoped(statement, user, Building)):
        days = (today - at.astimezone(zone).date()).days if at is not None else None
        out.append(BuildingContact(bid, f"{hood} {name or number}", days))
    return out
