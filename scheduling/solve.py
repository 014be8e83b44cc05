"""Top-level solve entry points: greedy, CP-SAT, bounds, explanations and metrics together."""

from __future__ import annotations

import logging
import math
import statistics
import time
from collections.abc import Callable

from scheduling.bounds import flow_bound, lp_bounds, seat_bound
from scheduling.cpsat import BUILD_SECONDS_PER_PAIR, fill_value, solve_cpsat
from scheduling.deadline import Deadline
from scheduling.eligibility import KEEP_BONUS, Index, build_index, continuity_value
from scheduling.explain import explain_continuity, explain_index
from scheduling.greedy import State, fill_up, greedy, improve_secondary, prefer_paired
from scheduling.model import Assignment, Metrics, Problem, Progress, Solution
from scheduling.warmstart import (
    LpGuide,
    lp_round,
    restricted_mip,
    restricted_secondary_mip,
    solve_lp,
    sub_index,
)

ProgressFn = Callable[[Progress], None]
log = logging.getLogger("scheduling")


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
    counts = [
        len(state.vol_shifts[v]) for v in range(len(index.volunteers)) if index.pairs_of_vol[v]
    ]
    if counts:
        mins = [round(h * 60) for h in hours]
        m.load_std_shifts = round(statistics.pstdev(counts), 3)
        m.load_range_shifts = max(counts) - min(counts)
        m.load_std_minutes = round(statistics.pstdev(mins), 1)
        m.load_range_minutes = max(mins) - min(mins)
    m.max_load_shifts = max((len(x) for x in state.vol_shifts), default=0)
    history = index.problem.household_history
    with_history = [p for p in state.chosen if shifts[index.pair_s[p]].household in history]
    m.continuity_assignments = continuity_value(index, state.chosen)
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


def add_bounds(
    index: Index,
    metrics: Metrics,
    cpsat_bound: float | None = None,
    *,
    lp: tuple[float | None, float | None] | None = None,
    flow: int | None = None,
    deadline: Deadline | None = None,
) -> None:
    """Fill in the bounds and qualities. ``lp`` = (seat LP, weighted LP) already computed (None
    entries: not ready); without it the LPs are solved here within ``deadline`` (default: 60 s).
    ``flow``: the max-flow bound if already computed. A bound not ready before the deadline
    stays None and is left out of ``best_bound``."""
    tb = time.perf_counter()
    if deadline is None:
        deadline = Deadline(60.0)
    if flow is not None:
        metrics.upper_bound_flow = flow
    elif not deadline.expired():
        metrics.upper_bound_flow = flow_bound(index)
    if lp is None:
        lp = lp_bounds(index, time_limit=deadline.remaining())
    seat_lp, weighted_lp = lp
    metrics.upper_bound_lp = None if seat_lp is None else round(seat_lp, 4)
    metrics.upper_bound_weighted_lp = None if weighted_lp is None else round(weighted_lp, 4)
    metrics.cpsat_bound = cpsat_bound
    seat_bounds = [
        b
        for b in (metrics.upper_bound_flow, None if seat_lp is None else _floor(seat_lp))
        if b is not None
    ]
    if seat_bounds:
        seat_bound = min(seat_bounds)
        metrics.best_bound = float(seat_bound)
        metrics.quality = round(metrics.filled_seats / seat_bound, 5) if seat_bound else 1.0
    weighted_bounds = [_floor(b) for b in (weighted_lp, cpsat_bound) if b is not None]
    if weighted_bounds:
        weighted_bound = min(weighted_bounds)
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
    lp: tuple[float | None, float | None] | None = None,
    flow: int | None = None,
    deadline: Deadline | None = None,
) -> Solution:
    metrics = compute_metrics(index, state)
    assignments = sorted(
        Assignment(index.volunteers[index.pair_v[p]].id, index.shifts[index.pair_s[p]].id)
        for p in state.chosen
    )
    unfilled = explain_index(index, state)
    misses, metrics.continuity_missed = explain_continuity(index, state)
    if bounds:
        add_bounds(index, metrics, cpsat_bound, lp=lp, flow=flow, deadline=deadline)
    return Solution(assignments, unfilled, metrics, solver, misses)


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


def _lex(index: Index, chosen: set[int]) -> tuple[int, int]:
    """The lexicographic primary objective: (weighted fill, continuity assignments)."""
    return fill_value(index, chosen), continuity_value(index, chosen)


def _improve(index: Index, chosen: set[int], dl: Deadline, reserve: float) -> set[int]:
    """The local search; a swap may free someone for an empty seat, so fill up after it."""
    return fill_up(
        index, improve_secondary(index, chosen, deadline=dl, reserve=reserve).chosen
    ).chosen


# Greedy seconds per pair on an unloaded core (~0.6 s for a 58k-pair town-week).
GREEDY_SECONDS_PER_PAIR = 1e-5


def finish_reserve(index: Index, seconds: float, greedy_seconds: float = 0.0) -> float:
    """Time kept at the end of the budget for the fill-ups, the local search, the explanations
    and the metrics: the same kind of linear Python work as the greedy, so 1.5 times what the
    greedy just took on this machine under its current load (at least a static estimate), at
    most 30 % of the budget."""
    return min(0.3 * seconds, max(0.1 + 2e-5 * index.n_pairs, 1.5 * greedy_seconds))


def slowdown(index: Index, greedy_seconds: float) -> float:
    """How much slower than an unloaded core this machine is right now (>= 1), judged by the
    greedy; scales the CP-SAT model-build estimates."""
    expected = GREEDY_SECONDS_PER_PAIR * index.n_pairs + 0.01
    return max(1.0, greedy_seconds / expected)


def _lp_warm_start(
    index: Index,
    start: State,
    dl: Deadline,
    reserve: float,
    progress: ProgressFn | None,
) -> tuple[set[int], LpGuide | None]:
    """Best of the greedy, the rounded LP and the restricted MIP (by weighted fill), and the LP
    (None when it was not solved in time: then the greedy is the warm start)."""
    best, best_key = start.chosen, _lex(index, start.chosen)
    if not index.n_pairs:
        return best, None
    lp = solve_lp(index, dl.budget(0.25, reserve))
    if lp is None:
        return best, None
    rounded = lp_round(index, lp)
    candidates = [rounded.chosen]
    budget = min(0.25 * dl.seconds, 0.5 * dl.remaining(reserve))
    mip = restricted_mip(index, lp, [start.chosen, rounded.chosen], rounded.chosen, budget)
    if mip is not None:
        candidates.append(fill_up(index, mip).chosen)
    for cand in candidates:
        key = _lex(index, cand)
        if key > best_key:
            best, best_key = cand, key
    best = _improve(index, best, dl, reserve)
    best_key = _lex(index, best)
    budget = min(0.3 * dl.seconds, 0.5 * dl.remaining(reserve))
    second = restricted_secondary_mip(index, lp, start.chosen, best, budget)
    if second is not None and _lex(index, second) >= best_key:
        best = _improve(index, second, dl, reserve)
    if progress is not None:
        # Reported as phase "fill" (a bound on the weighted fill, like CP-SAT's in that phase), so
        # progress consumers that track the fill by phase see the warm start.
        progress(Progress(dl.elapsed(), float(best_key[0]), lp.objective, "fill",
                          len(best)))
    return best, lp


def solve_greedy(problem: Problem, *, bounds: bool = True, seconds: float = 60.0) -> Solution:
    """The greedy alone; ``seconds`` limits the bounds (a bound not ready is None)."""
    dl = Deadline(seconds)
    index = build_index(problem)
    tb = time.perf_counter()
    state = greedy(index, _start_pairs(index))
    if prefer_paired(state):
        state = fill_up(index, state.chosen)
    t1 = time.perf_counter()
    sol = _finish(index, state, "greedy", bounds=bounds, deadline=dl)
    sol.metrics.build_seconds = round(tb - dl.t0, 3)
    sol.metrics.solve_seconds = round(t1 - tb, 3)
    sol.metrics.first_solution_seconds = round(t1 - dl.t0, 3)
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
    patience: float | None = None,
) -> Solution:
    """Greedy, then (lexicographic mode) the LP-guided warm start of ``warmstart.py``, then
    CP-SAT, all before one deadline ``seconds`` after the call (model build, bounds and
    explanations included; see deadline.py). The greedy always runs, so even an expired
    deadline gives a feasible, maximal schedule. ``patience``: a CP-SAT search that finds
    nothing better for that many seconds ends before the deadline (``metrics.stopped_early``)."""
    dl = Deadline(seconds)
    index = build_index(problem, keep_bonus=keep_bonus)
    t_index = dl.elapsed()
    start = greedy(index, _start_pairs(index))
    t_greedy = dl.elapsed()
    reserve = finish_reserve(index, seconds, t_greedy - t_index)
    slow = slowdown(index, t_greedy - t_index)
    if progress is not None:
        fv = fill_value(index, start.chosen)
        progress(Progress(t_greedy, float(fv), math.inf, "greedy", len(start.chosen)))
    log.debug("index %.2fs greedy %.2fs pairs %d", t_index, t_greedy, index.n_pairs)
    # The max-flow bound is cheap (a fraction of the greedy): computed now, it is always ready.
    flow = flow_bound(index) if bounds and not dl.expired(reserve) else None
    hint = start.chosen
    lp: LpGuide | None = None
    if lexicographic and warm_start:
        hint, lp = _lp_warm_start(index, start, dl, reserve, progress)
        log.debug("warm start done %.2fs (LP %s)", dl.elapsed(), "ok" if lp else "not ready")
    lp_values: tuple[float | None, float | None] = (None, None)
    if not index.n_pairs:
        lp_values = (0.0, 0.0)
    elif lp is not None:
        seat = None
        if bounds:
            seat = seat_bound(index, lp.result, dl.budget(0.08, reserve))
        lp_values = (seat, lp.objective)
    model_index, keep = index, None
    cp_deadline = dl.end - reserve
    # A full CP-SAT model that cannot be built and searched in the time left (or a re-solve,
    # where only the disturbance matters) is replaced by the neighbourhood of the hint's empty
    # seats: their pairs, the pairs of everyone who could take them and of the shifts those
    # people hold (two-step ejection chains).
    too_big = 3 * slow * BUILD_SECONDS_PER_PAIR * index.n_pairs > dl.remaining(reserve)
    if index.n_pairs > NEIGHBOURHOOD_MIN_PAIRS and (not lexicographic or too_big):
        hint_state = State(index)
        hint_state.try_add_all(sorted(hint))
        keep = _repair_neighbourhood(index, hint_state)
        if 3 * slow * BUILD_SECONDS_PER_PAIR * len(keep) > dl.remaining(reserve):
            # Not even the neighbourhood fits in the time left: keep the warm start (CP-SAT,
            # given a deadline already past, returns it unchanged).
            keep, cp_deadline = None, dl.t0
        else:
            model_index = sub_index(index, keep)
            pos = {p: k for k, p in enumerate(keep)}
            hint = {pos[p] for p in hint}
    log.debug("cp-sat from %.2fs on %d pairs", dl.elapsed(), model_index.n_pairs)
    res = solve_cpsat(
        model_index,
        hint,
        deadline=cp_deadline,
        t0=dl.t0,
        workers=workers,
        seed=seed,
        progress=progress,
        lexicographic=lexicographic,
        phase1_share=0.4 if lp is not None else 0.75,
        hint_status="WARMSTART" if lp is not None else "GREEDY",
        fill_upper=lp.objective if lp is not None and keep is None else None,
        slowdown=slow,
        patience=patience,
    )
    if keep is not None:
        res.pairs = [keep[k] for k in res.pairs]
    log.debug("cp-sat done %.2fs (%s)", dl.elapsed(), res.status)
    # A time-limited run may leave a seat that a free volunteer could still take.
    state = fill_up(index, _improve(index, fill_up(index, res.pairs).chosen, dl, 0.5 * reserve))
    # A care visit's paired volunteer before any stand-in, whenever they are free for it.
    if prefer_paired(state):
        state = fill_up(index, state.chosen)
    # A neighbourhood's CP-SAT bound only bounds the neighbourhood, not the whole problem.
    cpsat_bound = res.fill_bound if keep is None else None
    sol = _finish(
        index,
        state,
        "cpsat",
        bounds=bounds,
        cpsat_bound=cpsat_bound,
        lp=lp_values,
        flow=flow,
        deadline=dl,
    )
    log.debug("finished %.2fs", dl.elapsed())
    m = sol.metrics
    m.build_seconds = round(t_index + res.build_seconds, 3)
    m.solve_seconds = round(dl.elapsed(), 3)
    m.first_solution_seconds = round(t_greedy, 3)
    m.objective = float(res.objective)
    m.status = res.status
    m.stopped_early = res.stalled
    if not bounds:
        m.cpsat_bound = cpsat_bound
    return sol
