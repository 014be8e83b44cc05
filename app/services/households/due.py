"""When each household's next contact is due, and the due/overdue lists.

A household's next contact is due at its last *effective* contact (`app.enums.EFFECTIVE`) plus
the shortest interval of its categories' visit policies, and never later than a year after it
(ordinary households: at least one effective contact a year). A household never contacted
counts from the day its file was created.

`due_rows` answers for a whole neighbourhood in two queries, however many households: the
households with their building and group, their last effective contact and their shortest
policy interval. `count_due` counts the same households in the database, per group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import Session

from app.enums import EFFECTIVE, VisitOutcome
from app.models import (
    Building,
    Household,
    HouseholdCategoryLink,
    ServiceGroup,
    UTCDateTime,
    Visit,
    VisitPolicy,
    utcnow,
)

#: Ordinary households: at least one effective contact a year.
MAX_INTERVAL_DAYS = 365


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite aggregates lose the column type
        return value.replace(tzinfo=UTC)
    return value


def next_due(last_effective: datetime | None, created_at: datetime,
             interval_days: int | None) -> datetime:
    """Last effective contact (or the file's creation) plus the interval, at most a year."""
    interval = min(interval_days or MAX_INTERVAL_DAYS, MAX_INTERVAL_DAYS)
    return (last_effective or created_at) + timedelta(days=interval)


def next_contact_due(session: Session, household: Household) -> datetime:
    """One household's next due contact (two queries)."""
    last = _aware(session.scalar(
        select(func.max(Visit.visited_at)).where(
            Visit.household_id == household.id, Visit.outcome.in_(EFFECTIVE))))
    interval = session.scalar(
        select(func.min(VisitPolicy.interval_days))
        .join(HouseholdCategoryLink, VisitPolicy.category == HouseholdCategoryLink.category)
        .where(HouseholdCategoryLink.household_id == household.id))
    return next_due(last, household.created_at, interval)


@dataclass(frozen=True)
class DueRow:
    household_id: int
    contact_name: str
    address: str
    building_id: int | None
    building_number: str | None
    group_id: int | None
    group_name: str | None
    last_effective: datetime | None
    due_at: datetime
    #: Whole days past due (negative: days left).
    days_late: int

    @property
    def overdue(self) -> bool:
        return self.days_late > 0

    def to_json(self) -> dict[str, object]:
        return {
            "household": self.household_id, "name": self.contact_name,
            "address": self.address, "building": self.building_number,
            "group": self.group_id, "group_name": self.group_name,
            "last_effective": self.last_effective.isoformat() if self.last_effective else None,
            "due_at": self.due_at.isoformat(), "days_late": self.days_late,
        }


@dataclass(frozen=True)
class _DueQuery:
    """The households due by a horizon, as SQL (`statement` selects from them; choose its
    columns with `with_only_columns`), and the per-household values callers can select."""
    statement: Select[Any]
    #: The last effective contact, else the file's creation: what the interval counts from.
    base: Any
    last: Any
    interval_days: Any


def _due_query(
    *, horizon: datetime, intervals: list[int],
    neighbourhood_ids: frozenset[int] | None, group_id: int | None, building_id: int | None,
) -> _DueQuery:
    """The one definition of "due" the due list and the due counts share.

    Each household's last effective contact and shortest policy interval are joined in as
    grouped subqueries. "Due" (`next_due` <= horizon) is decided in the database as
    "last contact (or file creation) <= horizon - interval": an interval is one of the
    policies' few distinct values, so each gets its own threshold computed here, and no
    dialect-specific date arithmetic is needed."""
    last_effective = (
        select(Visit.household_id.label("hid"), func.max(Visit.visited_at).label("last"))
        .where(Visit.outcome.in_(EFFECTIVE))
        .group_by(Visit.household_id)
    )
    policy_days = (
        select(HouseholdCategoryLink.household_id.label("hid"),
               func.min(VisitPolicy.interval_days).label("days"))
        .join(VisitPolicy, VisitPolicy.category == HouseholdCategoryLink.category)
        .group_by(HouseholdCategoryLink.household_id)
    )
    household_filters = []
    if neighbourhood_ids is not None:
        household_filters.append(Household.neighbourhood_id.in_(neighbourhood_ids))
    if building_id is not None:
        household_filters.append(Household.building_id == building_id)
    if household_filters:
        # The aggregates only for the households asked about.
        last_effective = last_effective.join(Household, Household.id == Visit.household_id) \
            .where(*household_filters)
        policy_days = policy_days.join(
            Household, Household.id == HouseholdCategoryLink.household_id).where(*household_filters)
    last_effective = last_effective.subquery()
    policy_days = policy_days.subquery()
    base = func.coalesce(last_effective.c.last, Household.created_at)
    statement = (
        select(Household.id)
        .select_from(Household)
        .outerjoin(Building, Household.building_id == Building.id)
        .outerjoin(ServiceGroup, Building.service_group_id == ServiceGroup.id)
        .outerjoin(last_effective, last_effective.c.hid == Household.id)
        .outerjoin(policy_days, policy_days.c.hid == Household.id)
        .where(*household_filters)
        .where(base <= _latest_base(policy_days.c.days, horizon, intervals))
    )
    if group_id is not None:
        statement = statement.where(Building.service_group_id == group_id)
    return _DueQuery(statement, base, last_effective.c.last, policy_days.c.days)


def _policy_intervals(session: Session) -> list[int]:
    """The intervals a household can have, shortened to the yearly minimum."""
    days = session.scalars(select(VisitPolicy.interval_days).distinct())
    return sorted({min(d, MAX_INTERVAL_DAYS) for d in days} - {MAX_INTERVAL_DAYS})


def _latest_base(interval_days: Any, horizon: datetime, intervals: list[int]) -> Any:
    """SQL: the latest last contact that is due by `horizon`, for a household whose shortest
    interval is `interval_days` (NULL, or a year or more: the yearly minimum)."""

    def at(days: int) -> Any:
        return literal(horizon - timedelta(days=days), UTCDateTime())

    if not intervals:
        return at(MAX_INTERVAL_DAYS)
    return case({d: at(d) for d in intervals}, value=interval_days, else_=at(MAX_INTERVAL_DAYS))


def due_rows(
    session: Session, *, now: datetime | None = None,
    neighbourhood_ids: frozenset[int] | None = None, group_id: int | None = None,
    building_id: int | None = None, within_days: int = 0,
) -> list[DueRow]:
    """Households due within `within_days` from now (0: due today or overdue), latest first.

    Two queries whatever the number of households (`_due_query`). It runs on the
    session's connection without the ORM's row loading, which on a 5,000-household
    neighbourhood cost more than the query itself."""
    now = now or utcnow()
    due = _due_query(horizon=now + timedelta(days=within_days),
                     intervals=_policy_intervals(session), neighbourhood_ids=neighbourhood_ids,
                     group_id=group_id, building_id=building_id)
    statement = due.statement.with_only_columns(
        Household.id, Household.contact_name, Household.address, Household.created_at,
        Building.id, Building.number, ServiceGroup.id, ServiceGroup.name,
        due.last, due.interval_days, maintain_column_froms=False)
    session.flush()  # the connection does not autoflush as the session would
    out: list[DueRow] = []
    for hid, name, address, created, bid, bnumber, gid, gname, last, days in \
            session.connection().execute(statement).all():
        last = _aware(last)
        due_at = next_due(last, _aware(created), days)
        out.append(DueRow(hid, name, address, bid, bnumber, gid, gname, last, due_at,
                          (now - due_at).days))
    out.sort(key=lambda r: (r.due_at, r.household_id))
    return out


@dataclass(frozen=True)
class DueCount:
    group_id: int | None
    group_name: str | None
    due: int
    overdue: int


def _sorted_counts(counts: Iterable[DueCount]) -> list[DueCount]:
    return sorted(counts, key=lambda c: (c.group_id is None, c.group_name or ""))


def due_counts(rows: list[DueRow]) -> list[DueCount]:
    """Per group (no group last): how many of these rows are due and how many overdue."""
    counts: dict[int | None, list] = {}
    for row in rows:
        entry = counts.setdefault(row.group_id, [row.group_name, 0, 0])
        entry[1] += 1
        entry[2] += row.overdue
    return _sorted_counts(DueCount(g, n, d, o) for g, (n, d, o) in counts.items())


def count_due(session: Session, *, now: datetime | None = None,
              neighbourhood_ids: frozenset[int] | None = None) -> list[DueCount]:
    """What `due_counts(due_rows(...))` answers, counted in the database (two queries, no
    household loaded): per group (no group last), the households due now and how many of
    them are overdue (a whole day or more past due, as `DueRow.overdue`)."""
    now = now or utcnow()
    intervals = _policy_intervals(session)
    due = _due_query(horizon=now, intervals=intervals,
                     neighbourhood_ids=neighbourhood_ids, group_id=None, building_id=None)
    late = _latest_base(due.interval_days, now - timedelta(days=1), intervals)
    statement = due.statement.with_only_columns(
        ServiceGroup.id, ServiceGroup.name, func.count(),
        func.coalesce(func.sum(case((due.base <= late, 1), else_=0)), 0),
        maintain_column_froms=False,
    ).group_by(ServiceGroup.id, ServiceGroup.name)
    session.flush()
    return _sorted_counts(DueCount(gid, name, count, late_count)
                          for gid, name, count, late_count in session.execute(statement))


def latest_outcomes(session: Session, household_ids: list[int]) -> dict[int, VisitOutcome]:
    """The outcome of each household's latest recorded (not planned) contact."""
    latest = (
        select(Visit.household_id, func.max(Visit.visited_at).label("at"))
        .where(Visit.household_id.in_(household_ids), Visit.outcome != VisitOutcome.planned)
        .group_by(Visit.household_id).subquery()
    )
    rows = session.execute(
        select(Visit.household_id, Visit.outcome)
        .join(latest, (latest.c.household_id == Visit.household_id)
              & (latest.c.at == Visit.visited_at))
    ).tuples()
    return {hid: VisitOutcome(outcome) for hid, outcome in rows}
