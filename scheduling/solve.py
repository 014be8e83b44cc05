"""Top-level solve entry points: greedy, CP-SAT, bounds, explanations and metrics together."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable

from scheduling.bounds import flow_bound, lp_bounds
from scheduling.cpsat import fill_value, solve_cpsat
from scheduling.eligibility import KEEP_BONUS, Index, build_index
from scheduling.explain import explain_index
from scheduling.greedy import State, fill_up, greedy, improve_secondary
from scheduling.model import Assignment, Metrics, Problem, Progress, Solution
from scheduling.warmstart import (
    lp_round,
    restricted_mip,
    restricted_secondary_mip,
    solve_lp,
    sub_index,
)

ProgressFn = Callable[[Progress], None]


def compute_metrics(index: Index, state: State) -> Metrics:
    shifts = index.shifts
    m = Metrics()
    m.filled_seats = len(state.chosen)
    m.total_seats = sum(s.max_count for s in shifts)
    m.min_seats = sum(min(s.min_count, s.max_count) for s in shifts)
    m.filled_min_seats = sum(min(state.shift_count[i], s.min_count) for i, s in enumerate(shifts))
    m.weighted_fill = fill_value(index, state.chosen)
    hours = [
        sum(index.s_minutes[t] for t in state.vol_shifts[v]) / 60
        for v in range(len(index.volunteers))
        if index.pairs_of_vol[v]
    ]
    m.load_spread_hours = round(statistics.pstdev(hours), 3) if len(hours) > 1 else 0.0
    m.max_load_shifts = max((len(x) for x in state.vol_shifts), default=0)
    history = index.problem.household_history
    with_history = [p for p in state.chosen if shifts[index.pair_s[p]].household in history]
    if with_history:
        m.continuity_rate = round(
            sum(index.pair_cont[p] for p in with_history) / len(with_history), 4
        )
    kms = [km for p in state.chosen if (km := index.pair_km[p]) is not None]
    if kms:
        m.mean_distance_km = round(sum(kms) / len(kms), 3)
    chosen = {
        (index.volunteers[index.pair_v[p]].id, shifts[index.pair_s[p]].id) for p in state.chosen
    }
    m.preferred_honoured = sum(
        (v.id, sid) in chosen for v in index.volunteers for sid in v.preferred_shifts
    )
    m.avoided_assigned = sum(
        (v.id, sid) in chosen for v in index.volunteers for sid in v.avoided_shifts
    )
    if index.problem.previous:
        prev = {(a.volunteer, a.shift) for a in index.problem.previous}
        m.kept_previous = len(prev & chosen)
        m.moved_previous = len(prev) - m.kept_previous
    return m


def _floor(x: float) -> float:
    """Integer part of a bound (objectives are integral); an unsolved LP stays infinite."""
    return math.floor(x + 1e-6) if math.isfinite(x) else math.inf


def add_bounds(index: Index, metrics: Metrics, cpsat_bound: float | None = None) -> None:
    tb = time.perf_counter()
    metrics.upper_bound_flow = flow_bound(index)
    lp, wlp = lp_bounds(index)
    metrics.upper_bound_lp = round(lp, 4)
    metrics.upper_bound_weighted_lp = round(wlp, 4)
    metrics.cpsat_bound = cpsat_bound
    seat_bound = min(metrics.upper_bound_flow, _floor(lp))
    metrics.best_bound = float(seat_bound)
    metrics.quality = round(metrics.filled_seats / seat_bound, 5) if seat_bound else 1.0
    weighted_bound = _floor(wlp)
    if cpsat_bound is not None:
        weighted_bound = min(weighted_bound, _floor(cpsat_bound))
    metrics.weighted_quality = (
        round(metrics.weighted_fill / weighted_bound, 5) if weighted_bound else 1.0
    )
    metrics.bound_seconds = round(time.perf_counter() - tb, 3)


def _finish(
    index: Index,
    state: State,
    solver: str,
    *,
    bounds: bool,
    cpsat_bound: float | None = None,
) -> Solution:
    metrics = compute_metrics(index, state)
    if bounds:
        add_bounds(index, metrics, cpsat_bound)
    assignments = sorted(
        Assignment(index.volunteers[index.pair_v[p]].id, index.shifts[index.pair_s[p]].id)
        for p in state.chosen
    )
    return Solution(assignments, explain_index(index, state), metrics, solver)


def _start_pairs(index: Index) -> list[int]:
    """Previous assignments that are still eligible, in a deterministic order."""
    out = []
    for a in index.problem.previous:
        p = index.pair_of.get((index.v_pos.get(a.volunteer, -1), index.s_pos.get(a.shift, -1)))
        if p is not None:
            out.append(p)
    return out


# Re-solves of models larger than this search only the neighbourhood of the disturbance.
NEIGHBOURHOOD_MIN_PAIRS = 5_000


def _repair_neighbourhood(index: Index, start: State) -> list[int]:
    """Pairs a re-solve may use: the warm start, every pair of a disturbed shift (one that lost
    previous assignments, or has none and is not full), every pair of the volunteers who could
    take a disturbed shift, and every pair of the shifts those volunteers currently hold (so one
    of them can move and be replaced: a two-step ejection chain)."""
    prev_count = [0] * len(index.shifts)
    for p in range(index.n_pairs):
        if index.pair_prev[p]:
            prev_count[index.pair_s[p]] += 1
    disturbed = [
        s
        for s, sh in enumerate(index.shifts)
        if start.shift_count[s] < prev_count[s]
        or (prev_count[s] == 0 and start.shift_count[s] < sh.max_count)
    ]
    keep = set(start.chosen)
    movers: set[int] = set()
    for s in disturbed:
        for p in index.pairs_of_shift[s]:
            keep.add(p)
            movers.add(index.pair_v[p])
    for v in movers:
        keep.update(index.pairs_of_vol[v])
        for t in start.vol_shifts[v]:
            keep.update(index.pairs_of_shift[t])
    return sorted(keep)


def _lp_warm_start(
    index: Index,
    start: State,
    t0: float,
    deadline: float,
    seconds: float,
    progress: ProgressFn | None,
) -> set[int]:
    """Best of the greedy, the rounded LP and the restricted MIP (by weighted fill)."""
    best, best_fill = start.chosen, fill_value(index, start.chosen)
    if not index.n_pairs:
        return best
    budget = min(0.3 * seconds, deadline - time.perf_counter())
    lp = solve_lp(index, budget)
    if lp is None:
        return best
    rounded = lp_round(index, lp)
    candidates = [rounded.chosen]
    budget = min(0.25 * seconds, 0.5 * (deadline - time.perf_counter()))
    mip = restricted_mip(index, lp, [start.chosen, rounded.chosen], rounded.chosen, budget)
    if mip is not None:
        candidates.append(fill_up(index, mip).chosen)
    for cand in candidates:
        fv = fill_value(index, cand)
        if fv > best_fill:
            best, best_fill = cand, fv
    best = improve_secondary(index, best).chosen
    budget = min(0.3 * seconds, 0.5 * (deadline - time.perf_counter()))
    second = restricted_secondary_mip(index, lp, start.chosen, best, budget)
    if second is not None and fill_value(index, second) >= best_fill:
        best = improve_secondary(index, second).chosen
    if progress is not None:
        # Reported as phase "fill" (a bound on the weighted fill, like CP-SAT's in that phase), so
        # progress consumers that track the fill by phase see the warm start.
        progress(Progress(time.perf_counter() - t0, float(best_fill), lp.objective, "fill"))
    return best


def solve_greedy(problem: Problem, *, bounds: bool = True) -> Solution:
    t0 = time.perf_counter()
    index = build_index(problem)
    tb = time.perf_counter()
    state = greedy(index, _start_pairs(index))
    t1 = time.perf_counter()
    sol = _finish(index, state, "greedy", bounds=bounds)
    sol.metrics.build_seconds = round(tb - t0, 3)
    sol.metrics.solve_seconds = round(t1 - tb, 3)
    sol.metrics.first_solution_seconds = round(t1 - t0, 3)
    sol.metrics.objective = float(sol.metrics.weighted_fill)
    sol.metrics.status = "FEASIBLE"
    return sol


def solve(
    problem: Problem,
    *,
    seconds: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    progress: ProgressFn | None = None,
    bounds: bool = True,
    keep_bonus: int = KEEP_BONUS,
    lexicographic: bool = True,
    warm_start: bool = True,
) -> Solution:
    """Greedy, then (lexicographic mode) the LP-guided warm start of ``warmstart.py``, then
    CP-SAT until ``seconds`` of wall time (including model build)."""
    t0 = time.perf_counter()
    deadline = t0 + seconds
    index = build_index(problem, keep_bonus=keep_bonus)
    t_index = time.perf_counter() - t0
    # Fill-up and explanations run after CP-SAT; keep room for them inside the budget.
    deadline -= min(0.1 * seconds, 0.1 + 2e-5 * index.n_pairs)
    start = greedy(index, _start_pairs(index))
    t_greedy = time.perf_counter() - t0
    if progress is not None:
        fv = fill_value(index, start.chosen)
        progress(Progress(t_greedy, float(fv), math.inf, "greedy"))
    hint = start.chosen
    if lexicographic and warm_start:
        hint = _lp_warm_start(index, start, t0, deadline, seconds, progress)
    model_index, keep = index, None
    if not lexicographic and index.n_pairs > NEIGHBOURHOOD_MIN_PAIRS:
        keep = _repair_neighbourhood(index, start)
        model_index = sub_index(index, keep)
        pos = {p: k for k, p in enumerate(keep)}
        hint = {pos[p] for p in hint}
    res = solve_cpsat(
        model_index,
        hint,
        deadline=deadline,
        t0=t0,
        workers=workers,
        seed=seed,
        progress=progress,
        lexicographic=lexicographic,
        phase1_share=0.4 if hint is not start.chosen else 0.75,
        hint_status="GREEDY" if hint is start.chosen else "WARMSTART",
    )
    if keep is not None:
        res.pairs = [keep[k] for k in res.pairs]
    # A time-limited run may leave a seat that a free volunteer could still take.
    state = improve_secondary(index, fill_up(index, res.pairs).chosen)
    total = time.perf_counter() - t0
    sol = _finish(index, state, "cpsat", bounds=bounds, cpsat_bound=res.fill_bound)
    m = sol.metrics
    m.build_seconds = round(t_index + res.build_seconds, 3)
    m.solve_seconds = round(total, 3)
    m.first_solution_seconds = round(t_greedy, 3)
    m.objective = float(res.objective)
    m.status = res.status
    if not bounds:
        m.cpsat_bound = res.fill_bound
    return sol
