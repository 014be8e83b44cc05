"""Polynomial upper bounds on what any schedule can fill.

* ``flow_bound``: max-flow shift -> (volunteer, week) -> sink ignoring overlaps and minute caps
  beyond a count derived from them. Cheap, loose.
* ``lp_bound``: LP relaxation over eligible pairs in [0, 1] with headcount <= max, one row per
  overlap clique (incl. the minimum gap) and the weekly minute and shift caps; solved with HiGHS.
  With ``weighted=True`` it bounds the weighted fill F that CP-SAT phase 1 maximises.

Every LP gets a time limit; an LP that is not solved to optimality within it is *not ready* and
reported as ``None`` (a time-limited primal value is not a bound). HiGHS (``highspy``) is
optional at run time: without it the LP bounds are ``None`` and ``HAVE_HIGHS`` is false.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow

from scheduling.eligibility import MIN_SEAT_BONUS, SEAT_WEIGHT, Index

try:
    import highspy
except ImportError:  # pragma: no cover - exercised only where highspy is not installed
    highspy = None

HAVE_HIGHS = highspy is not None


_BANNER_SILENCED = False


def _new_highs() -> highspy.Highs:
    """A Highs instance; the first one per process prints a banner on fd 1, which would corrupt
    JSON written to stdout by the CLI, so it is sent to /dev/null."""
    global _BANNER_SILENCED
    if _BANNER_SILENCED:
        return highspy.Highs()
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _BANNER_SILENCED = True
    return h


def flow_bound(index: Index) -> int:
    n_s = len(index.shifts)
    source, sink = n_s, n_s + 1
    vw_node: dict[tuple[int, int], int] = {}
    vw_min_minutes: dict[tuple[int, int], int] = {}
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    for s, shift in enumerate(index.shifts):
        if index.pairs_of_shift[s]:
            tails.append(source)
            heads.append(s)
            caps.append(shift.max_count)
    for p in range(index.n_pairs):
        v, s = index.pair_v[p], index.pair_s[p]
        key = (v, index.s_week[s])
        node = vw_node.setdefault(key, n_s + 2 + len(vw_node))
        dur = index.s_minutes[s]
        vw_min_minutes[key] = min(vw_min_minutes.get(key, dur), dur)
        tails.append(s)
        heads.append(node)
        caps.append(1)
    for key, node in vw_node.items():
        by_minutes = index.minute_cap(*key) // max(1, vw_min_minutes[key])
        tails.append(node)
        heads.append(sink)
        caps.append(min(index.shift_cap(*key), by_minutes))
    if not tails:
        return 0
    smf = max_flow.SimpleMaxFlow()
    smf.add_arcs_with_capacity(
        np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32), np.array(caps)
    )
    status = smf.solve(source, sink)
    if status != smf.OPTIMAL:
        raise RuntimeError(f"max flow failed: {status}")
    return int(smf.optimal_flow())


def _lp_model(index: Index, *, weighted: bool, time_limit: float) -> highspy.Highs:
    n = index.n_pairs
    costs = np.ones(n)
    y_shifts: list[int] = []
    if weighted:
        for p in range(n):
            costs[p] = index.shifts[index.pair_s[p]].priority * SEAT_WEIGHT
        y_shifts = [
            s for s, sh in enumerate(index.shifts) if index.pairs_of_shift[s] and sh.min_count > 0
        ]
    lower = np.zeros(n)
    for p in index.pinned:
        lower[p] = 1.0
    h = _new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    ny = len(y_shifts)
    all_costs = np.concatenate(
        [costs, np.array([index.shifts[s].priority * MIN_SEAT_BONUS for s in y_shifts], float)]
    )
    all_lower = np.concatenate([lower, np.zeros(ny)])
    all_upper = np.concatenate(
        [np.ones(n), np.array([float(index.shifts[s].min_count) for s in y_shifts])]
    )
    h.addVars(n + ny, all_lower, all_upper)
    h.changeColsCost(n + ny, np.arange(n + ny, dtype=np.int32), all_costs)

    starts: list[int] = []
    idx: list[int] = []
    vals: list[float] = []
    row_up: list[float] = []
    row_lo: list[float] = []

    def row(cols: list[int], coefs: list[float] | None, lo: float, up: float) -> None:
        starts.append(len(idx))
        idx.extend(cols)
        vals.extend(coefs if coefs is not None else [1.0] * len(cols))
        row_lo.append(lo)
        row_up.append(up)

    for s, shift in enumerate(index.shifts):
        pairs = index.pairs_of_shift[s]
        if len(pairs) > shift.max_count:
            row(pairs, None, -highspy.kHighsInf, float(shift.max_count))
    for j, s in enumerate(y_shifts):
        pairs = index.pairs_of_shift[s]
        row([n + j, *pairs], [1.0] + [-1.0] * len(pairs), -highspy.kHighsInf, 0.0)
    for clique in index.cliques:
        row(clique, None, -highspy.kHighsInf, 1.0)
    for v, week, plist, need_minutes, need_count in index.week_groups:
        if need_minutes:
            row(
                plist,
                [float(index.s_minutes[index.pair_s[p]]) for p in plist],
                -highspy.kHighsInf,
                float(index.minute_cap(v, week)),
            )
        if need_count:
            row(plist, None, -highspy.kHighsInf, float(index.shift_cap(v, week)))
    if starts:
        h.addRows(
            len(starts),
            np.array(row_lo),
            np.array(row_up),
            len(idx),
            np.array(starts, dtype=np.int32),
            np.array(idx, dtype=np.int32),
            np.array(vals),
        )
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h


# LP algorithms raced against each other (first optimal answer wins, the others are cancelled):
# the dual simplex is fastest on the generated town-weeks (~1 s), PDLP on long shifts with long
# rests (quickstart 60 x 554: simplex 28 s, interior point 2.6 s, PDLP 0.9 s).
RACE = ({}, {"solver": "pdlp"})
# PDLP stops at a relative optimality tolerance; its objective is widened by this much before
# it is used as a bound.
APPROX_TOL = 1e-6


@dataclass
class LpResult:
    model: highspy.Highs
    objective: float  # the LP optimum (widened by APPROX_TOL when not from the simplex)
    values: list[float]
    simplex: bool  # the winner has an optimal basis (warm-starts the seat LP)


def race_lp(index: Index, *, weighted: bool, time_limit: float) -> LpResult | None:
    """Solve the LP relaxation with every algorithm of RACE in parallel threads (HiGHS releases
    the GIL), return the first optimal answer and cancel the rest; None when none is optimal
    within ``time_limit``."""
    if not HAVE_HIGHS or time_limit <= 0 or index.n_pairs == 0:
        return None
    t0 = time.perf_counter()
    first = _lp_model(index, weighted=weighted, time_limit=time_limit)
    models = [first]
    for _ in RACE[1:]:
        h = _new_highs()
        h.setOptionValue("output_flag", False)
        h.passModel(first.getLp())
        models.append(h)
    # The time limit counts from now: building the model is part of the budget.
    left = time_limit - (time.perf_counter() - t0)
    if left < 0.05:
        return None
    for h, opts in zip(models, RACE, strict=True):
        h.setOptionValue("time_limit", float(left))
        for k, v in opts.items():
            h.setOptionValue(k, v)
        h.HandleUserInterrupt = True
    winner: list[int] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        models[i].run()
        if models[i].getModelStatus() == highspy.HighsModelStatus.kOptimal:
            with lock:
                if winner:
                    return
                winner.append(i)
            for j, other in enumerate(models):
                if j != i:
                    other.cancelSolve()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(models))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if not winner:
        return None
    h = models[winner[0]]
    simplex = "solver" not in RACE[winner[0]]
    obj = float(h.getInfo().objective_function_value)
    if not simplex:
        obj += APPROX_TOL * max(1.0, abs(obj))
    return LpResult(h, obj, list(h.getSolution().col_value[: index.n_pairs]), simplex)


def _optimal_value(h: highspy.Highs) -> float | None:
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return float(h.getInfo().objective_function_value)


def lp_bound(index: Index, *, weighted: bool = False, time_limit: float = 60.0) -> float | None:
    """Optimal value of the LP relaxation (seats, or weighted fill F when ``weighted``); None when
    it is not solved to optimality within ``time_limit`` or HiGHS is not installed."""
    if index.n_pairs == 0:
        return 0.0
    if not HAVE_HIGHS or time_limit <= 0:
        return None
    return _optimal_value(_lp_model(index, weighted=weighted, time_limit=time_limit))


def seat_bound_after_weighted(
    h: highspy.Highs,
    n_pairs: int,
    time_limit: float,
) -> float | None:
    """The seat LP bound from a model whose weighted LP was just solved: re-cost it (all-ones on
    the pairs, nothing on the min-seat columns) and re-solve from the optimal basis. Solved cold,
    the seat LP is so degenerate that it takes ~10x longer. None if not optimal in time."""
    if time_limit <= 0:
        return None
    n_cols = h.getNumCol()
    costs = np.concatenate([np.ones(n_pairs), np.zeros(n_cols - n_pairs)])
    h.changeColsCost(n_cols, np.arange(n_cols, dtype=np.int32), costs)
    h.setOptionValue("time_limit", float(time_limit))
    return _optimal_value(h)


def make_integral(h: highspy.Highs, n_cols: int) -> None:
    """Turn the first ``n_cols`` columns of a HiGHS model into integer variables."""
    h.changeColsIntegrality(
        n_cols,
        np.arange(n_cols, dtype=np.int32),
        np.array([highspy.HighsVarType.kInteger] * n_cols),
    )


def mip_optimum(index: Index, *, weighted: bool = False,
                time_limit: float = 120.0) -> tuple[float | None, float]:
    """HiGHS branch-and-cut on the same model with integral pairs, within ``time_limit``:
    (the value of the best schedule it found — None if none —, its dual bound, a proven upper
    bound). They meet when the optimum is proven. Offline use only (bench ``--proven``)."""
    if index.n_pairs == 0:
        return 0.0, 0.0
    if not HAVE_HIGHS:
        raise RuntimeError("the proven bounds need highspy (pip install highspy)")
    h = _lp_model(index, weighted=weighted, time_limit=time_limit)
    make_integral(h, h.getNumCol())
    h.setOptionValue("mip_rel_gap", 0.0)
    h.run()
    info = h.getInfo()
    found = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    bound = float(info.mip_dual_bound)
    return (float(info.objective_function_value) if found else None,
            bound if math.isfinite(bound) else math.inf)


def mip_bound(index: Index, *, weighted: bool = False, time_limit: float = 120.0) -> float:
    """The proven upper bound of `mip_optimum` (the optimum when it closes the gap)."""
    return mip_optimum(index, weighted=weighted, time_limit=time_limit)[1]


def seat_bound(index: Index, lp: LpResult | None, time_limit: float) -> float | None:
    """The seat LP bound: from the weighted LP's optimal basis when the simplex won, else raced
    cold; None when not ready within ``time_limit``."""
    if lp is not None and lp.simplex:
        return seat_bound_after_weighted(lp.model, index.n_pairs, time_limit)
    res = race_lp(index, weighted=False, time_limit=time_limit)
    return None if res is None else res.objective


def lp_bounds(index: Index, *, time_limit: float = 60.0) -> tuple[float | None, float | None]:
    """(seat LP bound, weighted LP bound): the weighted LP first (race_lp), then the seat LP
    from its basis. Each is None when not ready within ``time_limit`` (shared by both)."""
    if index.n_pairs == 0:
        return 0.0, 0.0
    if not HAVE_HIGHS or time_limit <= 0:
        return None, None
    t0 = time.perf_counter()
    res = race_lp(index, weighted=True, time_limit=time_limit)
    left = time_limit - (time.perf_counter() - t0)
    return seat_bound(index, res, left), None if res is None else res.objective
