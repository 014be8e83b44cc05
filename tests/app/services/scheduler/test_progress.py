"""A run's live progress is told in seats: the best schedule so far fills so many of the
run's seats (and, weighted by priority and minimum seats, so much of the weighted total)."""

from __future__ import annotations

import pytest

import scheduling
from app.services.scheduler.heartbeat import Heartbeat

pytestmark = pytest.mark.unit


def test_heartbeat_counts_seats_and_weighted_fill() -> None:
    beat = Heartbeat(None, 1, seconds=10.0, total=800, seats=40)  # type: ignore[arg-type]
    assert beat.snapshot()[1]["seats_filled"] is None  # nothing found yet: no figure
    beat.report(scheduling.Progress(0.5, 600.0, float("inf"), "greedy", 28))
    beat.report(scheduling.Progress(1.0, 700.0, 760.0, "fill", 30))
    beat.report(scheduling.Progress(1.2, 700.0, 750.0, "fill"))  # a bound only
    _progress, metrics = beat.snapshot()
    assert (metrics["seats_filled"], metrics["seats_total"]) == (30, 40)
    assert metrics["fill_rate"] == 0.75
    assert metrics["weighted_rate"] == 0.875
    assert metrics["seconds"] == 10.0
