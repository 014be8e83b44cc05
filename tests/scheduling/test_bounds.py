"""The offline reference of the bench: HiGHS's MIP on a tiny instance whose optimum is known by
hand, where the LP relaxation is not attainable."""

from __future__ import annotations

import pytest

from scheduling.bounds import HAVE_HIGHS, lp_bound, mip_bound, mip_optimum
from scheduling.eligibility import MIN_SEAT_BONUS, SEAT_WEIGHT, build_index
from tests.scheduling.helpers import problem, shift, vol

pytestmark = pytest.mark.skipif(not HAVE_HIGHS, reason="highspy is not installed")


def tight_caps():
    """Three two-hour seats on one day. v0 may work any of them but only 3 hours a week, so
    one; v1 is free only for the morning one. By hand: v1 takes A, v0 the most valuable of B
    and C (B, priority 3) — 2 seats, weighted (1 + 3) × (seat + minimum-seat bonus); the LP
    lets v0 work one and a half shifts (2.5 seats)."""
    return problem(
        [vol("v0", max_min=180), vol("v1", avail=((0, 8, 11),))],
        [shift("A", 0, 8, 10), shift("B", 0, 12, 14, prio=3), shift("C", 0, 16, 18)],
    )


def test_mip_optimum_finds_and_proves_the_optimum_known_by_hand() -> None:
    index = build_index(tight_caps())
    assert lp_bound(index) == pytest.approx(2.5)
    assert mip_optimum(index, time_limit=30) == pytest.approx((2.0, 2.0))
    weighted = (1 + 3) * (SEAT_WEIGHT + MIN_SEAT_BONUS)
    assert mip_optimum(index, weighted=True, time_limit=30) == pytest.approx(
        (weighted, weighted))
    assert mip_bound(index, time_limit=30) == pytest.approx(2.0)
