"""CP-SAT optimiser, lexicographic in two phases, hinted with the best warm start (the greedy, or
the LP-guided warm start of warmstart.py) and skipped when too little time is left to build it.

Phase 1 maximises the weighted fill F = sum over shifts of p*SEAT_WEIGHT*n + p*MIN_SEAT_BONUS*
min(n, min_count) (see eligibility.py for the weights) and, lexicographically below it, the
continuity count C (assignments of a household's earlier or paired volunteer): the objective is
K*F + C with K = continuity_cap + 1. Proof that this is lexicographic: 0 <= C <= continuity_cap
< K for every schedule, and F is an integer, so a schedule with a larger F has K*F + C larger by
at least K - continuity_cap >= 1 whatever the two C are; among equal F, the larger C wins. Its
proven bound divided by K (rounded down) is a bound on F.
Phase 2 fixes F >= and C >= their phase-1 values and maximises the secondary score (distance,
preferences, stability of previous assignments) minus a convex load penalty, so no secondary
term (fairness included) can ever trade a pairing away.
With a ``patience``, each search also ends once it has found nothing better for that many
seconds (`stall.Stall`); the result says so (``stalled``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduling.eligibility import (
    CONTINUITY_BONUS,
    FAIRNESS_STEP,
    MIN_SEAT_BONUS,
    SEAT_WEIGHT,
    Index,
    continuity_cap,
    continuity_value,
    max_load,
)
from scheduling.model import Progress
from scheduling.stall import Stall

ProgressFn = Callable[[Progress], None]
# In the single-phase (re-solve) objective fill is scaled so one seat outweighs the secondary
# terms of a few assignments, but a kept previous assignment (KEEP_BONUS_RESOLVE) is worth a
# sizeable fraction of a seat: a move must fill a valuable seat to pay for itself.
COMBINED_FILL_SCALE = 10
# Rough cost of build_model on one core (~1.5 s for a 58k-pair town-week); CP-SAT is skipped
# when less than twice the estimated build time is left.
BUILD_SECONDS_PER_PAIR = 3e-5


@dataclass
class CpResult:
    pairs: list[int]
    status: str
    fill_value: int
    fill_bound: float | None
    objective: float
    build_seconds: float
    solve_seconds: float
    first_solution_seconds: float | None
    #: A search was ended by its patience (no better solution for that long), not its time.
    stalled: bool = False


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Progress reports; in phase 1 the objective K*F + C is reported as F (``scale`` = K)."""

    def __init__(self, t0: float, phase: str, progress: ProgressFn | None, scale: int = 1,
                 seats: cp_model.IntVar | None = None) -> None:
        super().__init__()
        self.t0 = t0
        self.phase = phase
        self.progress = progress
        self.scale = scale
        self.seats = seats
        self.first: float | None = None
        #: Told of each improving solution (a `Stall` watching the search).
        self.on_improved: Callable[[], None] | None = None

    def on_solution_callback(self) -> None:
        now = time.perf_counter() - self.t0
        if self.first is None:
            self.first = now
        if self.on_improved is not None:
            self.on_improved()
        if self.progress is not None:
            k = self.scale
            self.progress(
                Progress(
                    now,
                    float(self.objective_value // k),
                    float(math.floor(self.best_objective_bound / k + 1e-9)),
                    self.phase,
                    int(self.value(self.seats)) if self.seats is not None else None,
                )
            )


@dataclass
class _Model:
    model: cp_model.CpModel
    x: list[cp_model.IntVar]
    fill: cp_model.LinearExpr
    cont: cp_model.LinearExpr
    cont_scale: int
    secondary: cp_model.LinearExpr
    loads: list[tuple[int, cp_model.IntVar, list[cp_model.IntVar]]]
    y: list[tuple[int, cp_model.IntVar]]
    #: The number of filled seats (one per chosen pair), read cheaply by progress reports.
    seats: cp_model.IntVar


def build_model(index: Index) -> _Model:
    model = cp_model.CpModel()
    n = index.n_pairs
    x = [model.new_bool_var("") for _ in range(n)]
    fill_terms: list[cp_model.LinearExpr] = []
    fill_coefs: list[int] = []
    y_vars: list[tuple[int, cp_model.IntVar]] = []
    for s, shift in enumerate(index.shifts):
        pairs = index.pairs_of_shift[s]
        if not pairs:
            continue
        if len(pairs) > shift.max_count:
            model.add(sum(x[p] for p in pairs) <= shift.max_count)
        cap = min(shift.min_count, shift.max_count)
        if len(pairs) <= cap:
            # Every seat that can be filled is a min seat: no auxiliary variable needed.
            for p in pairs:
                fill_terms.append(x[p])
                fill_coefs.append(shift.priority * (SEAT_WEIGHT + MIN_SEAT_BONUS))
            continue
        for p in pairs:
            fill_terms.append(x[p])
            fill_coefs.append(shift.priority * SEAT_WEIGHT)
        if cap > 0:
            y = model.new_int_var(0, cap, "")
            model.add(y <= sum(x[p] for p in pairs))
            fill_terms.append(y)
            fill_coefs.append(shift.priority * MIN_SEAT_BONUS)
            y_vars.append((s, y))
    for clique in index.cliques:
        model.add_at_most_one(x[p] for p in clique)
    for v, week, plist, need_minutes, need_count in index.week_groups:
        if need_minutes:
            model.add(
                sum(index.s_minutes[index.pair_s[p]] * x[p] for p in plist)
                <= index.minute_cap(v, week)
            )
        if need_count:
            model.add(sum(x[p] for p in plist) <= index.shift_cap(v, week))
    for p in index.pinned:
        model.add(x[p] == 1)

    sec_terms: list[cp_model.LinearExpr] = []
    sec_coefs: list[int] = []
    for p in range(n):
        if index.pair_score[p]:
            sec_terms.append(x[p])
            sec_coefs.append(index.pair_score[p])
    loads: list[tuple[int, cp_model.IntVar, list[cp_model.IntVar]]] = []
    for v, pairs in enumerate(index.pairs_of_vol):
        if len(pairs) < 2:
            continue
        top = min(len(pairs), max_load(index, v))
        if top < 2:
            continue
        load = model.new_int_var(0, top, "")
        model.add(load == sum(x[p] for p in pairs))
        zs = []
        # z_k >= load - k at every level k: sum of z_k = load(load-1)/2 at the optimum.
        for k in range(1, top):
            z = model.new_int_var(0, top - k, "")
            model.add(z >= load - k)
            zs.append(z)
            sec_terms.append(z)
            sec_coefs.append(-FAIRNESS_STEP)
        loads.append((v, load, zs))
    seats = model.new_int_var(0, n, "seats")
    model.add(seats == cp_model.LinearExpr.sum(x))
    return _Model(
        model=model,
        seats=seats,
        x=x,
        fill=cp_model.LinearExpr.weighted_sum(fill_terms, fill_coefs),
        cont=cp_model.LinearExpr.sum([x[p] for p in range(n) if index.pair_cont[p]]),
        cont_scale=continuity_cap(index) + 1,
        secondary=cp_model.LinearExpr.weighted_sum(sec_terms, sec_coefs),
        loads=loads,
        y=y_vars,
    )


def _hint(m: _Model, index: Index, chosen: set[int]) -> None:
    m.model.clear_hints()
    for p, var in enumerate(m.x):
        m.model.add_hint(var, p in chosen)
    count = [0] * len(index.shifts)
    load = [0] * len(index.volunteers)
    for p in chosen:
        count[index.pair_s[p]] += 1
        load[index.pair_v[p]] += 1
    for s, y in m.y:
        m.model.add_hint(y, min(count[s], index.shifts[s].min_count))
    for v, load_var, zs in m.loads:
        m.model.add_hint(load_var, load[v])
        for k, z in enumerate(zs, start=1):
            m.model.add_hint(z, max(0, load[v] - k))


def _solver(seconds: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # Full presolve (probing, symmetry) of a town-week model costs ~6 s of a 10 s budget while
    # the greedy hint already gives a good start, so keep presolve light.
    solver.parameters.max_presolve_iterations = 1
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = 0
    if workers == 1:
        solver.parameters.interleave_search = False
    return solver


def _search(solver: cp_model.CpSolver, model: cp_model.CpModel, rep: _Reporter,
            patience: float | None) -> tuple[int, bool]:
    """`solver.solve`, ended early when no better solution came for `patience` seconds;
    returns the status and whether it was so ended."""
    if patience is None:
        return solver.solve(model, rep), False
    with Stall(solver, patience) as stall:
        rep.on_improved = stall.improved
        status = solver.solve(model, rep)
    return status, stall.stopped


def fill_value(index: Index, chosen: set[int] | list[int]) -> int:
    count = [0] * len(index.shifts)
    for p in chosen:
        count[index.pair_s[p]] += 1
    total = 0
    for s, shift in enumerate(index.shifts):
        c = count[s]
        total += shift.priority * (SEAT_WEIGHT * c + MIN_SEAT_BONUS * min(c, shift.min_count))
    return total


def solve_cpsat(
    index: Index,
    hint: set[int],
    *,
    deadline: float,
    t0: float,
    workers: int = 2,
    seed: int = 0,
    progress: ProgressFn | None = None,
    phase1_share: float = 0.75,
    fill_upper: float | None = None,
    slowdown: float = 1.0,
    lexicographic: bool = True,
    hint_status: str = "GREEDY",
    patience: float | None = None,
) -> CpResult:
    """Solve with CP-SAT until ``deadline`` (a time.perf_counter() value). ``fill_upper``: a
    known upper bound on the weighted fill (the LP's); when the hint reaches it and has every
    possible continuity assignment, phase 1 is already solved and phase 2 gets all the time.
    ``patience``: each search ends once it has improved nothing for that many seconds."""
    best = set(hint)
    best_fill = fill_value(index, best)
    fill_bound: float | None = None
    first: float | None = None
    status = hint_status
    stalled = False
    tb = time.perf_counter()
    build_estimate = slowdown * BUILD_SECONDS_PER_PAIR * index.n_pairs
    if index.n_pairs and deadline - tb < 2 * build_estimate + 0.1:
        # Not enough time left to build the model and search: keep the warm start.
        return CpResult(sorted(best), status, best_fill, None, float(best_fill), 0.0, 0.0, None)
    m = build_model(index)
    _hint(m, index, hint)
    build = time.perf_counter() - tb
    ts = time.perf_counter()

    remaining = deadline - time.perf_counter()
    if index.n_pairs and remaining > 0.05 and not lexicographic:
        m.model.maximize(COMBINED_FILL_SCALE * m.fill + CONTINUITY_BONUS * m.cont + m.secondary)
        solver = _solver(remaining, workers, seed)
        rep = _Reporter(t0, "combined", progress, seats=m.seats)
        st, stalled = _search(solver, m.model, rep, patience)
        status = solver.status_name(st)
        first = rep.first
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            values = solver.boolean_values(m.x)
            best = {p for p, val in enumerate(values) if val}
            best_fill = fill_value(index, best)
    elif (
        index.n_pairs
        and remaining > 0.05
        and fill_upper is not None
        and best_fill >= math.floor(fill_upper + 1e-6)
        and continuity_value(index, best) == m.cont_scale - 1
    ):
        status, fill_bound = "OPTIMAL", float(best_fill)
        m.model.add(m.fill >= best_fill)
        m.model.add(m.cont >= m.cont_scale - 1)
        m.model.maximize(m.secondary)
        solver2 = _solver(remaining, workers, seed)
        rep2 = _Reporter(t0, "secondary", progress, seats=m.seats)
        st2, stalled = _search(solver2, m.model, rep2, patience)
        first = rep2.first
        if st2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            values = solver2.boolean_values(m.x)
            best = {p for p, val in enumerate(values) if val}
            status = f"{status}+{solver2.status_name(st2)}"
    elif index.n_pairs and remaining > 0.05:
        k = m.cont_scale
        m.model.maximize(k * m.fill + m.cont)
        solver = _solver(remaining * phase1_share, workers, seed)
        if progress is not None:
            solver.best_bound_callback = lambda b: progress(
                Progress(
                    time.perf_counter() - t0, float(best_fill), math.floor(b / k + 1e-9), "fill"
                )
            )
        rep = _Reporter(t0, "fill", progress, scale=k, seats=m.seats)
        st, stalled = _search(solver, m.model, rep, patience)
        status = solver.status_name(st)
        first = rep.first
        best_cont = continuity_value(index, best)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            fill_bound = float(math.floor(solver.best_objective_bound / k + 1e-9))
            values = solver.boolean_values(m.x)
            cand = {p for p, val in enumerate(values) if val}
            key = (fill_value(index, cand), continuity_value(index, cand))
            if key >= (best_fill, best_cont):
                best, (best_fill, best_cont) = cand, key

        remaining = deadline - time.perf_counter()
        if remaining > 0.05:
            m.model.add(m.fill >= best_fill)
            m.model.add(m.cont >= best_cont)
            m.model.maximize(m.secondary)
            _hint(m, index, best)
            solver2 = _solver(remaining, workers, seed)
            rep2 = _Reporter(t0, "secondary", progress, seats=m.seats)
            st2, stalled_2 = _search(solver2, m.model, rep2, patience)
            stalled = stalled or stalled_2
            if first is None:
                first = rep2.first
            if st2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                values = solver2.boolean_values(m.x)
                best = {p for p, val in enumerate(values) if val}
                status = f"{status}+{solver2.status_name(st2)}"
    elif not index.n_pairs:
        status = "OPTIMAL"
        fill_bound = 0.0
    return CpResult(
        pairs=sorted(best),
        status=status,
        fill_value=best_fill,
        fill_bound=fill_bound,
        objective=float(best_fill),
        build_seconds=build,
        solve_seconds=time.perf_counter() - ts,
        first_solution_seconds=first,
        stalled=stalled,
    )
