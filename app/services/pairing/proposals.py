"""Pairing proposals for a neighbourhood: propose (the engine pairs the unpaired families of
the six categories; the draft replaces the previous one), see why families stay unpaired,
confirm (members told), discard. Only flushes; the caller commits."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.enums import PairingStatus
from app.models import Household, Notification, Pairing, Skill, utcnow
from app.services import links, notify
from app.services.pairing import coverage
from app.services.pairing.bridge import DEFAULT_MAX_KM, Rows, build_problem, key_id
from app.services.pairing.rules import PairingError, confirm
from app.services.pairing.wording import aim_for, reason_text, waiting_text
from scheduling import pairing as engine

MIN_KM, MAX_KM = 0.1, 5.0


@dataclass(frozen=True)
class UnpairedFamily:
    household: Household
    code: str
    reason: str


@dataclass
class Proposal:
    proposed: list[Pairing]
    unpaired: list[UnpairedFamily]
    #: Proposed pairings of the previous draft removed (their members kept where possible).
    replaced: int = 0
    metrics: dict[str, Any] = field(default_factory=dict)


@dataclass
class Confirmation:
    confirmed: list[Pairing]
    refused: list[str]
    notifications: list[Notification]


def check_distance(max_km: float | None) -> float:
    value = DEFAULT_MAX_KM if max_km is None else max_km
    if not MIN_KM <= value <= MAX_KM:
        raise PairingError(str(_l("The walking distance must be between %(lo)s and %(hi)s km.",
                                  lo=MIN_KM, hi=MAX_KM)))
    return value


def proposed_in(session: Session, neighbourhood_id: int) -> list[Pairing]:
    return list(session.scalars(
        select(Pairing).join(Household, Household.id == Pairing.household_id)
        .where(Household.neighbourhood_id == neighbourhood_id,
               Pairing.status == PairingStatus.proposed)
        .options(joinedload(Pairing.household).joinedload(Household.building),
                 joinedload(Pairing.volunteer))
        .order_by(Pairing.volunteer_id, Pairing.id)
    ).unique())


def _skills(session: Session) -> dict[str, Skill]:
    return {s.code: s for s in session.scalars(select(Skill))}


def _worded(session: Session, unpaired: list[engine.Unpaired], rows: Rows
            ) -> list[UnpairedFamily]:
    skills = _skills(session)
    return [UnpairedFamily(rows.households[key_id(u.family)], u.code,
                           reason_text(u.code, u.params, skills)) for u in unpaired]


def propose(session: Session, neighbourhood_id: int, *, today: date,
            max_km: float | None = None, created_by_id: int | None = None) -> Proposal:
    """Replace the neighbourhood's draft proposal by the engine's answer."""
    limit = check_distance(max_km)
    old = proposed_in(session, neighbourhood_id)
    before: dict[int, list[int]] = defaultdict(list)
    for row in old:
        before[row.household_id].append(row.volunteer_id)
        session.delete(row)
    session.flush()
    problem, rows = build_problem(session, neighbourhood_id, max_km=limit, previous=before)
    solution = engine.solve_pairing(problem)
    created = []
    for pair in solution.pairs:
        household = rows.households[key_id(pair.family)]
        row = Pairing(household=household, volunteer=rows.members[key_id(pair.member)],
                      status=PairingStatus.proposed, starts_on=today, aim=aim_for(household),
                      distance_km=pair.distance_km, created_by_id=created_by_id)
        session.add(row)
        created.append(row)
    session.flush()
    return Proposal(created, _worded(session, solution.unpaired, rows), len(old),
                    solution.metrics)


def unpaired_now(session: Session, neighbourhood_id: int, *,
                 max_km: float | None = None) -> list[UnpairedFamily]:
    """The six categories' families without an open pairing, and why, as things stand."""
    problem, rows = build_problem(session, neighbourhood_id, max_km=check_distance(max_km))
    return _worded(session, engine.explain(problem), rows)


#: `UnpairedFamily.code` of a family that waits on a pairing (proposed, or not current).
WAITING = "waiting"


def without_member_now(session: Session, neighbourhood_id: int, *, today: date,
                       max_km: float | None = None) -> list[UnpairedFamily]:
    """Every family of the six categories in the neighbourhood without a member on `today`,
    and why: the rows behind the dashboard's figure (`coverage.without_member_count`). The
    engine explains those without an open pairing; the others wait on the pairing named."""
    families = unpaired_now(session, neighbourhood_id, max_km=max_km)
    families += [UnpairedFamily(row.household, WAITING, waiting_text(row, today))
                 for row in coverage.waiting_pairings(session, neighbourhood_id, today=today)]
    return sorted(families, key=lambda family: family.household.id)


def confirm_proposals(session: Session, neighbourhood_id: int,
                      ids: list[int] | None = None) -> Confirmation:
    """Confirm the draft's pairings (all, or those of `ids`); each member is told once, with
    their new families. A pairing that no longer keeps the rules stays proposed, with why."""
    rows = proposed_in(session, neighbourhood_id)
    if ids is not None:
        wanted = set(ids)
        rows = [r for r in rows if r.id in wanted]
    confirmed, refused = [], []
    now = utcnow()
    for row in rows:
        try:
            if confirm(session, row, now=now):
                confirmed.append(row)
        except PairingError as error:
            refused.append(f"{row.household.contact_name}: {error}")
    return Confirmation(confirmed, refused, tell_members(session, confirmed))


def tell_members(session: Session, confirmed: list[Pairing]) -> list[Notification]:
    """Each member of newly confirmed pairings is told once, with their new families (by
    mail, else SMS; recorded and sent after commit)."""
    by_member: dict[int, list[Pairing]] = defaultdict(list)
    for row in confirmed:
        by_member[row.volunteer_id].append(row)
    sent = []
    for pairs in by_member.values():
        member = pairs[0].volunteer
        families = [{"line": f"{p.household.contact_name} · {p.household.address}",
                     "aim": p.aim} for p in pairs]
        sent.append(notify.to_volunteer(
            session, member, "pairing/confirmed", families=families,
            portal_url=links.portal_url(member.id, member.feed_token)))
    return sent


def discard(session: Session, neighbourhood_id: int) -> int:
    """Remove the draft's proposed pairings; returns how many."""
    rows = proposed_in(session, neighbourhood_id)
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)
