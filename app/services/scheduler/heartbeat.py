"""A solve's live progress, written into its row once a second on a connection of its own
(so the run's page sees it while the solve holds no transaction): a scheduler run's, or one
part's of a district run; and the heartbeat alone while a run's problem is being built."""

from __future__ import annotations

import logging
import threading
import time as _time
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine

import scheduling
from app.enums import PartStatus, RunStatus
from app.models import ScheduleRun, ScheduleRunPart, utcnow

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 1.0


def total_seats(problem: scheduling.Problem) -> int:
    return sum(s.max_count for s in problem.shifts)


class Beat(threading.Thread):
    """A thread that calls `write` at once and then once a second until stopped; `write`
    must never raise (a missed heartbeat must not stop the work it reports on)."""

    def __init__(self, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.stop_event = threading.Event()

    def write(self) -> None:
        raise NotImplementedError

    def run(self) -> None:
        self.write()
        while not self.stop_event.wait(HEARTBEAT_SECONDS):
            self.write()

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=10)


class BuildHeartbeat(Beat):
    """Keeps a claimed run's heartbeat moving while its problem is built: a district's takes
    tens of seconds, and `fail_stale_runs` would otherwise take the silence for a lost worker.
    Each beat is its own short transaction on the engine, outside the build's."""

    def __init__(self, engine: Engine, run_id: int) -> None:
        super().__init__(name=f"run-{run_id}-build-heartbeat")
        self.engine = engine
        self.run_id = run_id
        self.started = _time.monotonic()

    def write(self) -> None:
        table = ScheduleRun.__table__
        metrics = {"heartbeat": utcnow().isoformat(), "phase": "build",
                   "elapsed": round(_time.monotonic() - self.started, 1)}
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    update(table)
                    .where(table.c.id == self.run_id, table.c.status == RunStatus.running.value)
                    .values(metrics=metrics)
                )
        except Exception:  # a missed heartbeat must not stop the build
            log.exception("could not write the heartbeat of run %s", self.run_id)


class Heartbeat(Beat):
    """Writes progress and a heartbeat into the run, on its own connection, once a second.

    Progress is told in seats: how many of the run's seats the best schedule so far fills
    (``seats_filled`` of ``seats_total``, and ``fill_rate`` their ratio), and the same weighted
    by priority and minimum seats (``weighted_rate``); ``progress`` is the share of the time
    budget spent."""

    def __init__(self, engine: Engine, run_id: int, seconds: float, total: int,
                 seats: int = 0) -> None:
        super().__init__(name=f"run-{run_id}-heartbeat")
        self.engine = engine
        self.run_id = run_id
        self.seconds = max(seconds, 0.1)
        self.total = max(total, 1)
        self.seats_total = seats
        self.started = _time.monotonic()
        self.lock = threading.Lock()
        self.state: dict[str, Any] = {"phase": "build", "fill": None, "bound": None,
                                      "seats": None}

    def report(self, progress: scheduling.Progress) -> None:
        """The engine's progress callback: only records; the thread writes."""
        with self.lock:
            self.state["phase"] = progress.phase
            if progress.seats is not None:
                self.state["seats"] = progress.seats
            if progress.phase in ("greedy", "fill"):
                self.state["fill"] = progress.objective
                if progress.bound != float("inf"):
                    self.state["bound"] = progress.bound

    def snapshot(self) -> tuple[float, dict[str, Any]]:
        elapsed = _time.monotonic() - self.started
        with self.lock:
            fill, seats = self.state["fill"], self.state["seats"]
            metrics = {
                "heartbeat": utcnow().isoformat(),
                "elapsed": round(elapsed, 1),
                "seconds": self.seconds,
                "phase": self.state["phase"],
                "seats_filled": seats,
                "seats_total": self.seats_total,
                "fill_rate": (round(seats / self.seats_total, 4)
                              if seats is not None and self.seats_total else None),
                "weighted_rate": round(fill / self.total, 4) if fill is not None else None,
            }
        return min(0.99, elapsed / self.seconds), metrics

    def write(self) -> None:
        progress, metrics = self.snapshot()
        table = ScheduleRun.__table__
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    update(table)
                    .where(table.c.id == self.run_id, table.c.status == RunStatus.running.value)
                    .values(progress=progress, metrics=metrics)
                )
        except Exception:  # a missed heartbeat must not stop the solve
            log.exception("could not write the progress of run %s", self.run_id)


class PartHeartbeat(Heartbeat):
    """The same for one part of a district run: its seats so far and a heartbeat."""

    def __init__(self, engine: Engine, part_id: int, attempt: int, seconds: float,
                 total: int, seats: int) -> None:
        super().__init__(engine, part_id, seconds, total, seats)
        self.name = f"part-{part_id}-heartbeat"
        self.attempt = attempt

    def write(self) -> None:
        _progress, metrics = self.snapshot()
        table = ScheduleRunPart.__table__
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    update(table)
                    .where(table.c.id == self.run_id,
                           table.c.status == PartStatus.running.value,
                           table.c.attempts == self.attempt)
                    .values(seats_filled=metrics["seats_filled"], heartbeat_at=utcnow())
                )
        except Exception:  # a missed heartbeat must not stop the solve
            log.exception("could not write the progress of run part %s", self.run_id)
