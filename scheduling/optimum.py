"""The distance to the true optimum, for the bench's ``--proven`` columns: offline and untimed,
HiGHS's MIP finds or bounds the optimum of seats and of weighted fill, so that the engine's gap
to the optimum can be told apart from the looseness of the LP bound."""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import time
from typing import Any

from scheduling.bounds import mip_optimum
from scheduling.eligibility import MIN_SEAT_BONUS, SEAT_WEIGHT, build_index
from scheduling.io import dumps_problem, loads_problem
from scheduling.model import Problem, Solution

# Time limit of each offline MIP (``--proven``) that finds or bounds the true optimum.
PROVEN_SECONDS = 120.0
# Target: at least this share of the proven or best known optimum, in seats and weighted fill.
OPTIMUM_TARGET = 0.995
# How long past its time limit an offline MIP may run (loading and indexing the problem) before
# it is ended.
SETUP_GRACE = 30.0


def _mip_in_child(problem_json: str, weighted: bool, time_limit: float, conn: Any) -> None:
    conn.send(mip_optimum(build_index(loads_problem(problem_json)), weighted=weighted,
                          time_limit=time_limit))
    conn.close()


def _mip_optima(problem: Problem, time_limit: float) -> dict[str, tuple[float | None, float]]:
    """`mip_optimum` of seats and of weighted fill, side by side, each in a process of its
    own that is ended `time_limit` + SETUP_GRACE seconds on: HiGHS's MIP set-up (the objective's
    clique partition) does not look at the time limit and has taken over ten minutes on a
    town-week. One ended (or failed) knows nothing: (None, inf)."""
    context = multiprocessing.get_context("spawn")  # no HiGHS or CP-SAT threads inherited
    text = dumps_problem(problem)
    running = {}
    for key in ("seats", "weighted"):
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_mip_in_child,
                                args=(text, key == "weighted", time_limit, send), daemon=True)
        child.start()
        running[key] = (child, receive)
    deadline = time.monotonic() + time_limit + SETUP_GRACE
    found: dict[str, tuple[float | None, float]] = {}
    for key, (child, receive) in running.items():
        found[key] = (None, math.inf)
        if receive.poll(max(0.0, deadline - time.monotonic())):
            with contextlib.suppress(EOFError):  # the child failed: its error is on stderr
                found[key] = receive.recv()
        child.kill()
        child.join()
    return found


def optimum_reference(problem: Problem, sol: Solution,
                      time_limit: float = PROVEN_SECONDS) -> dict[str, Any]:
    """Offline, untimed: the optimum of seats and of weighted fill — proven when HiGHS's MIP
    closes the gap within `time_limit`, else the best known (the MIP's best schedule or the
    engine's, which is feasible for the MIP too) — and the solution's share of each. When the
    MIP has no schedule in time and nothing proves the engine's optimal, nothing is known
    beyond the engine's own answer: the optimum and the share are None ("—"), not a
    flattering 100 %."""
    m = sol.metrics
    ref: dict[str, Any] = {}
    optima = _mip_optima(problem, time_limit)
    # The engine's own bounds hold too (a schedule that meets its LP bound is optimal), and so
    # does the value of every seat filled.
    full = sum(s.priority * (SEAT_WEIGHT * s.max_count
                             + MIN_SEAT_BONUS * min(s.min_count, s.max_count))
               for s in problem.shifts)
    engine_bounds = {"seats": [m.best_bound, m.total_seats],
                     "weighted": [m.upper_bound_weighted_lp, m.cpsat_bound, full]}
    for key, own in (("seats", float(m.filled_seats)), ("weighted", float(m.weighted_fill))):
        found, dual = optima[key]
        bound = min([dual, *(b for b in engine_bounds[key] if b is not None)])
        best = own if found is None else max(own, found)
        # Both objectives are integral: a schedule worth the bound's floor is optimal.
        proven = math.isfinite(bound) and best >= math.floor(bound + 1e-6)
        known = found is not None or proven
        ref[key] = best if known else None
        ref[f"{key}_bound"] = bound if math.isfinite(bound) else None
        ref[f"{key}_proven"] = proven
        ref[f"{key}_share"] = (own / best if best else 1.0) if known else None
    ref["proven"] = ref["seats_proven"] and ref["weighted_proven"]
    ref["quality"], ref["weighted_quality"] = ref.pop("seats_share"), ref.pop("weighted_share")
    return ref
