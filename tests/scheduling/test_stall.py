"""A CP-SAT search that has stopped improving ends before its deadline (`scheduling.stall`),
and the schedule is as good: valid, its fill proven optimal before the stop."""

from __future__ import annotations

import pytest

from scheduling import check, solve
from scheduling.families import quickstart

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def problem():
    """Small enough that the fill phase proves optimality at once, while the balance phase
    keeps searching to its deadline without a patience."""
    return quickstart(0, employees=10, shifts=60, days=7)


def test_a_search_that_stops_improving_ends_before_the_deadline(problem) -> None:
    patient = solve(problem, seconds=60, workers=2, patience=0.5)
    assert patient.metrics.stopped_early
    assert check(problem, patient).ok
    # The fill phase ended proven optimal (the first status); only the balance phase, which
    # never proves its optimum here, was cut short.
    assert patient.metrics.status == "OPTIMAL+FEASIBLE"


def test_without_patience_the_search_runs_to_its_deadline(problem) -> None:
    full = solve(problem, seconds=2, workers=2)
    assert not full.metrics.stopped_early
    assert check(problem, full).ok
