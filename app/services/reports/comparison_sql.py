"""The SQL of the five comparisons (`app.services.reports.five_comparisons` defines the figures
and documents them): three aggregate queries that compute every figure for several periods in
one pass each — the report and the period it is compared with cost one scan, not two.

Each query buckets its rows by period (`period_bucket`: the index of the period a timestamp
falls in, a portable ``CASE``) and groups by (group, period); medians partition by them too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Float,
    Integer,
    and_,
    case,
    cast,
    exists,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.sql import Select

from app.enums import EFFECTIVE, RequestChannel, RequestStatus
from app.models import (
    Building,
    Household,
    HouseholdCategoryLink,
    HouseholdContactWindow,
    Incident,
    IncidentHousehold,
    LinkageLevel,
    RequestEscalation,
    ResidentRequest,
    Visit,
)
from app.services.households.files import BASE_FIELDS, CATEGORY_FIELDS
from app.services.reports.sql import median_of, ranked, seconds_between, within_seconds

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.services.reports.five_comparisons import GroupFigures, Period

Rows = list[dict[int, "GroupFigures"]]


def period_bucket(column: Any, periods: Sequence[Period]) -> Any:
    """The index of the period `column` falls in (NULL in none)."""
    return case(*((and_(column >= p.start, column < p.end), i) for i, p in enumerate(periods)))


def in_any(column: Any, periods: Sequence[Period]) -> Any:
    return or_(*(and_(column >= p.start, column < p.end) for p in periods))


def _nonblank(column: Any) -> Any:
    return and_(column.is_not(None), func.trim(column) != "")


def _categories_expecting(name: str) -> list[str]:
    return [c.value for c, fields in CATEGORY_FIELDS.items() if name in fields]


def completeness_columns() -> tuple[Any, Any, Callable[[Select[Any]], Select[Any]]]:
    """(filled, expected, add_joins) for the household of the current row: the SQL form of
    `app.services.households.files.completeness`. `add_joins` outer-joins what a household's
    categories expect and whether it has contact windows, as two grouped subqueries (joins,
    not a correlated subquery per household and field)."""
    base = {
        "contact_name": _nonblank(Household.contact_name),
        "contact_phone": _nonblank(Household.contact_phone),
        "building": Household.building_id.is_not(None),
        "floor": Household.floor.is_not(None),
        "room": _nonblank(Household.room),
        "members_count": Household.members_count >= 1,
    }
    assert tuple(base) == BASE_FIELDS, "the SQL completeness must follow the Python one"
    extra_names = ("contact_windows", "notes")
    assert {n for f in CATEGORY_FIELDS.values() for n in f} <= set(extra_names)
    wants = (
        select(HouseholdCategoryLink.household_id.label("hid"), *(
            func.max(case((HouseholdCategoryLink.category.in_(_categories_expecting(name)), 1),
                          else_=0)).label(name) for name in extra_names))
        .group_by(HouseholdCategoryLink.household_id)
        .subquery("wants")
    )
    windows = (
        select(HouseholdContactWindow.household_id.label("hid"))
        .group_by(HouseholdContactWindow.household_id)
        .subquery("windows")
    )
    has = {"contact_windows": windows.c.hid.is_not(None), "notes": _nonblank(Household.notes)}
    filled: Any = sum(case((cond, 1), else_=0) for cond in base.values())
    expected: Any = literal_column(str(len(base)))
    for name in extra_names:
        wanted = func.coalesce(wants.c[name], 0) == 1
        filled = filled + case((and_(wanted, has[name]), 1), else_=0)
        expected = expected + case((wanted, 1), else_=0)

    def add_joins(statement: Select[Any]) -> Select[Any]:
        return (statement.outerjoin(wants, wants.c.hid == Household.id)
                .outerjoin(windows, windows.c.hid == Household.id))

    return filled, expected, add_joins


def effective_in(periods: Sequence[Period]) -> Any:
    """An effective contact dated in one of `periods` (measure 1, contacts)."""
    return and_(Visit.outcome.in_(EFFECTIVE), in_any(Visit.visited_at, periods))


def contacts_per_household(periods: Sequence[Period]) -> Any:
    """A subquery: per household with a contact, its effective contacts in each period
    (columns ``hid``, ``n0``, ``n1``…)."""
    n = [func.sum(case((and_(Visit.visited_at >= p.start, Visit.visited_at < p.end), 1),
                       else_=0)).label(f"n{i}") for i, p in enumerate(periods)]
    return (
        select(Visit.household_id.label("hid"), *n)
        .where(effective_in(periods))
        .group_by(Visit.household_id)
        .subquery("contacts")
    )


def household_figures(session: Session, periods: Sequence[Period], ids: list[int],
                      rows: Rows) -> None:
    """Contacts, breadth (per period) and file completeness (as the files stand now)."""
    contacts = contacts_per_household(periods)
    filled, expected, add_joins = completeness_columns()
    score = cast(filled, Float) / expected
    per_period = []
    for i in range(len(periods)):
        column = func.coalesce(contacts.c[f"n{i}"], 0)
        per_period += [func.sum(column), func.sum(case((column > 0, 1), else_=0))]
    statement = add_joins(
        select(Building.service_group_id, func.count(Household.id), func.avg(score),
               func.sum(case((filled == expected, 1), else_=0)), *per_period)
        .select_from(Household)
        .join(Building, Building.id == Household.building_id)
        .outerjoin(contacts, contacts.c.hid == Household.id)
        .where(Building.service_group_id.in_(ids))
        .group_by(Building.service_group_id)
    )
    for gid, households, average, complete, *counts in session.execute(statement):
        for i, period_rows in enumerate(rows):
            row = period_rows[gid]
            row.households = households
            row.completeness = float(average) if average is not None else None
            row.complete = int(complete or 0)
            row.contacts, row.contacted = int(counts[2 * i] or 0), int(counts[2 * i + 1] or 0)


HOUR = 3600.0


def promptness_samples(periods: Sequence[Period], ids: list[int]) -> Any:
    """A CTE of the promptness samples: one row per visit-channel request received in a
    period (``kind = 'request'``) and per household of an incident restored in one
    (``kind = 'incident'``), with its group, period index, hours (NULL: not measured, or the
    follow-up still pending) and what it is (``request_id``; ``incident_id`` and
    ``household_id``)."""
    R = ResidentRequest
    requests_in = and_(in_any(R.received_at, periods), R.channel == RequestChannel.visit,
                       R.service_group_id.in_(ids))
    effective_before = and_(Visit.outcome.in_(EFFECTIVE), Visit.visited_at <= R.received_at)
    by_household = (
        select(func.max(Visit.visited_at))
        .where(effective_before, Visit.household_id == R.household_id)
        .correlate(R).scalar_subquery()
    )
    no_id = cast(null(), Integer)
    request_period = period_bucket(R.received_at, periods)
    from_household = select(
        R.service_group_id.label("gid"), request_period.label("period"),
        literal_column("'request'").label("kind"),
        (seconds_between(R.received_at, by_household) / HOUR).label("hours"),
        R.id.label("request_id"), no_id.label("incident_id"), no_id.label("household_id"),
    ).where(requests_in, R.household_id.is_not(None))
    from_building = _building_samples(periods, requests_in, request_period)
    follow_ups = (
        select(Building.service_group_id, period_bucket(Incident.restored_at, periods),
               literal_column("'incident'"),
               seconds_between(Visit.visited_at, Incident.restored_at) / HOUR,
               no_id, IncidentHousehold.incident_id, IncidentHousehold.household_id)
        .select_from(IncidentHousehold)
        .join(Incident, Incident.id == IncidentHousehold.incident_id)
        .join(Household, Household.id == IncidentHousehold.household_id)
        .join(Building, Building.id == Household.building_id)
        .outerjoin(Visit, Visit.id == IncidentHousehold.follow_up_visit_id)
        .where(in_any(Incident.restored_at, periods), Building.service_group_id.in_(ids))
    )
    return union_all(from_household, from_building, follow_ups).cte("samples")


def promptness(session: Session, periods: Sequence[Period], ids: list[int], rows: Rows) -> None:
    """The two medians and the one over both samples, per group and period."""
    samples = promptness_samples(periods, ids)
    both = select(samples.c.gid, samples.c.period, literal_column("'all'").label("kind"),
                  samples.c.hours).where(samples.c.hours.is_not(None))
    every = union_all(select(samples.c.gid, samples.c.period, samples.c.kind,
                             samples.c.hours), both).subquery()
    position, count = ranked(every.c.hours, every.c.gid, every.c.period, every.c.kind)
    numbered = select(every.c.gid, every.c.period, every.c.kind, every.c.hours,
                      position.label("pos"), count.label("n")).subquery()
    statement = (
        select(numbered.c.gid, numbered.c.period, numbered.c.kind, func.max(numbered.c.n),
               func.count(), median_of(numbered.c.hours, numbered.c.pos, numbered.c.n))
        .group_by(numbered.c.gid, numbered.c.period, numbered.c.kind)
    )
    for gid, period, kind, measured, total, median in session.execute(statement):
        row = rows[period][gid]
        value = float(median) if median is not None else None
        if kind == "request":
            row.request_samples, row.request_hours = measured, value
        elif kind == "incident":
            row.follow_up_samples, row.follow_up_hours = measured, value
            row.follow_ups_pending = total - measured
        else:
            row.promptness_hours = value


#: A request naming only its building is compared with the building's contacts of the
#: 90 days before it; an older contact did not produce it (the request is then not measured).
BUILDING_LOOKBACK = timedelta(days=90)


def _building_samples(periods: Sequence[Period], requests_in: Any,
                      request_period: Any) -> Select[Any]:
    """Requests naming only their building: hours since the building's latest effective
    contact before them (within `BUILDING_LOOKBACK`; NULL without one). Each request is paired
    with its building's households, each pair with that household's contacts of the 90 days
    before the request, and the latest kept: PostgreSQL hashes the pairs (a few per request)
    and reads the contacts once from their index, instead of sorting every contact of those
    buildings into one time line with the requests (a window, ``max(…) OVER (PARTITION BY
    building ORDER BY time)``, which took a third longer)."""
    R = ResidentRequest
    building_requests = and_(requests_in, R.household_id.is_(None), R.building_id.is_not(None))
    latest = func.max(Visit.visited_at)
    none = cast(null(), Integer)
    return (
        select(R.service_group_id, request_period, literal_column("'request'"),
               seconds_between(R.received_at, latest) / HOUR, R.id, none, none)
        .select_from(R)
        .outerjoin(Household, Household.building_id == R.building_id)
        .outerjoin(Visit, and_(
            Visit.household_id == Household.id, Visit.outcome.in_(EFFECTIVE),
            Visit.visited_at <= R.received_at,
            within_seconds(R.received_at, Visit.visited_at,
                           BUILDING_LOOKBACK.total_seconds())))
        .where(building_requests)
        .group_by(R.id)
    )


def resolved_locally() -> Any:
    """SQL, for a row of `ResidentRequest`: resolved at grassroots level — never passed on
    to a level the town admin does not count as grassroots, such as a town or district
    department (an escalation within the neighbourhood, from the service group to the
    committee, stays at grassroots level)."""
    E = RequestEscalation
    return ~exists().where(E.request_id == ResidentRequest.id,
                           E.to_level_id == LinkageLevel.id,
                           LinkageLevel.grassroots.is_(False))


def resolution_days() -> Any:
    return seconds_between(ResidentRequest.resolved_at, ResidentRequest.received_at) / 86400.0


def resolved_in(periods: Sequence[Period]) -> Any:
    """A request resolved in one of `periods` (measure 5; a reopened one is not resolved)."""
    return and_(ResidentRequest.status == RequestStatus.resolved,
                in_any(ResidentRequest.resolved_at, periods))


def solved(session: Session, periods: Sequence[Period], ids: list[int], rows: Rows) -> None:
    """Requests resolved, resolved at neighbourhood level, median days, per group and period."""
    R = ResidentRequest
    period = period_bucket(R.resolved_at, periods)
    position, count = ranked(resolution_days(), R.service_group_id, period)
    resolved = (
        select(R.service_group_id.label("gid"), period.label("period"),
               resolution_days().label("days"),
               case((resolved_locally(), 1), else_=0).label("local"),
               position.label("pos"), count.label("n"))
        .where(resolved_in(periods), R.service_group_id.in_(ids))
        .subquery()
    )
    statement = (
        select(resolved.c.gid, resolved.c.period, func.count(), func.sum(resolved.c.local),
               median_of(resolved.c.days, resolved.c.pos, resolved.c.n))
        .group_by(resolved.c.gid, resolved.c.period)
    )
    for gid, index, count_, local, median in session.execute(statement):
        row = rows[index][gid]
        row.resolved, row.resolved_locally = count_, int(local or 0)
        row.resolution_days = float(median) if median is not None else None
