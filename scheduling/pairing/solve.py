"""Pairing proposals as an assignment problem, solved exactly by min-cost max-flow.

Network: source → family (capacity 1) → member (one arc per *eligible* pair) → sink through
unit arcs, one per family place the member has left. `solve_max_flow_with_min_cost` first
pairs as many families as possible, then, among those pairings, minimises the cost:

1. **priority** (source → family): when members run short, families of higher priority are
   paired first (``PRIORITY`` per level outweighs everything below);
2. **keeping pairs** (family → member): a member the family had before costs nothing, anyone
   else ``KEEP`` — a kept pair outweighs distance, skills and load;
3. **distance** (0–``DISTANCE`` by the share of the walking limit), **needs not covered**
   (``NEED`` each) and a small **party-member** preference (the article pairs party members);
4. **spreading the load** (member → sink): the k-th family a member holds costs ``LOAD``·k,
   counting the families they already hold — convex, so two members with one family each
   beat one member with two.

Eligibility is hard: within walking distance (when both locations are known), at least one
of the family's needs among the member's skills (when it has needs), a place left. Every
family left out gets a reason (`explain`). Min-cost flow is exact and polynomial: no time
limit, no warm start; the answer is optimal for the costs above.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable

from ortools.graph.python import min_cost_flow

from scheduling.pairing.model import (
    AT_CAPACITY,
    NO_MEMBERS,
    NO_SKILL,
    NOT_CHOSEN,
    TOO_FAR,
    Family,
    Member,
    Pair,
    PairingProblem,
    PairingSolution,
    Unpaired,
)

PRIORITY = 100_000
KEEP = 1_000
DISTANCE = 100
NEED = 40
PARTY = 15
LOAD = 30


class PairingEngineError(RuntimeError):
    """The flow solver did not return an optimal answer (a bug, not bad input)."""


def _distance(a: Member, b: Family) -> float | None:
    if a.location is None or b.location is None:
        return None
    return math.hypot(a.location.x - b.location.x, a.location.y - b.location.y)


class _Grid:
    """Members bucketed by cells of the walking limit: a family looks at 3 × 3 cells only."""

    def __init__(self, members: Iterable[tuple[int, Member]], cell: float) -> None:
        self.cell = cell if cell > 0 else 1.0
        self.cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.anywhere: list[int] = []
        for index, member in members:
            if member.location is None:
                self.anywhere.append(index)
            else:
                self.cells[self._key(member.location.x, member.location.y)].append(index)

    def _key(self, x: float, y: float) -> tuple[int, int]:
        return math.floor(x / self.cell), math.floor(y / self.cell)

    def near(self, family: Family, everyone: range) -> Iterable[int]:
        if family.location is None:
            return everyone
        cx, cy = self._key(family.location.x, family.location.y)
        out = list(self.anywhere)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                out.extend(self.cells.get((cx + dx, cy + dy), ()))
        return out


def within_reach(problem: PairingProblem) -> list[list[tuple[int, float | None]]]:
    """For each family, the members within walking distance: (member index, distance)."""
    members = problem.members
    grid = _Grid(enumerate(members), problem.max_km)
    everyone = range(len(members))
    limit = problem.max_km + 1e-9
    out = []
    for family in problem.families:
        found = []
        for index in grid.near(family, everyone):
            d = _distance(members[index], family)
            if d is None or d <= limit:
                found.append((index, d))
        found.sort()
        out.append(found)
    return out


def covered(member: Member, family: Family) -> tuple[str, ...]:
    return tuple(sorted(member.skills & family.needs))


def suitable(member: Member, family: Family) -> bool:
    """Skills against needs: any one need met (or no needs stated)."""
    return not family.needs or bool(member.skills & family.needs)


def solve_pairing(problem: PairingProblem) -> PairingSolution:
    """The proposal: as many families paired as possible, at least cost; reasons for the
    rest. Pure: the problem in, the solution out."""
    started = time.perf_counter()
    members, families = problem.members, problem.families
    reach = within_reach(problem)
    top = max((f.priority for f in families), default=0)
    n_f, n_m = len(families), len(members)
    source, sink = n_f + n_m, n_f + n_m + 1
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []
    pair_arcs: list[tuple[int, int, float | None, int]] = []  # family, member, km, arc

    def arc(tail: int, head: int, cost: int) -> None:
        tails.append(tail)
        heads.append(head)
        caps.append(1)
        costs.append(cost)

    for fi, family in enumerate(families):
        arc(source, fi, PRIORITY * (top - family.priority))
        previous = set(family.previous)
        for mi, d in reach[fi]:
            member = members[mi]
            if member.capacity <= 0 or not suitable(member, family):
                continue
            share = 1.0 if d is None or problem.max_km <= 0 else min(1.0, d / problem.max_km)
            cost = (0 if member.id in previous else KEEP) + round(DISTANCE * share) \
                + NEED * (len(family.needs) - len(covered(member, family))) \
                + (0 if member.party_member else PARTY)
            pair_arcs.append((fi, mi, d, len(tails)))
            arc(fi, n_f + mi, cost)
    for mi, member in enumerate(members):
        for k in range(max(0, member.capacity)):
            arc(n_f + mi, sink, LOAD * (member.held + k))

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    if pair_arcs:
        flow.set_node_supply(source, n_f)
        flow.set_node_supply(sink, -n_f)
        status = flow.solve_max_flow_with_min_cost()
        if status != flow.OPTIMAL:
            raise PairingEngineError(f"min-cost flow status {status}")
    pairs: list[Pair] = []
    taken: dict[int, int] = defaultdict(int)
    for fi, mi, d, a in pair_arcs:
        if flow.flow(a) > 0:
            family, member = families[fi], members[mi]
            taken[mi] += 1
            pairs.append(Pair(family=family.id, member=member.id,
                              distance_km=None if d is None else round(d, 3),
                              skills=covered(member, family),
                              kept=member.id in family.previous))
    paired = {p.family for p in pairs}
    left = {mi: members[mi].capacity - taken[mi] for mi in range(n_m)}
    unpaired = [_reason(problem, fi, reach[fi], left) for fi in range(n_f)
                if families[fi].id not in paired]
    solution = PairingSolution(pairs=pairs, unpaired=unpaired)
    solution.metrics = metrics(problem, solution, seconds=time.perf_counter() - started,
                               arcs=len(pair_arcs))
    return solution


def _reason(problem: PairingProblem, fi: int, reach: list[tuple[int, float | None]],
            left: dict[int, int]) -> Unpaired:
    family = problem.families[fi]
    members = problem.members
    if not members:
        return Unpaired(family.id, NO_MEMBERS, {"members": 0})
    if not reach:
        known = [d for d in (_distance(m, family) for m in members) if d is not None]
        return Unpaired(family.id, TOO_FAR, {
            "members": len(members), "max_km": problem.max_km,
            "nearest_km": round(min(known), 2) if known else None})
    fitting = [mi for mi, _ in reach if suitable(members[mi], family)]
    if not fitting:
        return Unpaired(family.id, NO_SKILL, {"within": len(reach),
                                              "needs": tuple(sorted(family.needs))})
    free = [mi for mi in fitting if left[mi] > 0]
    if not free:
        return Unpaired(family.id, AT_CAPACITY, {
            "suitable": len(fitting), "names": tuple(members[mi].name or members[mi].id
                                                     for mi in fitting[:5])})
    return Unpaired(family.id, NOT_CHOSEN, {"free": len(free)})


def explain(problem: PairingProblem) -> list[Unpaired]:
    """Why each family of the problem has no member *now* (without proposing anything): the
    review page's list of families still unpaired, against the members' places left."""
    reach = within_reach(problem)
    left = {mi: m.capacity for mi, m in enumerate(problem.members)}
    return [_reason(problem, fi, reach[fi], left) for fi in range(len(problem.families))]


def metrics(problem: PairingProblem, solution: PairingSolution, *, seconds: float,
            arcs: int) -> dict[str, object]:
    loads: dict[str, int] = {m.id: m.held for m in problem.members}
    for pair in solution.pairs:
        loads[pair.member] += 1
    distances = [p.distance_km for p in solution.pairs if p.distance_km is not None]
    reasons: dict[str, int] = defaultdict(int)
    for u in solution.unpaired:
        reasons[u.code] += 1
    return {
        "families": len(problem.families), "members": len(problem.members),
        "paired": len(solution.pairs), "unpaired": len(solution.unpaired),
        "kept": sum(p.kept for p in solution.pairs),
        "max_load": max(loads.values(), default=0),
        "mean_km": round(sum(distances) / len(distances), 3) if distances else None,
        "eligible_pairs": arcs, "reasons": dict(reasons), "seconds": round(seconds, 3),
    }
