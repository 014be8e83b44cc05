"""The life of a visit round: plan (engine), review and adjust, publish or discard.

Planning writes the round and its proposals as ``planned`` contacts (`Visit` rows with the
round, the proposed member or none, and the proposed time). Members see a round's contacts
only once it is published. Discarding deletes the planned contacts; recorded ones stay.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

import scheduling
from app.enums import RoundStatus, VisitKind, VisitOutcome
from app.models import (
    Building,
    Household,
    ServiceGroup,
    Visit,
    VisitRound,
    Volunteer,
    service_group_members,
    utcnow,
)
from app.services.households.due import due_rows
from app.services.incidents import open_follow_ups
from app.services.visits.bridge import (
    PRIORITY_DUE,
    PRIORITY_FOLLOW_UP,
    PRIORITY_OVERDUE,
    VISIT_MINUTES,
    Candidate,
    build_problem,
    contact_windows,
    load_members,
    place_contacts,
)

MAX_WEEKS = 26
#: Seconds for planning a whole round, loading and writing included: the admin plans in the
#: request, and the quality bar is a 4-week round of 1,500 households in 10 s.
PLAN_SECONDS = 8.0
#: Of those, kept back from the engine for writing the round's contacts.
WRITE_RESERVE_SECONDS = 0.5


class RoundError(ValueError):
    """The round cannot be planned or changed; the message says why."""


@dataclass(frozen=True)
class PlanResult:
    round: VisitRound
    proposed: int
    assigned: int
    solver: str


def _members(session, neighbourhood_id: int, group_id: int | None) -> list[int]:
    statement = select(service_group_members.c.volunteer_id).join(
        ServiceGroup, ServiceGroup.id == service_group_members.c.group_id)
    if group_id is not None:
        statement = statement.where(ServiceGroup.id == group_id)
    else:
        statement = statement.where(ServiceGroup.neighbourhood_id == neighbourhood_id)
    return sorted(set(session.scalars(statement)))


def group_members(session, round_: VisitRound) -> list[Volunteer]:
    """The members who may make the round's contacts."""
    ids = _members(session, round_.neighbourhood_id, round_.service_group_id)
    return list(session.scalars(select(Volunteer).where(Volunteer.id.in_(ids))
                                .order_by(Volunteer.name)))


def plan_round(
    session, *, neighbourhood_id: int | None = None, group_id: int | None = None,
    starts_on: date, weeks: int, zone: ZoneInfo, created_by_id: int | None = None,
    seconds: float = PLAN_SECONDS, now: datetime | None = None,
) -> PlanResult:
    """Propose the contacts due in [starts_on, starts_on + weeks) for a group (or a whole
    neighbourhood) and who makes each, within `seconds` in all; returns the draft round."""
    started = time.perf_counter()
    if not 1 <= weeks <= MAX_WEEKS:
        raise RoundError(str(_l("A round lasts from 1 to %(max)s weeks.", max=MAX_WEEKS)))
    group = session.get(ServiceGroup, group_id) if group_id is not None else None
    if group_id is not None and group is None:
        raise RoundError(str(_l("There is no service group %(id)s.", id=group_id)))
    if group is not None:
        neighbourhood_id = group.neighbourhood_id
    if neighbourhood_id is None:
        raise RoundError(str(_l("Choose a service group or a neighbourhood.")))
    now = now or utcnow()
    last = starts_on + timedelta(days=7 * weeks - 1)
    horizon_days = max(0, (datetime.combine(last, datetime.min.time(), tzinfo=zone)
                           - now).days + 1)
    due = due_rows(session, now=now, neighbourhood_ids=frozenset({neighbourhood_id}),
                   group_id=group_id, within_days=horizon_days)
    if group_id is None:
        patch_ids = set(session.scalars(select(Building.id).where(
            Building.neighbourhood_id == neighbourhood_id)))
    else:
        patch_ids = set(session.scalars(select(Building.id).where(
            Building.service_group_id == group_id)))
    already = set(session.scalars(
        select(Visit.household_id).join(VisitRound, VisitRound.id == Visit.round_id).where(
            VisitRound.status != RoundStatus.discarded,
            Visit.outcome == VisitOutcome.planned,
            Visit.visited_at >= datetime.combine(starts_on, datetime.min.time(), tzinfo=zone),
        )))
    candidates: dict[int, Candidate] = {}
    for row in due:
        if row.household_id in already:
            continue
        wanted = row.due_at.astimezone(zone).date()
        candidates[row.household_id] = Candidate(
            row.household_id, row.building_id, row.building_number or "", wanted,
            PRIORITY_OVERDUE if row.overdue else PRIORITY_DUE)
    # Incident follow-ups of the patch's households due by the round's last day.
    patch_households = dict(session.execute(
        select(Household.id, Household.building_id).where(
            Household.building_id.in_(patch_ids))).tuples().all())
    follow_ups = open_follow_ups(session, list(patch_households), until=last)
    numbers = dict(session.execute(select(Building.id, Building.number).where(
        Building.id.in_(patch_ids))).tuples().all())
    for hid, due_on in follow_ups.items():
        if hid in already:
            continue
        building_id = patch_households[hid]
        candidates[hid] = Candidate(hid, building_id, numbers.get(building_id, ""), due_on,
                                    PRIORITY_FOLLOW_UP, follow_up=True)
    member_ids = _members(session, neighbourhood_id, group_id)
    members = load_members(session, member_ids)
    round_ = VisitRound(neighbourhood_id=neighbourhood_id, service_group_id=group_id,
                        starts_on=starts_on, weeks=weeks, created_by_id=created_by_id)
    session.add(round_)
    session.flush()
    windows = contact_windows(session, list(candidates))
    weekly = sum(m.max_minutes_per_week // VISIT_MINUTES for m in members)
    contacts = place_contacts(list(candidates.values()), windows, starts_on, last, zone,
                              len(members), weekly if members else None)
    problem = build_problem(session, contacts, members, starts_on, last, zone,
                            round_id=round_.id)
    left = seconds - (time.perf_counter() - started) - WRITE_RESERVE_SECONDS
    # Nobody reads a round's bounds: the engine's whole share goes to the search.
    solution = (scheduling.solve(problem, seconds=max(1.0, left), workers=1, bounds=False)
                if contacts and members
                else scheduling.Solution(assignments=[], solver="none"))
    chosen = {a.shift: int(a.volunteer[1:]) for a in solution.assignments}
    for index, contact in enumerate(contacts):
        session.add(Visit(
            household_id=contact.candidate.household_id, round_id=round_.id,
            volunteer_id=chosen.get(f"c{index}"), visited_at=contact.start,
            kind=VisitKind.follow_up if contact.candidate.follow_up else VisitKind.door,
            outcome=VisitOutcome.planned,
        ))
    round_.proposed_count = len(contacts)
    session.flush()
    return PlanResult(round_, len(contacts), len(chosen), solution.solver)


def unassigned_count(session, round_: VisitRound) -> int:
    """The round's contacts without a member now: counted, as the coordinator gives and takes
    contacts after planning."""
    return session.scalar(select(func.count()).select_from(Visit).where(
        Visit.round_id == round_.id, Visit.volunteer_id.is_(None))) or 0


def _draft(round_: VisitRound) -> None:
    if round_.status != RoundStatus.draft:
        raise RoundError(str(_l("Only a draft round can be changed.")))


def reassign(session, visit: Visit, volunteer_id: int | None) -> Visit:
    """The coordinator's adjustment: another member (of the round's group) or nobody."""
    round_ = visit.round
    if round_ is None or visit.outcome != VisitOutcome.planned:
        raise RoundError(str(_l("Only a planned contact of a round can be reassigned.")))
    if round_.status == RoundStatus.discarded:
        raise RoundError(str(_l("This round was discarded.")))
    if volunteer_id is not None and volunteer_id not in _members(
            session, round_.neighbourhood_id, round_.service_group_id):
        raise RoundError(str(_l("This volunteer is not a member of the round's group.")))
    visit.volunteer_id = volunteer_id
    session.flush()
    return visit


def publish_round(session, round_: VisitRound) -> int:
    """Publish: members see their contacts. Returns how many contacts have a member."""
    _draft(round_)
    round_.status = RoundStatus.published
    session.flush()
    return session.query(Visit).filter(Visit.round_id == round_.id,
                                       Visit.volunteer_id.is_not(None)).count()


def discard_round(session, round_: VisitRound) -> int:
    """Discard a draft: its planned contacts are deleted. Returns how many."""
    _draft(round_)
    result = session.execute(delete(Visit).where(Visit.round_id == round_.id,
                                                  Visit.outcome == VisitOutcome.planned))
    round_.status = RoundStatus.discarded
    session.flush()
    return result.rowcount or 0
