"""The bench's reference optimum (``--proven``): on an instance whose optimum is known by hand
the engine's answer is measured against the proven optimum and the table says so."""

from __future__ import annotations

import pytest

from scheduling import solve
from scheduling.bench_families import optimum_columns
from scheduling.bounds import HAVE_HIGHS
from scheduling.eligibility import MIN_SEAT_BONUS, SEAT_WEIGHT
from scheduling.optimum import OPTIMUM_TARGET, optimum_reference
from tests.scheduling.test_bounds import tight_caps

pytestmark = pytest.mark.skipif(not HAVE_HIGHS, reason="highspy is not installed")


def test_the_engine_is_measured_against_the_proven_optimum() -> None:
    problem = tight_caps()
    solution = solve(problem, seconds=2, workers=1)
    ref = optimum_reference(problem, solution, time_limit=30)
    assert (ref["seats"], ref["weighted"]) == (2, (1 + 3) * (SEAT_WEIGHT + MIN_SEAT_BONUS))
    assert ref["proven"]
    assert ref["quality"] == solution.metrics.filled_seats / 2
    columns = optimum_columns([ref])
    assert columns[2] == "2 proven"
    assert columns[3] == ("ok" if min(ref["quality"], ref["weighted_quality"]) >= OPTIMUM_TARGET
                          else "MISS")


def test_an_optimum_not_known_is_not_shown_as_reached() -> None:
    unknown = {"seats": None, "weighted": None, "proven": False, "seats_proven": False,
               "quality": None, "weighted_quality": None}
    assert optimum_columns([unknown]) == ["—", "—", "not known", "—"]
    seats_only = {**unknown, "seats": 90.0, "seats_proven": True, "quality": 1.0}
    assert optimum_columns([seats_only]) == ["100.00%", "—", "90 proven", "—"]
