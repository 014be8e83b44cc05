"""The rows behind a figure of the five comparisons: for one service group and period, the
contacts, households, promptness samples or resolved requests that a number of the ranking
counts — as many rows as the figure says, because each list is built from the same SQL
definitions as the figure (`app.services.reports.comparison_sql`).

A figure (a column key of `app.services.reports.columns.COLUMNS`) names a `Drill`: its columns
(reusing `Column`, so pages and exports format them like the ranking) and a statement for a
group and period. Several figures share a list with a different filter (``contacted`` and
``never_contacted`` are the patch's households with and without a contact). Medians drill to
the samples they are the median of.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, case, cast, func, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from app.enums import LabelledEnum
from app.models import (
    Building,
    Household,
    Incident,
    ResidentRequest,
    Visit,
    Volunteer,
)
from app.services.reports.columns import COLUMNS, Column
from app.services.reports.comparison_sql import (
    completeness_columns,
    contacts_per_household,
    effective_in,
    promptness_samples,
    resolution_days,
    resolved_in,
    resolved_locally,
)
from app.services.reports.five_comparisons import Period

#: Rows on a page of the drill-down.
PAGE_SIZE = 50

Statement = Callable[[Period, int], Select[Any]]


@dataclass(frozen=True)
class Drill:
    title: Any
    columns: tuple[Column, ...]
    statement: Statement


_WHEN = Column("when", _l("Date and time"), "time")
_ADDRESS = Column("address", _l("Address"), "text")
_ROOM = Column("room", _l("Room"), "text")
_CONTACT = Column("contact_name", _l("Contact person"), "text")


def _contacts(period: Period, gid: int) -> Select[Any]:
    return (
        select(Visit.visited_at.label("when"), Household.address.label("address"),
               Household.room.label("room"), Household.contact_name.label("contact_name"),
               Visit.kind.label("kind"), Visit.outcome.label("outcome"),
               Volunteer.name.label("volunteer"))
        .join(Household, Household.id == Visit.household_id)
        .join(Building, Building.id == Household.building_id)
        .outerjoin(Volunteer, Volunteer.id == Visit.volunteer_id)
        .where(Building.service_group_id == gid, effective_in([period]))
        .order_by(Visit.visited_at, Visit.id)
    )


CONTACTS = Drill(_l("Effective contacts"), (
    _WHEN, _ADDRESS, _ROOM, _CONTACT,
    Column("kind", _l("Kind of contact"), "text"),
    Column("outcome", _l("Outcome"), "text"),
    Column("volunteer", _l("Volunteer"), "text"),
), _contacts)


def _households(which: str) -> Statement:
    """The patch's households with their contacts in the period and file score; `which`
    narrows them like the figure: all, contacted, never contacted, complete."""

    def statement(period: Period, gid: int) -> Select[Any]:
        contacts = contacts_per_household([period])
        filled, expected, add_joins = completeness_columns()
        count = func.coalesce(contacts.c.n0, 0)
        query = add_joins(
            select(Household.address.label("address"), Household.room.label("room"),
                   Household.contact_name.label("contact_name"),
                   Household.contact_phone.label("contact_phone"),
                   count.label("contacts"),
                   (cast(filled, Float) / expected).label("completeness"))
            .select_from(Household)
            .join(Building, Building.id == Household.building_id)
            .outerjoin(contacts, contacts.c.hid == Household.id)
            .where(Building.service_group_id == gid)
            .order_by(Household.address, Household.room, Household.id)
        )
        narrower = {"contacted": count > 0, "never": count == 0, "complete": filled == expected}
        return query.where(narrower[which]) if which in narrower else query

    return statement


_HOUSEHOLD_COLUMNS = (
    _ADDRESS, _ROOM, _CONTACT,
    Column("contact_phone", _l("Contact phone"), "text"),
    Column("contacts", _l("Effective contacts in the period"), "int"),
    Column("completeness", _l("File completeness"), "share"),
)


def _samples(kind: str | None, *, measured: bool) -> Statement:
    """Promptness samples of one kind (or both), measured or not (pending follow-ups)."""

    def statement(period: Period, gid: int) -> Select[Any]:
        samples = promptness_samples([period], [gid])
        R = ResidentRequest
        what = case((samples.c.kind == "request", literal_column("'request'")),
                    else_=literal_column("'incident'"))
        query = (
            select(func.coalesce(R.received_at, Incident.restored_at).label("when"),
                   what.label("sample"),
                   func.coalesce(R.reference_code, Incident.title).label("reference"),
                   func.coalesce(Household.address, Building.address).label("address"),
                   Household.room.label("room"), samples.c.hours.label("hours"))
            .select_from(samples)
            .outerjoin(R, R.id == samples.c.request_id)
            .outerjoin(Incident, Incident.id == samples.c.incident_id)
            .outerjoin(Household,
                       Household.id == func.coalesce(samples.c.household_id, R.household_id))
            .outerjoin(Building, Building.id == R.building_id)
            .where(samples.c.gid == gid, samples.c.period == 0,
                   samples.c.hours.is_not(None) if measured else samples.c.hours.is_(None))
            .order_by(literal_column("1"), literal_column("3"), samples.c.request_id,
                      samples.c.household_id)
        )
        return query.where(samples.c.kind == kind) if kind is not None else query

    return statement


_SAMPLE_COLUMNS = (
    _WHEN,
    Column("sample", _l("Sample"), "text"),
    Column("reference", _l("Request code or incident"), "text"),
    _ADDRESS, _ROOM,
    Column("hours", _l("Hours"), "float"),
)


def _resolved(*, locally: bool) -> Statement:
    def statement(period: Period, gid: int) -> Select[Any]:
        R = ResidentRequest
        query = (
            select(R.reference_code.label("reference"), R.category.label("category"),
                   R.received_at.label("received"), R.resolved_at.label("resolved"),
                   resolution_days().label("days"))
            .where(resolved_in([period]), R.service_group_id == gid)
            .order_by(R.resolved_at, R.id)
        )
        return query.where(resolved_locally()) if locally else query

    return statement


_RESOLVED_COLUMNS = (
    Column("reference", _l("Request code"), "text"),
    Column("category", _l("Category"), "text"),
    Column("received", _l("Received"), "time"),
    Column("resolved", _l("Resolved"), "time"),
    Column("days", _l("Days to resolve"), "float"),
)

_ALL_HOUSEHOLDS = Drill(_l("Households in patch"), _HOUSEHOLD_COLUMNS, _households("all"))
_CONTACTED = Drill(_l("Households contacted"), _HOUSEHOLD_COLUMNS, _households("contacted"))
_COMPLETE = Drill(_l("Complete files"), _HOUSEHOLD_COLUMNS, _households("complete"))
_REQUEST_SAMPLES = Drill(_l("Requests measured"), _SAMPLE_COLUMNS,
                         _samples("request", measured=True))
_FOLLOW_UPS = Drill(_l("Follow-ups measured"), _SAMPLE_COLUMNS,
                    _samples("incident", measured=True))
_RESOLVED = Drill(_l("Requests resolved"), _RESOLVED_COLUMNS, _resolved(locally=False))

#: Each drillable figure (a `COLUMNS` key) and the rows behind it.
DRILLS: dict[str, Drill] = {
    "contacts": CONTACTS,
    "households": _ALL_HOUSEHOLDS,
    "contacted": _CONTACTED,
    "breadth": _CONTACTED,
    "never_contacted": Drill(_l("Never contacted"), _HOUSEHOLD_COLUMNS, _households("never")),
    "completeness": _ALL_HOUSEHOLDS,
    "complete": _COMPLETE,
    "complete_share": _COMPLETE,
    "request_hours": _REQUEST_SAMPLES,
    "request_samples": _REQUEST_SAMPLES,
    "follow_up_hours": _FOLLOW_UPS,
    "follow_up_samples": _FOLLOW_UPS,
    "follow_ups_pending": Drill(_l("Follow-ups pending"), _SAMPLE_COLUMNS,
                                _samples("incident", measured=False)),
    "promptness_hours": Drill(_l("Both, median hours"), _SAMPLE_COLUMNS,
                              _samples(None, measured=True)),
    "resolved": _RESOLVED,
    "resolution_days": _RESOLVED,
    "resolved_locally": Drill(_l("Resolved at neighbourhood level"), _RESOLVED_COLUMNS,
                              _resolved(locally=True)),
}
assert set(DRILLS) <= {c.key for c in COLUMNS}

_SAMPLE_LABELS = {"request": _l("Visit to request"), "incident": _l("Incident to follow-up")}


def cell(column: Column, value: Any, zone: Any) -> Any:
    """A value as the page and the exports show it: local time, an enum's label, a sample's
    kind in words; numbers stay numbers."""
    if isinstance(value, datetime):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, LabelledEnum):
        return value.label
    if column.key == "sample" and value in _SAMPLE_LABELS:
        return str(_SAMPLE_LABELS[value])
    if column.kind in ("float", "share") and value is not None:
        return round(float(value), 4)
    return value


@dataclass(frozen=True)
class Rows:
    drill: Drill
    total: int
    rows: list[list[Any]]


def rows(session: Session, figure: str, period: Period, gid: int, zone: Any, *,
         offset: int = 0, limit: int | None = PAGE_SIZE) -> Rows:
    """The rows behind `figure` for group `gid` in `period`: how many, and those from
    `offset` (all of them with ``limit=None``). Two queries."""
    drill = DRILLS[figure]
    statement = drill.statement(period, gid)
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    page = statement.offset(offset)
    if limit is not None:
        page = page.limit(limit)
    out = [[cell(c, getattr(row, c.key), zone) for c in drill.columns]
           for row in session.execute(page)]
    return Rows(drill, int(total or 0), out)


def headers(drill: Drill) -> Sequence[str]:
    return [str(c.label) for c in drill.columns]
