"""The LP-guided warm start, the fill-preserving local search and the re-solve neighbourhood."""

from __future__ import annotations

import sys

import pytest

from scheduling import Change, apply_change, check, generate, resolve, solve
from scheduling.bounds import lp_bound, lp_bounds
from scheduling.cpsat import fill_value
from scheduling.eligibility import build_index
from scheduling.greedy import _marginal_fairness, greedy, improve_secondary
from scheduling.warmstart import lp_round, restricted_mip, restricted_secondary_mip, solve_lp

pytestmark = pytest.mark.unit


def _score(index, state) -> int:
    load = sum(_marginal_fairness(k) for shifts in state.vol_shifts for k in range(len(shifts)))
    return sum(index.pair_score[p] for p in state.chosen) - load


def test_warm_start_steps_are_feasible_and_improve_fill() -> None:
    index = build_index(generate(300, 220, seed=4))
    start = greedy(index)
    lp = solve_lp(index, 10.0)
    assert lp is not None
    # The raced LP may be PDLP's (approximate, widened by bounds.APPROX_TOL).
    assert lp.objective == pytest.approx(lp_bound(index, weighted=True), rel=1e-5)
    rounded = lp_round(index, lp)
    mip = restricted_mip(index, lp, [start.chosen, rounded.chosen], rounded.chosen, 10.0)
    assert mip is not None
    assert fill_value(index, mip) >= max(
        fill_value(index, rounded.chosen), fill_value(index, start.chosen)
    )
    assert fill_value(index, mip) <= lp.objective + 1e-6
    second = restricted_secondary_mip(index, lp, start.chosen, mip, 10.0)
    assert second is not None and fill_value(index, second) >= fill_value(index, mip)
    improved = improve_secondary(index, second)
    assert fill_value(index, improved.chosen) == fill_value(index, second)
    before = improve_secondary(index, second, rounds=0)
    assert _score(index, improved) >= _score(index, before)
    for pairs in (rounded.chosen, mip, second, improved.chosen):
        state = improve_secondary(index, pairs, rounds=0)
        assert state.chosen == set(pairs)  # every pair was insertable: all hard rules hold


def test_lp_bounds_match_cold_solves() -> None:
    index = build_index(generate(200, 150, seed=6))
    seats, weighted = lp_bounds(index)
    assert seats == pytest.approx(lp_bound(index), rel=1e-5)
    assert weighted == pytest.approx(lp_bound(index, weighted=True), rel=1e-5)
    assert weighted >= lp_bound(index, weighted=True) - 1e-6  # never below: it is a bound


def test_resolve_neighbourhood_search_is_valid(monkeypatch) -> None:
    monkeypatch.setattr(sys.modules["scheduling.solve"], "NEIGHBOURHOOD_MIN_PAIRS", 0)
    problem = generate(200, 150, seed=2)
    published = solve(problem, seconds=2.0, workers=2, bounds=False)
    gone = published.assignments[0].volunteer
    result = resolve(problem, published, Change(withdraw=[gone]), seconds=2.0, workers=2)
    assert result.moved_other <= 5
    new_problem = apply_change(problem, published, Change(withdraw=[gone]))
    assert check(new_problem, result.solution).ok
