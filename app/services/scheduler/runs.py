"""A scheduler run's life: create, claim, execute (the huey task's body), fail when stale.
Claiming a run, failing it with a reason and writing its result are
`run_transactions` (the patrol rota task uses them too).

Transactions. Services here flush and let the caller commit, except `execute_run`, which *is*
the task and owns its transactions:

1. a short transaction marks the run ``running`` (a conditional update, so one run is executed
   by one worker at a time) and commits;
2. the problem is built (a build heartbeat keeps the run's heartbeat moving meanwhile) and
   the read transaction ended, so nothing is held while solving;
3. while the engine works, a heartbeat thread writes progress, elapsed time, the current fill
   rate and a heartbeat timestamp into the run, each in its own short transaction on its own
   connection — the run's page sees them live;
4. one final transaction writes the proposals and marks the run ``succeeded``.

A worker killed in the middle therefore leaves no drafts; its run keeps a heartbeat that stops
moving, and `fail_stale_runs` (a periodic task, the run's page and the CLI call it) ends it as
failed with a reason the coordinator can read. Starting the run again replaces its drafts.
A run over several towns is handed on in parts (`district`), one task each; its staleness is
judged by its parts: a lost part is queued again, then fails the run with the reason.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import scheduling
from app.database import writing
from app.enums import AssignmentStatus, PartStatus, RunStatus
from app.i18n import deployment_zone
from app.models import Assignment, ScheduleRun, ScheduleRunPart, User, utcnow
from app.services.patrols import rota_runs
from app.services.scheduler import bridge
from app.services.scheduler.errors import RunError
from app.services.scheduler.heartbeat import BuildHeartbeat, Heartbeat, total_seats
from app.services.scheduler.run_transactions import (
    error_in_english,
    fail_run,
    taken_elsewhere,
    write_result,
)
from app.services.scheduler.scope import Scope, scope_shifts
from app.transactions import after_commit

log = logging.getLogger(__name__)

DEFAULT_SECONDS = 10.0
DEFAULT_WORKERS = 2
#: A running run whose heartbeat is older than this many seconds has lost its worker.
DEFAULT_STALE_SECONDS = 90

#: Where the app finds the function that queues one part of a district run (set by
#: `app.tasks.init_app`, so that services hand parts over without importing a task).
PART_DISPATCHER = "linli_dispatch_run_part"
#: A part whose worker is lost is taken again until it has been started this many times.
MAX_PART_ATTEMPTS = 2

#: What `execute_run` may hand a built problem to instead of solving it itself (a district
#: run split into parts); returns True when it took the run over.
HandOff = Callable[[Session, int, bridge.BuiltProblem, dict[str, Any]], bool]


def min_gap_minutes() -> int:
    """The deployment's travel/rest gap between two shifts of one volunteer."""
    return int(current_app.config.get("LINLI_SCHEDULE_MIN_GAP_MINUTES", 0))


# -- Creating and starting -------------------------------------------------------------------

def create_run(
    session: Session,
    scope: Scope,
    *,
    user: User | None = None,
    seconds: float | None = None,
    workers: int | None = None,
    seed: int = 0,
) -> ScheduleRun:
    """A queued run for the scope; the caller commits and then enqueues its id."""
    shifts = scope_shifts(session, scope, deployment_zone())
    neighbourhoods = {s.event.neighbourhood_id for s in shifts}
    if scope.neighbourhood_ids and len(scope.neighbourhood_ids) == 1:
        neighbourhoods = {scope.neighbourhood_ids[0]}
    towns = {s.event.neighbourhood.town for s in shifts}
    run = ScheduleRun(
        created_by_id=user.id if user else None,
        neighbourhood_id=next(iter(neighbourhoods)) if len(neighbourhoods) == 1 else None,
        status=RunStatus.queued,
        scope=scope.to_json(),
        parameters={
            "seconds": float(seconds if seconds is not None else DEFAULT_SECONDS),
            "workers": int(workers or DEFAULT_WORKERS),
            "seed": seed,
            # A district (shifts in several towns) is solved town by town, one task each.
            **({"partition": "town"} if len(towns) > 1 else {}),
        },
        progress=0.0,
        metrics={},
    )
    session.add(run)
    session.flush()
    return run


def restart_run(session: Session, run: ScheduleRun) -> None:
    """Queue the run again (after a failure, or to re-run keeping the pins)."""
    if run.status not in (RunStatus.succeeded, RunStatus.failed, RunStatus.queued):
        raise RunError("not_restartable", _("Only a finished run can be started again."))
    run.status = RunStatus.queued
    run.progress = 0.0
    run.error = None
    run.finished_at = None
    run.metrics = {k: v for k, v in (run.metrics or {}).items() if k in ("history",)}
    session.flush()


@dataclass(frozen=True)
class Discarded:
    """What discarding a run removed, counted from the deletes themselves."""

    drafts: int
    #: A patrol rota's draft events removed, and those kept because someone holds them.
    events: int = 0
    events_kept: int = 0


def discard_run(session: Session, run: ScheduleRun) -> Discarded:
    """Delete the run's draft assignments and mark it discarded; a patrol rota's run also
    takes away the draft events it created that nobody holds (`rota_runs.removable_events`)."""
    if run.status == RunStatus.published:
        raise RunError("published", _("A published run cannot be discarded."))
    rota = rota_runs.is_rota(run)
    # Chosen before the drafts go: an attendance on a draft keeps its event.
    events = rota_runs.removable_events(session, run) if rota else []
    drafts = select(Assignment).where(
        Assignment.schedule_run_id == run.id, Assignment.status == AssignmentStatus.proposed
    )
    removed_drafts = 0
    for a in session.scalars(drafts):
        session.delete(a)
        removed_drafts += 1
    session.flush()
    removed, kept = rota_runs.remove_events(session, run, events) if rota else (0, 0)
    run.status = RunStatus.discarded
    session.flush()
    return Discarded(removed_drafts, removed, kept)


# -- Executing (the task's body) -------------------------------------------------------------

def _named(params: dict[str, Any], team_names: dict[str, str]) -> dict[str, Any]:
    """The engine's params with its team id ("t3", "g5") replaced by the name people know."""
    out = dict(params)
    if "team" in out:
        out["team"] = team_names.get(out["team"], out["team"])
    return out


def weighted_total(problem: scheduling.Problem) -> int:
    """The engine's fill value of a schedule with every seat filled."""
    return sum(
        10 * s.priority * s.max_count + 10 * s.priority * min(s.min_count, s.max_count)
        for s in problem.shifts
    )


def execute_run(session: Session, engine: Engine, run_id: int, *,
                hand_off: HandOff | None = None) -> str:
    """Run the solver for one run; returns the run's final status. Owns its transactions.
    `hand_off` may take the built problem over (a district run's parts), and then the run is
    still ``running`` when this returns."""
    taken = taken_elsewhere(session, run_id)
    if taken is not None:
        return taken
    try:
        run = session.get(ScheduleRun, run_id)
        assert run is not None
        scope = Scope.from_json(run.scope or {})
        tz = deployment_zone()
        shifts = scope_shifts(session, scope, tz)
        if not shifts:
            fail_run(session, run_id, "no_shifts")
            return RunStatus.failed.value
        params = dict(run.parameters or {})
        building = BuildHeartbeat(engine, run_id)
        building.start()
        try:
            built = bridge.build_problem(
                session,
                shifts,
                tz,
                min_gap_minutes=min_gap_minutes(),
                run_id=run_id,
            )
        finally:
            building.stop()
        # The build's read snapshot predates the beats written meanwhile: on SQLite a write
        # from it would be refused, so the hand-off starts a write transaction of its own.
        session.rollback()
        if hand_off is not None:
            with writing():
                if hand_off(session, run_id, built, params):
                    return RunStatus.running.value
        session.rollback()  # hold no snapshot or lock while solving
        seconds = float(params.get("seconds", DEFAULT_SECONDS))
        heartbeat = Heartbeat(engine, run_id, seconds, weighted_total(built.problem),
                              total_seats(built.problem))
        heartbeat.start()
        try:
            solution = scheduling.solve(
                built.problem,
                seconds=seconds,
                workers=int(params.get("workers", DEFAULT_WORKERS)),
                seed=int(params.get("seed", 0)),
                progress=heartbeat.report,
            )
        finally:
            heartbeat.stop()
    except scheduling.InfeasiblePinError as exc:
        fail_run(session, run_id, "infeasible_pins", f"{exc}\n")
        return RunStatus.failed.value
    except Exception:
        fail_run(session, run_id, "crashed", traceback.format_exc())
        raise

    def write(run: ScheduleRun) -> None:
        written = bridge.write_proposals(session, run, built.shift_ids, solution.assignments)
        run.metrics = solution_metrics(built, solution, written)
        run.progress = 1.0
        run.status = RunStatus.succeeded
        run.finished_at = utcnow()

    return write_result(session, run_id, write)


def solution_metrics(
    built: bridge.BuiltProblem, solution: scheduling.Solution, written: bridge.WriteResult
) -> dict[str, Any]:
    m = solution.metrics
    return {
        "filled_seats": m.filled_seats,
        "total_seats": m.total_seats,
        "min_seats": m.min_seats,
        "filled_min_seats": m.filled_min_seats,
        "best_bound": m.best_bound,
        "upper_bound_flow": m.upper_bound_flow,
        "upper_bound_lp": m.upper_bound_lp,
        "quality": m.quality,
        "weighted_quality": m.weighted_quality,
        "continuity_rate": m.continuity_rate,
        "kept_previous": m.kept_previous,
        "moved_previous": m.moved_previous,
        "solve_seconds": m.solve_seconds,
        "status": m.status,
        "solver": solution.solver,
        "volunteers": len(built.problem.volunteers),
        "shifts": len(built.problem.shifts),
        "write": written.as_dict(),
        "unfilled": [
            {
                "shift_id": bridge.db_id(u.shift),
                "empty": u.empty,
                "below_min": u.below_min,
                "code": u.reason.code,
                "counts": dict(u.reason.counts),
                "params": _named(u.reason.params, built.team_names),
                "shifts": [bridge.db_id(s) for s in u.reason.ids.get("shifts", [])],
                "events": list(u.reason.ids.get("events", [])),
            }
            for u in solution.unfilled
        ],
        #: Household visits that did not go to the volunteer the household knows, and why.
        "continuity": [
            {
                "shift_id": bridge.db_id(miss.shift),
                "volunteer_id": bridge.db_id(miss.volunteer),
                "code": miss.reason.code,
                "counts": dict(miss.reason.counts),
                "params": _named(miss.reason.params, built.team_names),
            }
            for miss in solution.continuity
        ],
    }


def fail_stale_runs(
    session: Session, *, now: datetime | None = None, stale_seconds: float | None = None
) -> list[int]:
    """Mark running runs whose heartbeat stopped as failed ("the worker stopped"); flush.

    A district run working in parts is judged by its parts instead: a part whose worker
    stopped is queued again (and handed to a consumer after the commit) until it has been
    started `MAX_PART_ATTEMPTS` times; then the part and the run fail with the reason."""
    now = now or utcnow()
    limit = stale_seconds
    if limit is None:
        limit = float(current_app.config.get("LINLI_RUN_STALE_SECONDS", DEFAULT_STALE_SECONDS))
    failed = []
    for run in session.scalars(select(ScheduleRun).where(ScheduleRun.status == RunStatus.running)):
        if (run.metrics or {}).get("phase") == "parts":
            if _check_parts(session, run, now, limit):
                failed.append(run.id)
            continue
        beat = (run.metrics or {}).get("heartbeat")
        last = datetime.fromisoformat(beat) if beat else run.started_at or run.created_at
        # Conditional: the worker may have finished in the meantime.
        if (now - last).total_seconds() > limit and _fail_running(
                session, run, "worker_lost", now):
            failed.append(run.id)
    if failed:
        session.expire_all()
    session.flush()
    return failed


def _fail_running(session: Session, run: ScheduleRun, code: str, now: datetime) -> bool:
    result = session.execute(
        update(ScheduleRun)
        .where(ScheduleRun.id == run.id, ScheduleRun.status == RunStatus.running)
        .values(
            status=RunStatus.failed,
            error=error_in_english(code),
            finished_at=now,
            metrics={**(run.metrics or {}), "error_code": code},
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def _check_parts(session: Session, run: ScheduleRun, now: datetime, limit: float) -> bool:
    """Retry or fail the parts of `run` whose worker stopped; True if the run failed. A run
    whose parts have all succeeded long ago lost the worker that was writing its drafts."""
    parts = list(session.scalars(select(ScheduleRunPart).where(ScheduleRunPart.run_id == run.id)))
    ends = [p.finished_at for p in parts if p.status == PartStatus.succeeded and p.finished_at]
    if parts and len(ends) == len(parts) and (now - max(ends)).total_seconds() > limit:
        return _fail_running(session, run, "worker_lost", now)
    again: list[int] = []
    for part in parts:
        if part.status != PartStatus.running:
            continue
        last = part.heartbeat_at or part.started_at
        if last is None or (now - last).total_seconds() <= limit:
            continue
        lost = part.attempts >= MAX_PART_ATTEMPTS
        # Conditional on the attempt: the worker may have finished (or been replaced).
        result = session.execute(
            update(ScheduleRunPart)
            .where(ScheduleRunPart.id == part.id, ScheduleRunPart.status == PartStatus.running,
                   ScheduleRunPart.attempts == part.attempts)
            .values(
                status=PartStatus.failed if lost else PartStatus.queued,
                error=(f"worker {part.worker} stopped (attempt {part.attempts})"),
                finished_at=now if lost else None,
            )
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:
            continue
        if lost:
            return _fail_running(session, run, "part_lost", now)
        again.append(part.id)
    if again:
        log.warning("run %s: parts %s lost their worker; queued again", run.id, again)
        dispatch = current_app.extensions.get(PART_DISPATCHER)
        if dispatch is not None:
            after_commit(session, lambda: [dispatch(part_id) for part_id in again])
    return False
