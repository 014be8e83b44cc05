"""Balance over the whole horizon at every load level (issue 11 §3)."""

from __future__ import annotations

import pytest

from scheduling import check, solve, solve_greedy
from scheduling.eligibility import FAIRNESS_STEP, load_penalty
from scheduling.families import quickstart
from tests.scheduling.helpers import problem, shift, vol

pytestmark = pytest.mark.unit


def _thirty_shifts():
    # Three interchangeable people, thirty one-hour shifts over a week, room for all of them.
    days = [(d, 6, 23) for d in range(7)]
    vols = [vol(f"p{i}", avail=days, max_shifts=14, max_min=2000) for i in range(3)]
    shifts = [shift(f"s{j}", j % 7, 7 + 2 * (j // 7), 8 + 2 * (j // 7)) for j in range(30)]
    return problem(vols, shifts)


def test_penalty_is_convex_at_every_level() -> None:
    marginal = [load_penalty(n + 1) - load_penalty(n) for n in range(20)]
    assert marginal == [FAIRNESS_STEP * n for n in range(20)]  # never flat


@pytest.mark.parametrize("method", ["solve", "greedy"])
def test_high_loads_are_balanced(method) -> None:
    p = _thirty_shifts()
    sol = solve(p, seconds=5.0, workers=1) if method == "solve" else solve_greedy(p)
    assert check(p, sol).ok and sol.metrics.filled_seats == 30
    loads = sorted(sum(a.volunteer == v.id for a in sol.assignments) for v in p.volunteers)
    assert loads == [10, 10, 10]
    assert sol.metrics.load_std_shifts == 0.0 and sol.metrics.load_range_shifts == 0
    assert sol.metrics.load_range_minutes == 0


def test_quickstart_shape_is_generated_as_specified() -> None:
    p = quickstart(3)
    assert len(p.volunteers) == 15 and len(p.shifts) == 139
    assert p.rules.min_gap_minutes == 600
    assert all((s.end - s.start).total_seconds() == 8 * 3600 for s in p.shifts)
    assert all(v.preferred_shifts and v.avoided_shifts for v in p.volunteers)
