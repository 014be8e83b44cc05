from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from scheduling import Assignment, Solution, check, solve, solve_greedy
from tests.scheduling.helpers import small_problems

pytestmark = pytest.mark.unit

SETTINGS = settings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(small_problems())
def test_solvers_produce_valid_schedules_and_cpsat_is_not_worse(problem) -> None:
    greedy = solve_greedy(problem)
    cpsat = solve(problem, seconds=1.0, workers=1, seed=0)
    for sol in (greedy, cpsat):
        report = check(problem, sol)
        assert report.violations == []
        assert report.metrics["filled_seats"] == sol.metrics.filled_seats
    assert cpsat.metrics.weighted_fill >= greedy.metrics.weighted_fill
    # The bounds are bounds (the greedy's LP has a minute; the timed solve's may be not ready).
    assert greedy.metrics.upper_bound_weighted_lp is not None
    for sol in (greedy, cpsat):
        assert sol.metrics.filled_seats <= sol.metrics.best_bound
        if sol.metrics.upper_bound_weighted_lp is not None:
            assert sol.metrics.weighted_fill <= sol.metrics.upper_bound_weighted_lp + 1e-6


def _brute_force_best(problem) -> int:
    """Best weighted fill over every subset of (volunteer, shift) pairs, judged by check()."""
    pairs = [(v.id, s.id) for v in problem.volunteers for s in problem.shifts]
    best = 0
    for mask in range(1 << len(pairs)):
        chosen = [Assignment(*pairs[i]) for i in range(len(pairs)) if mask >> i & 1]
        report = check(problem, Solution(chosen))
        if report.ok:
            best = max(best, int(report.metrics["weighted_fill"]))
    return best


@settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems(max_vols=3, max_shifts=3))
def test_cpsat_equals_brute_force_on_tiny_instances(problem) -> None:
    cpsat = solve(problem, seconds=2.0, workers=1, seed=0, bounds=False)
    assert cpsat.metrics.weighted_fill == _brute_force_best(problem)
