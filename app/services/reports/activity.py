"""The period reports beside the five comparisons, each a table of SQL aggregates for local
days ``first``…``last`` and a scope (every neighbourhood, or some):

- **hours** (`hours_by_team`): the service-hours ledger's minutes by the volunteer's team or
  service group (团组) and the month of the service day, in hours (corrections included). A
  volunteer in two teams or groups counts in each; the last line, all volunteers, counts each
  hour once. Scope: the volunteer's neighbourhood.
- **coverage** (`coverage`): shifts starting in the period (events not cancelled) by event and
  skill: seats needed (the shifts' minimum headcount), seats filled (held by a pending,
  confirmed or attended assignment, up to the minimum; extra volunteers on one shift do not
  fill another) and the share filled. Scope: the event's neighbourhood.
- **visits** (`visits_by_group`): contacts dated in the period per service group (the
  household's building's; "no group" for the rest): effective, not effective, planned and not
  yet recorded (still due); and, as of now, households due a contact and overdue
  (`app.services.households.due`). Scope: the household's neighbourhood.
- **requests** (`requests_by_way`): requests received in the period by the way they came in and
  the state they are in now. Scope: the request's neighbourhood.

Each report is a `CrossTab` (rows × named columns) that the CLI prints, the API returns and
the dashboard's charts draw; each costs one or two queries whatever the data's size (visits:
three more for what is due now).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, case, cast, func, null, nulls_last, select, union_all
from sqlalchemy.orm import Session, aliased

from app.enums import (
    EFFECTIVE,
    HOLDS_SEAT,
    NOT_EFFECTIVE,
    EventStatus,
    RequestChannel,
    RequestStatus,
    VisitOutcome,
)
from app.i18n import localised
from app.models import (
    Assignment,
    Building,
    Event,
    Household,
    Neighbourhood,
    ResidentRequest,
    ServiceGroup,
    Shift,
    Skill,
    Team,
    Visit,
    Volunteer,
    service_group_members,
    team_members,
)
from app.services.attendance import monthly
from app.services.households.due import count_due
from app.services.reports.five_comparisons import Period
from app.services.reports.sql import bucket_of

Value = int | float | None


@dataclass
class TabRow:
    key: Any
    label: str
    values: dict[str, Value] = field(default_factory=dict)


@dataclass
class CrossTab:
    """A report's table: rows (a team, an event and skill, a group, a way) by named columns."""

    columns: list[tuple[str, Any]]
    rows: list[TabRow]

    def column(self, key: str) -> list[Value]:
        return [row.values.get(key) for row in self.rows]

    def to_json(self) -> dict[str, Any]:
        return {"columns": [{"key": k, "label": str(label)} for k, label in self.columns],
                "rows": [{"key": r.key, "label": r.label,
                          "values": {k: r.values.get(k) for k, _label in self.columns}}
                         for r in self.rows]}


def months_of(period: Period) -> list[date]:
    """The first day of each calendar month the period touches."""
    out = [period.first.replace(day=1)]
    while (nxt := (out[-1] + timedelta(days=32)).replace(day=1)) <= period.last:
        out.append(nxt)
    return out


def _hours(minutes: Any) -> float:
    return round((minutes or 0) / 60, 1)


def hours_by_team(session: Session, period: Period,
                  neighbourhood_ids: frozenset[int] | None = None) -> CrossTab:
    """Two queries: per team or service group and month, and each hour once per month; both
    over the monthly totals (`app.services.attendance.monthly`), not the ledger's lines."""
    firsts = months_of(period)
    volunteers = None
    if neighbourhood_ids is not None:
        volunteers = select(Volunteer.id).where(Volunteer.neighbourhood_id.in_(neighbourhood_ids))
    ledger = monthly.month_rows(period.first, period.last, volunteers=volunteers)
    bucket = bucket_of(ledger.c.month, [(f, monthly.next_month(f)) for f in firsts])
    no_id = cast(null(), Integer)
    # A volunteer's teams and service groups (团组), one row each.
    belongs = union_all(
        select(team_members.c.volunteer_id.label("volunteer_id"),
               team_members.c.team_id.label("team_id"), no_id.label("group_id")),
        select(service_group_members.c.volunteer_id, no_id,
               service_group_members.c.group_id),
    ).subquery()
    # Every neighbourhood has its 党员责任岗团组: a group is named with its neighbourhood's.
    place = aliased(Neighbourhood)
    names = (Team.name, ServiceGroup.name, place.name)
    per_team = (
        select(belongs.c.team_id, belongs.c.group_id, *names, bucket,
               func.sum(ledger.c.minutes)).select_from(ledger)
        .outerjoin(belongs, belongs.c.volunteer_id == ledger.c.volunteer_id)
        .outerjoin(Team, Team.id == belongs.c.team_id)
        .outerjoin(ServiceGroup, ServiceGroup.id == belongs.c.group_id)
        .outerjoin(place, place.id == ServiceGroup.neighbourhood_id)
    ).group_by(belongs.c.team_id, belongs.c.group_id, *names, bucket)
    everyone = select(bucket, func.sum(ledger.c.minutes)).group_by(bucket)
    keys = [f"{f:%Y-%m}" for f in firsts]
    rows: dict[Any, TabRow] = {}
    for tid, gid, team, group, where, month, minutes in session.execute(per_team):
        key = tid if tid is not None else f"g{gid}" if gid is not None else None
        label = team or (f"{where} · {group}" if group else str(_l("No team")))
        row = rows.setdefault(key, TabRow(key, label))
        row.values[keys[month]] = _hours(minutes)
    ordered = sorted(rows.values(), key=lambda r: (r.key is None, r.label))
    total = TabRow("all", str(_l("All volunteers (each hour once)")))
    for month, minutes in session.execute(everyone):
        total.values[keys[month]] = _hours(minutes)
    for row in [*ordered, total]:
        for key in keys:
            row.values.setdefault(key, 0.0)
        row.values["total"] = round(sum(row.values[k] or 0 for k in keys), 1)
    return CrossTab([*((k, k) for k in keys), ("total", _l("Total"))], [*ordered, total])


def held_seats() -> Any:
    """Per shift, how many assignments hold a seat (``sid``, ``n``)."""
    return (
        select(Assignment.shift_id.label("sid"), func.count().label("n"))
        .where(Assignment.status.in_(HOLDS_SEAT))
        .group_by(Assignment.shift_id)
        .subquery("held")
    )


def filled_seats(held: Any) -> Any:
    """A shift's seats filled: those held (`held_seats`), up to its minimum headcount."""
    have = func.coalesce(held.c.n, 0)
    return case((have < Shift.min_volunteers, have), else_=Shift.min_volunteers)


def coverage(session: Session, period: Period, zone: Any,
             neighbourhood_ids: frozenset[int] | None = None) -> CrossTab:
    """One query."""
    held = held_seats()
    filled = filled_seats(held)
    statement = (
        select(Event.id, Event.title, func.min(Shift.start_at), Skill.id, Skill.name_zh,
               Skill.name_en, func.count(Shift.id), func.sum(Shift.min_volunteers),
               func.sum(filled))
        .select_from(Shift)
        .join(Event, Event.id == Shift.event_id)
        .outerjoin(Skill, Skill.id == Shift.skill_id)
        .outerjoin(held, held.c.sid == Shift.id)
        .where(Shift.start_at >= period.start, Shift.start_at < period.end,
               Event.status != EventStatus.cancelled)
        .group_by(Event.id, Event.title, Skill.id, Skill.name_zh, Skill.name_en)
        .order_by(func.min(Shift.start_at), Event.id, nulls_last(Skill.name_zh.asc()))
    )
    if neighbourhood_ids is not None:
        statement = statement.where(Event.neighbourhood_id.in_(neighbourhood_ids))
    rows = []
    for eid, title, start, sid, name_zh, name_en, shifts, needed, got in session.execute(
            statement):
        skill = localised(name_zh, name_en) if sid is not None else str(_l("Any skill"))
        day = start.astimezone(zone).strftime("%m-%d")
        needed, got = int(needed or 0), int(got or 0)
        rows.append(TabRow(f"{eid}-{sid or 0}", f"{day} {title} · {skill}", {
            "shifts": shifts, "needed": needed, "filled": got, "missing": needed - got,
            "share": round(got / needed, 4) if needed else None}))
    return CrossTab([("shifts", _l("Shifts")), ("needed", _l("Seats needed")),
                     ("filled", _l("Seats filled")), ("missing", _l("Seats missing")),
                     ("share", _l("Share filled"))], rows)


_VISIT_COLUMNS = (
    ("done", _l("Effective")), ("not_effective", _l("Not effective")),
    ("planned", _l("Planned, not yet recorded")), ("due_now", _l("Due now")),
    ("overdue_now", _l("Overdue now")),
)


def visits_by_group(session: Session, period: Period,
                    neighbourhood_ids: frozenset[int] | None = None,
                    now: datetime | None = None) -> CrossTab:
    """One query for the period, three for what is due now."""
    kind = case((Visit.outcome.in_(EFFECTIVE), "done"),
                (Visit.outcome.in_(NOT_EFFECTIVE), "not_effective"),
                (Visit.outcome == VisitOutcome.planned, "planned"), else_="other")
    statement = (
        select(ServiceGroup.id, ServiceGroup.name, Neighbourhood.name, kind, func.count())
        .select_from(Visit)
        .join(Household, Household.id == Visit.household_id)
        .outerjoin(Building, Building.id == Household.building_id)
        .outerjoin(ServiceGroup, ServiceGroup.id == Building.service_group_id)
        .outerjoin(Neighbourhood, Neighbourhood.id == ServiceGroup.neighbourhood_id)
        .where(Visit.visited_at >= period.start, Visit.visited_at < period.end)
        .group_by(ServiceGroup.id, ServiceGroup.name, Neighbourhood.name, kind)
    )
    if neighbourhood_ids is not None:
        statement = statement.where(Household.neighbourhood_id.in_(neighbourhood_ids))
    no_group = str(_l("No service group"))
    rows: dict[Any, TabRow] = {}

    def row(gid: int | None, label: str) -> TabRow:
        found = rows.setdefault(gid, TabRow(gid, label))
        for key, _label in _VISIT_COLUMNS:
            found.values.setdefault(key, 0)
        return found

    for gid, group, hood, what, count in session.execute(statement):
        if what != "other":
            row(gid, f"{hood} · {group}" if gid is not None else no_group).values[what] = count
    for due in count_due(session, now=now, neighbourhood_ids=neighbourhood_ids):
        line = row(due.group_id, due.group_name or no_group)
        line.values["due_now"], line.values["overdue_now"] = due.due, due.overdue
    ordered = sorted(rows.values(), key=lambda r: (r.key is None, r.label))
    return CrossTab(list(_VISIT_COLUMNS), ordered)


def requests_by_way(session: Session, period: Period,
                    neighbourhood_ids: frozenset[int] | None = None) -> CrossTab:
    """One query: every way (rows) by every state (columns), and the total."""
    R = ResidentRequest
    statement = (
        select(R.channel, R.status, func.count())
        .where(R.received_at >= period.start, R.received_at < period.end)
        .group_by(R.channel, R.status)
    )
    if neighbourhood_ids is not None:
        statement = statement.where(R.neighbourhood_id.in_(neighbourhood_ids))
    counts = {(RequestChannel(c), RequestStatus(s)): n for c, s, n in session.execute(statement)}
    rows = []
    for channel in RequestChannel:
        values: dict[str, Value] = {s.value: counts.get((channel, s), 0) for s in RequestStatus}
        values["total"] = sum(v or 0 for v in values.values())
        rows.append(TabRow(channel.value, channel.label, values))
    return CrossTab([*((s.value, s.label) for s in RequestStatus), ("total", _l("Total"))],
                    rows)


@dataclass(frozen=True)
class Report:
    title: Any
    build: Any  # (session, period, zone, neighbourhood_ids) -> CrossTab


#: The reports by the name the CLI and the API call them.
REPORTS: dict[str, Report] = {
    "hours": Report(_l("Volunteer service hours by team or service group and month"),
                    lambda s, p, zone, ids: hours_by_team(s, p, ids)),
    "coverage": Report(_l("Shift coverage by event and skill"), coverage),
    "visits": Report(_l("Contacts done and due by service group"),
                     lambda s, p, zone, ids: visits_by_group(s, p, ids)),
    "requests": Report(_l("Requests by way and state"),
                       lambda s, p, zone, ids: requests_by_way(s, p, ids)),
}


def chart(table: CrossTab, kind: str, keys: Sequence[str], *, by_column: bool = False,
          limit: int | None = None) -> dict[str, Any]:
    """What a dashboard chart draws from a table: one category per row and a series per
    column of `keys` (or, `by_column`, one category per column and a series per row), each
    with the key its rows are asked for by."""
    labels = dict(table.columns)
    rows = table.rows[:limit] if limit is not None else table.rows
    if by_column:
        return {"kind": kind, "categories": [str(labels[k]) for k in keys], "keys": list(keys),
                "series": [{"name": r.label, "key": _key(r.key),
                            "values": [r.values.get(k) for k in keys]} for r in rows]}
    return {"kind": kind, "categories": [r.label for r in rows],
            "keys": [_key(r.key) for r in rows],
            "series": [{"name": str(labels[k]), "key": k,
                        "values": [r.values.get(k) for r in rows]} for k in keys]}


def _key(key: Any) -> str:
    """A row's key as a link carries it (`app.services.reports.chart_rows`)."""
    return "none" if key is None else str(key)
