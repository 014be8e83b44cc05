"""A volunteer's no-show rate as a soft preference (issue 16): it picks between schedules of
equal fill, and never costs a seat."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scheduling import check, dumps_problem, loads_problem, solve, solve_greedy
from scheduling.eligibility import build_index
from scheduling.reliability import DEFAULT_WEIGHT, MIN_RECORDS, often_absent, penalty
from tests.scheduling.helpers import problem, shift, vol

pytestmark = pytest.mark.unit


def test_penalty_is_the_weight_times_the_rate() -> None:
    assert penalty(3, 8, 20) == 8  # 20 * 3/8 = 7.5, rounded to even
    assert penalty(8, 8, 20) == 20
    assert penalty(0, 8, 20) == 0
    assert penalty(3, 8, 0) == 0


def test_a_short_record_is_read_over_the_minimum() -> None:
    # one missed shift out of one is not a 100% no-show rate
    assert penalty(1, 1, 20) == round(20 / MIN_RECORDS)
    assert not often_absent(1, 1)
    assert often_absent(3, 8) and not often_absent(1, 8)


def _two_for_one():
    steady = replace(vol("steady"), recorded_shifts=8, no_shows=0)
    # she asked for this shift (+10) but missed 3 of her 8 (at weight 40: -15)
    absent = replace(vol("absent"), recorded_shifts=8, no_shows=3, preferred_shifts=("s1",))
    return problem([absent, steady], [shift("s1", 0, 9, 12)])


@pytest.mark.parametrize("method", ["solve", "greedy"])
@pytest.mark.parametrize(("weight", "chosen"), [(0, "absent"), (40, "steady")])
def test_the_reliable_volunteer_gets_the_seat(method, weight, chosen) -> None:
    p = replace(_two_for_one(), reliability_weight=weight)
    sol = solve(p, seconds=3.0, workers=1) if method == "solve" else solve_greedy(p)
    assert check(p, sol).ok
    assert [a.volunteer for a in sol.assignments] == [chosen]


def test_weight_zero_ignores_the_record() -> None:
    p = _two_for_one()
    assert build_index(p).pair_score == [10, 0]
    weighted = build_index(replace(p, reliability_weight=DEFAULT_WEIGHT))
    assert weighted.pair_score == [10 - penalty(3, 8, DEFAULT_WEIGHT), 0]


@pytest.mark.parametrize("method", ["solve", "greedy"])
def test_it_never_costs_a_seat(method) -> None:
    # Only the volunteer who often misses has the skill: she still gets the shift.
    absent = replace(vol("absent", skills=["bp"]), recorded_shifts=10, no_shows=9)
    p = replace(problem([absent, vol("other")], [shift("s1", 0, 9, 12, skill="bp")]),
                reliability_weight=100)
    sol = solve(p, seconds=3.0, workers=1) if method == "solve" else solve_greedy(p)
    assert [a.volunteer for a in sol.assignments] == ["absent"]


def test_the_record_and_weight_survive_json() -> None:
    p = replace(_two_for_one(), reliability_weight=35)
    again = loads_problem(dumps_problem(p))
    assert again.reliability_weight == 35
    assert [(v.recorded_shifts, v.no_shows) for v in again.volunteers] == [(8, 3), (8, 0)]
