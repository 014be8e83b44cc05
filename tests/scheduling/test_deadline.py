"""One deadline for every phase: what is not ready in time is reported as not ready."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scheduling import check, generate, solve, solve_greedy
from scheduling.bounds import lp_bound, lp_bounds
from scheduling.deadline import Deadline
from scheduling.eligibility import build_index
from scheduling.greedy import State, fill_up, greedy

pytestmark = pytest.mark.unit


def test_deadline_budget_never_passes_the_deadline() -> None:
    dl = Deadline(10.0, t0=0.0)  # started at perf_counter 0: long expired
    assert dl.expired()
    assert dl.remaining() == 0.0
    assert dl.budget(0.3) == 0.0
    fresh = Deadline(100.0)
    assert 0.0 < fresh.budget(0.1) <= 10.0
    assert fresh.budget(1.0, reserve=40.0) <= 60.0


def test_an_expired_deadline_still_gives_a_maximal_schedule_without_bounds() -> None:
    problem = generate(120, 90, seed=5)
    sol = solve(problem, seconds=0.0, workers=1)
    assert check(problem, sol).ok
    m = sol.metrics
    # Nothing had time to run but the greedy: no LP, no CP-SAT, no bound.
    assert m.status == "GREEDY"
    assert m.upper_bound_lp is None
    assert m.upper_bound_weighted_lp is None
    assert m.upper_bound_flow is None
    assert m.best_bound is None and m.quality is None and m.weighted_quality is None
    # ... yet the schedule is the greedy's, maximal, and every empty seat is explained.
    index = build_index(problem)
    assert m.filled_seats == len(greedy(index).chosen)
    pairs = [
        index.pair_of[(index.v_pos[a.volunteer], index.s_pos[a.shift])] for a in sol.assignments
    ]
    assert fill_up(index, pairs).chosen == State(index).chosen | set(pairs)
    assert sum(u.empty for u in sol.unfilled) == m.total_seats - m.filled_seats
    assert all(u.reason.code != "not_chosen" for u in sol.unfilled)


def test_lp_not_ready_is_none_not_a_number() -> None:
    index = build_index(generate(60, 45, seed=2))
    assert lp_bound(index, time_limit=0.0) is None
    assert lp_bounds(index, time_limit=0.0) == (None, None)
    sol = solve_greedy(generate(60, 45, seed=2), seconds=0.0)
    assert sol.metrics.upper_bound_lp is None and sol.metrics.best_bound is None


def test_engine_works_without_highspy() -> None:
    # highspy is optional at run time: greedy + CP-SAT, LP bounds not ready (None).
    code = (
        "import sys; sys.modules['highspy'] = None\n"
        "from scheduling import check, generate, solve\n"
        "from scheduling.bounds import HAVE_HIGHS\n"
        "p = generate(60, 45, seed=3)\n"
        "s = solve(p, seconds=1.0, workers=1)\n"
        "assert not HAVE_HIGHS and check(p, s).ok\n"
        "assert s.metrics.upper_bound_lp is None and s.metrics.upper_bound_weighted_lp is None\n"
        "assert s.metrics.upper_bound_flow is not None and s.metrics.filled_seats > 0\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
