"""One wall-clock deadline shared by every phase of a solve.

``solve(seconds=S)`` creates one ``Deadline`` when it is called; every phase (index and model
build, greedy, LP warm start, MIPs, CP-SAT, fill-up, local search, explanations, bounds) asks it
how much time is left and takes at most its share. Phases that cannot be interrupted (the index
build, the greedy, the fill-up) are kept cheap instead; phases that can (HiGHS, CP-SAT) get a
time limit no later than the deadline, and a bound that is not ready in time is reported as not
ready (``None``) instead of delaying the answer.
"""

from __future__ import annotations

import time


class Deadline:
    """Seconds from the moment of construction (``time.perf_counter`` clock)."""

    __slots__ = ("end", "seconds", "t0")

    def __init__(self, seconds: float, *, t0: float | None = None) -> None:
        self.t0 = time.perf_counter() if t0 is None else t0
        self.seconds = max(0.0, float(seconds))
        self.end = self.t0 + self.seconds

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def remaining(self, reserve: float = 0.0) -> float:
        """Seconds left before the deadline minus ``reserve`` (never negative)."""
        return max(0.0, self.end - reserve - time.perf_counter())

    def expired(self, reserve: float = 0.0) -> bool:
        return self.remaining(reserve) <= 0.0

    def budget(self, share: float, reserve: float = 0.0) -> float:
        """A phase's time limit: ``share`` of the whole budget, but never past the deadline
        minus ``reserve`` (the time the phases after it need)."""
        return min(share * self.seconds, self.remaining(reserve))
