"""Stopping a CP-SAT search that has stopped improving.

A search runs to its time limit unless it proves optimality, and a phase whose objective is
hard to prove (the rota's fairness and distance phase) improves in its first second or two
and then only searches. `Stall` watches the improving solutions a search reports and, once
none has come for ``patience`` seconds, stops the search (CP-SAT's asynchronous
``stop_search``) from a watcher thread: the search itself reports nothing while it is stuck,
so only a clock outside it can notice. The best solution found is kept, as at a time limit.
The patience counts from the first solution: before it, only the deadline ends a search.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType

from ortools.sat.python import cp_model

#: How often the watcher looks at the clock, at most (a tenth of the patience when shorter).
POLL_SECONDS = 0.05


class Stall:
    """A watcher over one `solver.solve` call: ``with Stall(solver, patience) as stall:``,
    with `improved` called from the search's solution callback. ``stall.stopped`` says
    whether it ended the search."""

    def __init__(self, solver: cp_model.CpSolver, patience: float) -> None:
        self.solver = solver
        self.patience = patience
        self.stopped = False
        #: When the last improving solution came; None before the first.
        self._last: float | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="cp-sat stall", daemon=True)

    def improved(self) -> None:
        self._last = time.perf_counter()

    def _watch(self) -> None:
        poll = min(POLL_SECONDS, self.patience / 10)
        while not self._done.wait(poll):
            last = self._last
            if last is not None and time.perf_counter() - last > self.patience:
                self.stopped = True
                self.solver.stop_search()
                return

    def __enter__(self) -> Stall:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._done.set()
        self._thread.join()
