"""LP-guided warm start: LP relaxation, rounding, and an exact MIP over the LP's neighbourhood.

1. Solve the weighted-fill LP relaxation (HiGHS; the same model as ``bounds.lp_bound``).
2. Round it: insert pairs in decreasing LP value while every hard constraint holds, then complete
   the result to a maximal assignment (``greedy.fill_up``).
3. Restricted MIP: keep only the pairs the LP uses and the pairs of the warm starts (reduced
   costs do not help to widen this: the LP is so degenerate that most unused pairs have reduced
   cost zero); solve the weighted-fill MIP over them with HiGHS, started from the rounded
   solution. On the generated instances this restricted problem is a few thousand binaries and
   HiGHS closes it at the root in well under a second, landing within ~0.2 % of the full
   problem's optimum.

Every solution returned is feasible for the full problem (the restriction only removes pairs).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from scheduling.bounds import LpResult, _lp_model, highspy, make_integral, race_lp
from scheduling.eligibility import (
    FAIRNESS_STEP,
    MIN_SEAT_BONUS,
    SEAT_WEIGHT,
    Index,
    _volunteer_structure,
    max_load,
)
from scheduling.greedy import State, fill_up

# Skip the restricted MIP when it would still be this large (the LP rounding is used instead).
MAX_MIP_PAIRS = 40_000
# Weight of a continuity assignment in the secondary MIP (a heuristic: the row continuity >=
# start's keeps it from losing any; CP-SAT phase 2 and the local search are exactly
# lexicographic).
CONTINUITY_MIP_WEIGHT = 1000
# LP values at or below this are zero (PDLP's solutions are interior and approximate).
SUPPORT_TOL = 1e-4


@dataclasses.dataclass
class LpGuide:
    values: list[float]
    objective: float
    # The solved LP (its optimal basis, if from the simplex, warm-starts the seat LP bound).
    result: LpResult | None = None


def solve_lp(index: Index, time_limit: float) -> LpGuide | None:
    """The weighted LP relaxation (simplex and PDLP raced, bounds.race_lp), or None when it is
    not optimal within ``time_limit`` (then the caller goes on without it) or HiGHS is not
    installed. The guide's values below SUPPORT_TOL count as zero (PDLP's are approximate)."""
    if index.n_pairs == 0 or time_limit < 0.05:
        return None
    res = race_lp(index, weighted=True, time_limit=time_limit)
    if res is None:
        return None
    values = [v if v > SUPPORT_TOL else 0.0 for v in res.values]
    return LpGuide(values, res.objective, res)


def lp_round(index: Index, lp: LpGuide) -> State:
    """Insert pairs by decreasing LP value (ties: higher secondary score), then fill up."""
    order = sorted(
        (p for p in range(index.n_pairs) if lp.values[p] > 1e-6),
        key=lambda p: (-lp.values[p], -index.pair_cont[p], -index.pair_score[p], p),
    )
    state = State(index)
    for p in index.pinned:
        state.add(p)
    state.try_add_all(order)
    return fill_up(index, state.chosen)


def sub_index(index: Index, keep: list[int]) -> Index:
    """The index restricted to the pairs ``keep`` (sorted); pair k of the result is keep[k]."""
    sub = dataclasses.replace(
        index,
        pair_v=[index.pair_v[p] for p in keep],
        pair_s=[index.pair_s[p] for p in keep],
        pair_score=[index.pair_score[p] for p in keep],
        pair_prev=[index.pair_prev[p] for p in keep],
        pair_cont=[index.pair_cont[p] for p in keep],
        pair_km=[index.pair_km[p] for p in keep],
        pairs_of_shift=[[] for _ in index.shifts],
        pairs_of_vol=[[] for _ in index.volunteers],
        pair_of={},
        cliques=[],
        week_groups=[],
        pinned=[],
    )
    pos = {p: k for k, p in enumerate(keep)}
    for k in range(len(keep)):
        v, s = sub.pair_v[k], sub.pair_s[k]
        sub.pairs_of_shift[s].append(k)
        sub.pairs_of_vol[v].append(k)
        sub.pair_of[(v, s)] = k
    for v in range(len(index.volunteers)):
        _volunteer_structure(sub, v)
    sub.pinned = [pos[p] for p in index.pinned]
    return sub


def _neighbourhood(index: Index, *parts: set[int], time_limit: float) -> list[int] | None:
    """The pairs a restricted MIP may use (always the pins), or None when it would be too
    large or there is no time left to solve it."""
    keep_set = set(index.pinned).union(*parts)
    if len(keep_set) > MAX_MIP_PAIRS or time_limit < 0.05:
        return None
    return sorted(keep_set)


def restricted_mip(
    index: Index, lp: LpGuide, starts: list[set[int]], start: set[int], time_limit: float
) -> set[int] | None:
    """Best weighted fill over the LP neighbourhood (see module doc); None if nothing found."""
    support = {p for p in range(index.n_pairs) if lp.values[p] > 1e-6}
    keep = _neighbourhood(index, support, *starts, start, time_limit=time_limit)
    if keep is None:
        return None
    sub = sub_index(index, keep)
    h = _lp_model(sub, weighted=True, time_limit=time_limit)
    n_cols = h.getNumCol()
    make_integral(h, n_cols)
    h.setOptionValue("mip_rel_gap", 1e-6)
    # Start from the given solution; the y columns (min-seat credit) follow the pair columns in
    # the order of shifts with pairs and a positive min_count (see bounds._lp_model).
    n = sub.n_pairs
    pos = {p: k for k, p in enumerate(keep)}
    col = [0.0] * n_cols
    count = [0] * len(sub.shifts)
    for p in start:
        col[pos[p]] = 1.0
        count[sub.pair_s[pos[p]]] += 1
    y_shifts = [s for s, sh in enumerate(sub.shifts) if sub.pairs_of_shift[s] and sh.min_count > 0]
    for j, s in enumerate(y_shifts):
        col[n + j] = float(min(count[s], sub.shifts[s].min_count))
    return _run_from(h, col, keep, n, index)


def restricted_secondary_mip(
    index: Index, lp: LpGuide, extra: set[int], start: set[int], time_limit: float
) -> set[int] | None:
    """Phase 2 over a neighbourhood: maximise CONTINUITY_MIP_WEIGHT x continuity + the secondary
    score (pair scores minus the convex load penalty) subject to weighted fill >= and continuity
    >= those of ``start``. The neighbourhood is ``start``, ``extra``, the LP support and every
    pair with continuity or a positive score (preferences)."""
    support = {
        p
        for p in range(index.n_pairs)
        if lp.values[p] > 1e-6 or index.pair_score[p] > 0 or index.pair_cont[p]
    }
    keep = _neighbourhood(index, support, extra, start, time_limit=time_limit)
    if keep is None:
        return None
    sub = sub_index(index, keep)
    pos = {p: k for k, p in enumerate(keep)}
    h = _lp_model(sub, weighted=True, time_limit=time_limit)
    n, n_xy = sub.n_pairs, h.getNumCol()
    y_shifts = [s for s, sh in enumerate(sub.shifts) if sub.pairs_of_shift[s] and sh.min_count > 0]
    # Fill row: the weighted-fill objective of the LP model must stay >= the start's value.
    fill_costs = [sub.shifts[sub.pair_s[k]].priority * SEAT_WEIGHT for k in range(n)]
    fill_costs += [sub.shifts[s].priority * MIN_SEAT_BONUS for s in y_shifts]
    col = [0.0] * n_xy
    count = [0] * len(sub.shifts)
    load = [0] * len(sub.volunteers)
    for p in start:
        col[pos[p]] = 1.0
        count[sub.pair_s[pos[p]]] += 1
        load[sub.pair_v[pos[p]]] += 1
    for j, s in enumerate(y_shifts):
        col[n + j] = float(min(count[s], sub.shifts[s].min_count))
    fill = sum(c * x for c, x in zip(fill_costs, col, strict=True))
    h.addRow(
        float(fill) - 1e-6,
        highspy.kHighsInf,
        n_xy,
        np.arange(n_xy, dtype=np.int32),
        np.array(fill_costs, dtype=float),
    )
    cont_cols = [k for k in range(n) if sub.pair_cont[k]]
    if cont_cols:
        h.addRow(
            float(sum(col[k] for k in cont_cols)) - 1e-6,
            highspy.kHighsInf,
            len(cont_cols),
            np.array(cont_cols, dtype=np.int32),
            np.ones(len(cont_cols)),
        )
    h.changeColsCost(
        n_xy,
        np.arange(n_xy, dtype=np.int32),
        np.array(
            [float(sub.pair_score[k] + CONTINUITY_MIP_WEIGHT * sub.pair_cont[k]) for k in range(n)]
            + [0.0] * len(y_shifts)
        ),
    )
    make_integral(h, n_xy)
    # Convex load penalty at every level: a load column L_v = sum of v's pairs and levels
    # z_k >= L_v - k (k = 1 .. max load - 1), each costing FAIRNESS_STEP.
    none_i, none_f = np.array([], dtype=np.int32), np.array([], dtype=float)
    c = n_xy
    for v, plist in enumerate(sub.pairs_of_vol):
        top = min(len(plist), max_load(sub, v))
        if top < 2:
            continue
        h.addCol(0.0, 0.0, float(top), 0, none_i, none_f)
        lv = c
        col.append(float(load[v]))
        c += 1
        h.addRow(
            0.0,
            0.0,
            len(plist) + 1,
            np.array([lv, *plist], dtype=np.int32),
            np.array([1.0] + [-1.0] * len(plist)),
        )
        for k in range(1, top):
            h.addCol(-float(FAIRNESS_STEP), 0.0, float(top - k), 0, none_i, none_f)
            h.addRow(
                -float(k),
                highspy.kHighsInf,
                2,
                np.array([c, lv], dtype=np.int32),
                np.array([1.0, -1.0]),
            )
            col.append(float(max(0, load[v] - k)))
            c += 1
    h.setOptionValue("mip_rel_gap", 1e-4)
    return _run_from(h, col, keep, n, index)


def _run_from(
    h: highspy.Highs, start: list[float], keep: list[int], n: int, index: Index
) -> set[int] | None:
    """Solve the restricted MIP from a known solution; None when HiGHS found none."""
    hs = highspy.HighsSolution()
    hs.col_value = start
    h.setSolution(hs)
    h.run()
    if h.getInfo().primal_solution_status != 2:  # 2 = feasible
        return None
    values = h.getSolution().col_value
    chosen = [keep[k] for k in range(n) if values[k] > 0.5]
    # Trust but verify: keep only what is feasible for the full problem.
    state = State(index)
    state.try_add_all(chosen)
    return state.chosen
