"""Care visits once they happen: recording one as done or missed, the households overdue for
a visit, the visits around now, and the households missed several times in a row.

The visits themselves come from service packages (`app.services.packages.generation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.enums import (
    EFFECTIVE,
    NOT_EFFECTIVE,
    ON_DUTY,
    AssignmentStatus,
    EventKind,
    VisitKind,
    VisitOutcome,
)
from app.models import (
    Assignment,
    Event,
    Household,
    HouseholdCategoryLink,
    Shift,
    Visit,
    VisitPolicy,
    Volunteer,
    utcnow,
)


class CareVisitError(ValueError):
    """A care visit that cannot be recorded so, for a reason the user can read."""


def mark_visit(
    session: Session, event: Event, outcome: VisitOutcome, *, notes: str | None = None,
    now: datetime | None = None,
) -> Visit:
    """Record a care-visit event as done or missed (again: the outcome is updated). A visit
    is marked missed only once its time has passed."""
    if event.household_id is None:
        raise ValueError("only a household's visit can be marked")
    if outcome in NOT_EFFECTIVE and event.end_at > (now or utcnow()):
        raise CareVisitError(str(_l("A visit can be marked missed only once its time has "
                                    "passed.")))
    volunteer_id = session.scalar(
        select(Assignment.volunteer_id)
        .join(Shift, Assignment.shift_id == Shift.id)
        .where(
            Shift.event_id == event.id,
            Assignment.status.in_(ON_DUTY),
        )
        .order_by(Assignment.id)
        .limit(1)
    )
    visit = session.scalar(select(Visit).where(Visit.event_id == event.id))
    if visit is None:
        visit = Visit(household_id=event.household_id, event_id=event.id,
                      kind=VisitKind.care_package, visited_at=event.start_at)
        session.add(visit)
    visit.outcome = outcome
    visit.volunteer_id = volunteer_id
    if notes is not None:
        visit.notes = notes
    for a in session.scalars(
        select(Assignment).join(Shift, Assignment.shift_id == Shift.id).where(
            Shift.event_id == event.id,
            Assignment.status.in_(ON_DUTY),
        )
    ):
        a.status = (AssignmentStatus.attended if outcome == VisitOutcome.done
                    else AssignmentStatus.no_show)
    session.flush()
    return visit


@dataclass
class OverdueHousehold:
    household: Household
    last_done: datetime | None
    #: "missed" (the latest visit was missed) or "interval" (longer than the policy allows).
    reason: str
    days_overdue: int


def overdue_households(
    session: Session, *, now: datetime | None = None,
    neighbourhood_ids: frozenset[int] | None = None,
) -> list[OverdueHousehold]:
    """Households whose latest visit was missed, or whose last done visit is older than the
    strictest visit policy of their categories."""
    now = now or utcnow()
    last_done = dict(
        session.execute(
            select(Visit.household_id, func.max(Visit.visited_at))
            .where(Visit.outcome.in_(EFFECTIVE))
            .group_by(Visit.household_id)
        ).tuples().all()
    )
    last_missed = dict(
        session.execute(
            select(Visit.household_id, func.max(Visit.visited_at))
            .where(Visit.outcome.in_(NOT_EFFECTIVE))
            .group_by(Visit.household_id)
        ).tuples().all()
    )
    intervals = dict(
        session.execute(
            select(HouseholdCategoryLink.household_id, func.min(VisitPolicy.interval_days))
            .join(VisitPolicy, VisitPolicy.category == HouseholdCategoryLink.category)
            .group_by(HouseholdCategoryLink.household_id)
        ).tuples().all()
    )
    statement = select(Household).order_by(Household.id)
    if neighbourhood_ids is not None:
        statement = statement.where(Household.neighbourhood_id.in_(neighbourhood_ids))
    out: list[OverdueHousehold] = []

    def aware(value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:  # SQLite aggregates lose the type
            from datetime import UTC

            return value.replace(tzinfo=UTC)
        return value

    for household in session.scalars(statement):
        done = aware(last_done.get(household.id))
        missed = aware(last_missed.get(household.id))
        if missed is not None and (done is None or missed > done):
            out.append(OverdueHousehold(household, done, "missed", (now - missed).days))
            continue
        interval = intervals.get(household.id)
        if interval is None:
            continue
        due = (done or household.created_at) + timedelta(days=interval)
        if due < now:
            out.append(OverdueHousehold(household, done, "interval", (now - due).days))
    out.sort(key=lambda o: (o.reason != "missed", -o.days_overdue))
    return out


@dataclass
class VisitRow:
    event: Event
    volunteer_name: str | None
    outcome: VisitOutcome | None


def visit_rows(
    session: Session, *, now: datetime | None = None, days_back: int = 14,
    days_ahead: int = 7, neighbourhood_ids: frozenset[int] | None = None,
) -> list[VisitRow]:
    """Care-visit events around now, with who is assigned and the recorded outcome."""
    now = now or utcnow()
    statement = (
        select(Event)
        .where(
            Event.kind == EventKind.care_visit,
            Event.household_id.is_not(None),
            Event.start_at >= now - timedelta(days=days_back),
            Event.start_at < now + timedelta(days=days_ahead),
        )
        .options(selectinload(Event.household), selectinload(Event.shifts))
        .order_by(Event.start_at)
    )
    if neighbourhood_ids is not None:
        statement = statement.where(Event.neighbourhood_id.in_(neighbourhood_ids))
    events = list(session.scalars(statement))
    ids = [e.id for e in events]
    outcomes = dict(session.execute(
        select(Visit.event_id, Visit.outcome).where(Visit.event_id.in_(ids))).tuples().all())
    names: dict[int, str] = {}
    for event_id, name in session.execute(
        select(Shift.event_id, Volunteer.name)
        .join(Assignment, Assignment.shift_id == Shift.id)
        .join(Volunteer, Volunteer.id == Assignment.volunteer_id)
        .where(
            Shift.event_id.in_(ids),
            Assignment.status.in_(ON_DUTY),
        )
    ).tuples():
        names.setdefault(event_id, name)
    return [VisitRow(e, names.get(e.id), outcomes.get(e.id)) for e in events]


#: Missed care visits in a row after which a household is flagged on the dashboard.
MISSES_IN_A_ROW = 2


def missed_in_a_row(session: Session, *, neighbourhood_ids: frozenset[int] | None = None,
                    k: int = MISSES_IN_A_ROW) -> list[int]:
    """Households whose last `k` recorded care visits all reached nobody (missed, not at
    home, refused), oldest flag first by household id."""
    statement = (select(Visit.household_id, Visit.outcome)
                 .where(Visit.kind == VisitKind.care_package,
                        Visit.outcome != VisitOutcome.planned)
                 .order_by(Visit.household_id, Visit.visited_at.desc(), Visit.id.desc()))
    if neighbourhood_ids is not None:
        statement = statement.join(Household, Household.id == Visit.household_id).where(
            Household.neighbourhood_id.in_(neighbourhood_ids))
    latest: dict[int, list[VisitOutcome]] = {}
    for hid, outcome in session.execute(statement).tuples():
        seen = latest.setdefault(hid, [])
        if len(seen) < k:
            seen.append(VisitOutcome(outcome))
    return sorted(hid for hid, outcomes in latest.items()
                  if len(outcomes) == k and all(o in NOT_EFFECTIVE for o in outcomes))
