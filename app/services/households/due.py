"""When each household's next contact is due, and the due/overdue lists.

A household's next contact is due at its last *effective* contact (`app.enums.EFFECTIVE`) plus
the shortest interval of its categories' visit policies, and never later than a year after it
(ordinary households: at least one effective contact a year). A household never contacted
counts from the day its file was created.

`due_rows` answers for a whole neighbourhood in one query, however many households: the
households with their building and group, their last effective contact and their shortest
policy interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import EFFECTIVE, VisitOutcome
from app.models import (
    Building,
    Household,
    HouseholdCategoryLink,
    ServiceGroup,
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


def due_rows(
    session: Session, *, now: datetime | None = None,
    neighbourhood_ids: frozenset[int] | None = None, group_id: int | None = None,
    building_id: int | None = None, within_days: int = 0,
) -> list[DueRow]:
    """Households due within `within_days` from now (0: due today or overdue), latest first.

    One query whatever the number of households: each household with its last effective
    contact and shortest policy interval joined in (grouped subqueries). It runs on the
    session's connection without the ORM's row loading, which on a 5,000-household
    neighbourhood cost more than the query itself."""
    now = now or utcnow()
    last_effective = (
        select(Visit.household_id.label("hid"), func.max(Visit.visited_at).label("last"))
        .where(Visit.outcome.in_(EFFECTIVE))
        .group_by(Visit.household_id)
    )
    intervals = (
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
        intervals = intervals.join(
            Household, Household.id == HouseholdCategoryLink.household_id).where(*household_filters)
    last_effective = last_effective.subquery()
    intervals = intervals.subquery()
    statement = (
        select(Household.id, Household.contact_name, Household.address, Household.created_at,
               Building.id, Building.number, ServiceGroup.id, ServiceGroup.name,
               last_effective.c.last, intervals.c.days)
        .outerjoin(Building, Household.building_id == Building.id)
        .outerjoin(ServiceGroup, Building.service_group_id == ServiceGroup.id)
        .outerjoin(last_effective, last_effective.c.hid == Household.id)
        .outerjoin(intervals, intervals.c.hid == Household.id)
        .where(*household_filters)
    )
    if group_id is not None:
        statement = statement.where(Building.service_group_id == group_id)
    horizon = now + timedelta(days=within_days)
    session.flush()  # the connection does not autoflush as the session would
    out: list[DueRow] = []
    for hid, name, address, created, bid, bnumber, gid, gname, last, days in \
            session.connection().execute(statement).all():
        last = _aware(last)
        due = next_due(last, _aware(created), days)
        if due > horizon:
            continue
        out.append(DueRow(hid, name, address, bid, bnumber, gid, gname, last, due,
                          (now - due).days))
    out.sort(key=lambda r: (r.due_at, r.household_id))
    return out


@dataclass(frozen=True)
class DueCount:
    group_id: int | None
    group_name: str | None
    due: int
    overdue: int


def due_counts(rows: list[DueRow]) -> list[DueCount]:
    """Per group (no group last): how many are due and how many of those are overdue."""
    counts: dict[int | None, list] = {}
    for row in rows:
        entry = counts.setdefault(row.group_id, [row.group_name, 0, 0])
        entry[1] += 1
        entry[2] += row.overdue
    return sorted((DueCount(g, n, d, o) for g, (n, d, o) in counts.items()),
                  key=lambda c: (c.group_id is None, c.group_name or ""))


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
