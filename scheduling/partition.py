"""Split a problem into independent parts and solve them separately (optionally in processes).

``by="component"`` gives the connected components of the eligibility graph (plus pins and
previous assignments): exact, the parts' optima add up to the whole optimum and so do their
bounds. ``by="neighbourhood"`` groups by the neighbourhood labels instead (merging labels joined
by a pin or previous assignment): every merged solution is still feasible, but a volunteer then
only serves their own neighbourhood's shifts, so it can lose a little quality.
"""

from __future__ import annotations

import math
import multiprocessing
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from scheduling.eligibility import build_index
from scheduling.greedy import State
from scheduling.model import Metrics, Problem, Solution
from scheduling.solve import compute_metrics, solve, solve_greedy


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def split(problem: Problem, by: str = "component") -> list[Problem]:
    nv, ns = len(problem.volunteers), len(problem.shifts)
    v_pos = {v.id: i for i, v in enumerate(problem.volunteers)}
    s_pos = {s.id: i for i, s in enumerate(problem.shifts)}
    uf = _UnionFind(nv + ns)
    links = [(p.volunteer, p.shift) for p in problem.pins]
    links += [(a.volunteer, a.shift) for a in problem.previous]
    if by == "component":
        index = build_index(problem, check_pins=False)
        for v, s in zip(index.pair_v, index.pair_s, strict=True):
            uf.union(v, nv + s)
    elif by == "neighbourhood":
        first: dict[str | None, int] = {}
        for i, v in enumerate(problem.volunteers):
            uf.union(first.setdefault(v.neighbourhood, i), i)
        for j, s in enumerate(problem.shifts):
            if s.neighbourhood in first:
                uf.union(first[s.neighbourhood], nv + j)
            else:
                first[s.neighbourhood] = nv + j
    else:
        raise ValueError(f"unknown partitioning {by!r}")
    for vid, sid in links:
        if vid in v_pos and sid in s_pos:
            uf.union(v_pos[vid], nv + s_pos[sid])
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for i in range(nv):
        groups.setdefault(uf.find(i), ([], []))[0].append(i)
    for j in range(ns):
        groups.setdefault(uf.find(nv + j), ([], []))[1].append(j)
    parts = []
    for root in sorted(groups):
        vi, si = groups[root]
        if not si:
            continue  # volunteers with nothing to do need no solve
        vids = {problem.volunteers[i].id for i in vi}
        sids = {problem.shifts[j].id for j in si}
        households = {problem.shifts[j].household for j in si} - {None}
        parts.append(
            replace(
                problem,
                name=f"{problem.name}#{len(parts)}",
                volunteers=[problem.volunteers[i] for i in vi],
                shifts=[problem.shifts[j] for j in si],
                pins=[p for p in problem.pins if p.shift in sids],
                forbidden=[f for f in problem.forbidden if f.shift in sids and f.volunteer in vids],
                previous=[a for a in problem.previous if a.shift in sids and a.volunteer in vids],
                household_history={
                    h: vs for h, vs in problem.household_history.items() if h in households
                },
            )
        )
    return parts


def combine(parts: list[Problem]) -> Problem:
    """The problem the parts of one `split` came from, as far as a merge needs it: their
    volunteers, shifts, pins, exclusions, previous assignments and histories (volunteers with
    nothing to do in any part are not among them)."""
    if not parts:
        raise ValueError("nothing to combine")
    first = parts[0]
    history: dict[str, list[str]] = {}
    for p in parts:
        for h, vs in p.household_history.items():
            history.setdefault(h, list(vs))
    return replace(
        first,
        name=first.name.rsplit("#", 1)[0],
        volunteers=[v for p in parts for v in p.volunteers],
        shifts=[s for p in parts for s in p.shifts],
        pins=[x for p in parts for x in p.pins],
        forbidden=[x for p in parts for x in p.forbidden],
        previous=[x for p in parts for x in p.previous],
        household_history=history,
    )


def _solve_part(args: tuple[Problem, str, float, int, bool]) -> Solution:
    part, method, seconds, seed, bounds = args
    if method == "greedy":
        return solve_greedy(part, bounds=bounds)
    return solve(part, seconds=seconds, workers=1, seed=seed, bounds=bounds)


def solve_partitioned(
    problem: Problem,
    *,
    seconds: float = 60.0,
    processes: int = 2,
    by: str = "component",
    method: str = "cpsat",
    seed: int = 0,
    bounds: bool = True,
) -> Solution:
    """Solve each part (one CP-SAT worker per process) and merge; ``seconds`` is the total wall
    budget for the solves, shared out in proportion to each part's number of shifts."""
    t0 = time.perf_counter()
    parts = split(problem, by)
    t_split = time.perf_counter() - t0
    weights = [len(p.shifts) for p in parts]
    total_w = sum(weights) or 1
    lanes = max(1, processes)
    budget = max(1.0, seconds - t_split) * lanes
    jobs = [
        (p, method, max(0.5, budget * w / total_w * 0.9), seed, bounds)
        for p, w in zip(parts, weights, strict=True)
    ]
    # Biggest parts first so the pool's lanes finish together.
    order = sorted(range(len(jobs)), key=lambda i: -weights[i])
    results: list[Solution | None] = [None] * len(jobs)
    if lanes > 1 and len(jobs) > 1:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=lanes, mp_context=ctx) as pool:
            futures = {i: pool.submit(_solve_part, jobs[i]) for i in order}
            for i, fut in futures.items():
                results[i] = fut.result()
    else:
        for i in order:
            results[i] = _solve_part(jobs[i])
    sols = [r for r in results if r is not None]
    return merge(problem, sols, time.perf_counter() - t0, t_split)


def merge(problem: Problem, parts: list[Solution], wall: float, build: float) -> Solution:
    assignments = sorted(a for s in parts for a in s.assignments)
    unfilled = [u for s in parts for u in s.unfilled]
    index = build_index(problem, check_pins=False)
    state = State(index)
    for a in assignments:
        state.add(index.pair_of[(index.v_pos[a.volunteer], index.s_pos[a.shift])])
    m: Metrics = compute_metrics(index, state)
    _add_bounds(m, parts)
    m.build_seconds = round(build + sum(s.metrics.build_seconds for s in parts), 3)
    m.solve_seconds = round(wall, 3)
    solver = parts[0].solver if parts else ""
    continuity = [c for s in parts for c in s.continuity]
    return Solution(assignments, unfilled, m, f"{solver}-partitioned", continuity)


def join(problems: list[Problem], parts: list[Solution], wall: float) -> Solution:
    """Merge the solutions of the parts of one `split` without indexing the whole problem
    again (parts solved elsewhere, e.g. by other machines: on a district, the whole index would
    pair every volunteer with every town's shifts). Seats, minimum seats, weighted fill,
    continuity and bounds add up exactly; the load figures are over every volunteer of the
    parts."""
    assignments = sorted(a for s in parts for a in s.assignments)
    m = Metrics()
    for name in ("filled_seats", "total_seats", "min_seats", "filled_min_seats",
                 "weighted_fill", "continuity_assignments", "continuity_missed",
                 "preferred_honoured", "avoided_assigned"):
        setattr(m, name, sum(getattr(s.metrics, name) for s in parts))
    m.max_load_shifts = max((s.metrics.max_load_shifts for s in parts), default=0)
    if all(s.metrics.kept_previous is not None for s in parts) and parts:
        m.kept_previous = sum(s.metrics.kept_previous or 0 for s in parts)
        m.moved_previous = sum(s.metrics.moved_previous or 0 for s in parts)
    shifts = {sh.id: sh for p in problems for sh in p.shifts}
    history = {h: set(vs) for p in problems for h, vs in p.household_history.items()}
    with_history = [a for a in assignments if shifts[a.shift].household in history]
    if with_history:
        m.continuity_rate = round(sum(
            a.volunteer in history[shifts[a.shift].household or ""] for a in with_history
        ) / len(with_history), 4)
    minutes = {sh.id: int((sh.end - sh.start).total_seconds() // 60) for sh in shifts.values()}
    loads: dict[str, list[int]] = {v.id: [0, 0] for p in problems for v in p.volunteers}
    for a in assignments:
        loads[a.volunteer][0] += 1
        loads[a.volunteer][1] += minutes[a.shift]
    if len(loads) > 1:
        counts = [c for c, _m in loads.values()]
        mins = [mm for _c, mm in loads.values()]
        m.load_std_shifts = round(statistics.pstdev(counts), 3)
        m.load_range_shifts = max(counts) - min(counts)
        m.load_std_minutes = round(statistics.pstdev(mins), 1)
        m.load_range_minutes = max(mins) - min(mins)
        m.load_spread_hours = round(statistics.pstdev([mm / 60 for mm in mins]), 3)
    _add_bounds(m, parts)
    m.build_seconds = round(sum(s.metrics.build_seconds for s in parts), 3)
    m.solve_seconds = round(wall, 3)
    m.objective = float(m.weighted_fill)
    solver = parts[0].solver if parts else ""
    return Solution(assignments, [u for s in parts for u in s.unfilled], m,
                    f"{solver}-partitioned", [c for s in parts for c in s.continuity])


def _add_bounds(m: Metrics, parts: list[Solution]) -> None:
    """The parts' bounds added up (a part's bound bounds only that part), and what follows
    from them; also the parts' status, first-solution and bound times."""

    def total(name: str) -> float | None:
        vals = [getattr(s.metrics, name) for s in parts]
        if any(v is None for v in vals):
            return None
        return float(sum(vals))

    flow, lp, wlp = (
        total("upper_bound_flow"),
        total("upper_bound_lp"),
        total("upper_bound_weighted_lp"),
    )
    cps = total("cpsat_bound")
    m.upper_bound_flow = None if flow is None else int(flow)
    m.upper_bound_lp = lp
    m.upper_bound_weighted_lp = wlp
    m.cpsat_bound = cps
    if flow is not None and lp is not None:
        seat_bound = min(
            flow, sum(math.floor((s.metrics.upper_bound_lp or 0) + 1e-6) for s in parts)
        )
        m.best_bound = seat_bound
        m.quality = round(m.filled_seats / seat_bound, 5) if seat_bound else 1.0
        wb = sum(
            min(
                math.floor((s.metrics.upper_bound_weighted_lp or 0) + 1e-6),
                math.floor(s.metrics.cpsat_bound + 1e-6)
                if s.metrics.cpsat_bound is not None
                else math.inf,
            )
            for s in parts
        )
        m.weighted_quality = round(m.weighted_fill / wb, 5) if wb else 1.0
    m.bound_seconds = round(sum(s.metrics.bound_seconds for s in parts), 3)
    m.status = f"{len(parts)} parts"
    firsts = [s.metrics.first_solution_seconds for s in parts]
    m.first_solution_seconds = max((f for f in firsts if f is not None), default=None)
    m.objective = float(m.weighted_fill)
    m.continuity_missed = sum(s.metrics.continuity_missed for s in parts)
