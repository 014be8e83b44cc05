"""District runs in parts: each independent part of a run is a huey task of its own, so that
consumers on several machines share the work (issue 11).

A run whose shifts lie in several towns is split by town (`scheduling.split` on the towns'
labels; towns joined by a pin or a published assignment stay together; a volunteer then serves
their own town's shifts only). The run's own task (`runs.execute_run`) builds the problem as
usual and hands it to `hand_off`, which stores every part's problem in `schedule_run_parts`,
commits, and queues one task per part after the commit.

Each part task (`execute_part`) claims its part (a conditional update: one worker at a time),
solves it without holding a transaction, writes its live progress and a heartbeat on a
connection of its own, and stores its solution. Parts never write drafts. The part that
finds every part done collects (`collect`): in one transaction, with the run's row locked, it
merges the parts' solutions and writes all the drafts at once. A consumer killed mid-part
therefore leaves no drafts; its part's heartbeat stops, and `runs.fail_stale_runs` queues the
part again or, after `runs.MAX_PART_ATTEMPTS` starts, fails the run with the reason.
"""

from __future__ import annotations

import logging
import os
import socket
import traceback
from dataclasses import replace
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import scheduling
from app.database import writing
from app.enums import PartStatus, RunStatus
from app.models import Neighbourhood, ScheduleRun, ScheduleRunPart, utcnow
from app.services.scheduler import bridge, run_transactions, runs
from app.services.scheduler.heartbeat import PartHeartbeat, total_seats
from app.transactions import after_commit

log = logging.getLogger(__name__)

#: The smallest time budget of a part, in seconds.
MIN_PART_SECONDS = 2.0


def towns_of(session: Session, neighbourhood_ids: set[int]) -> dict[int, str]:
    return dict(session.execute(
        select(Neighbourhood.id, Neighbourhood.town)
        .where(Neighbourhood.id.in_(neighbourhood_ids))).tuples().all())


def split_by_town(session: Session, problem: scheduling.Problem) -> list[scheduling.Problem]:
    """The problem's parts, one per town (towns joined by a pin or a published assignment stay
    together). Volunteers and shifts keep their own neighbourhood labels."""
    labels = {v.neighbourhood for v in problem.volunteers} | {
        s.neighbourhood for s in problem.shifts}
    ids = {int(label[1:]) for label in labels if label and label.startswith("n")}
    town = {f"n{i}": f"town:{t}" for i, t in towns_of(session, ids).items()}
    relabelled = replace(
        problem,
        volunteers=[replace(v, neighbourhood=town.get(v.neighbourhood or "", v.neighbourhood))
                    for v in problem.volunteers],
        shifts=[replace(s, neighbourhood=town.get(s.neighbourhood or "", s.neighbourhood))
                for s in problem.shifts],
    )
    own_v = {v.id: v for v in problem.volunteers}
    own_s = {s.id: s for s in problem.shifts}
    return [
        replace(part, volunteers=[own_v[v.id] for v in part.volunteers],
                shifts=[own_s[s.id] for s in part.shifts])
        for part in scheduling.split(relabelled, by="neighbourhood")
    ]


def part_seconds(seconds: float, shifts: int, largest: int) -> float:
    """A part's time budget: the run's for the largest part, less for smaller ones, so the
    parts finish together when each has a consumer."""
    return max(MIN_PART_SECONDS, seconds * shifts / max(largest, 1))


def hand_off(session: Session, run_id: int, built: bridge.BuiltProblem,
             params: dict[str, Any]) -> bool:
    """`runs.execute_run`'s hand-off: a run marked for partitioning whose problem splits
    into several parts is stored part by part and queued; False leaves the run to be solved
    in one piece. Commits (it is part of the run's task)."""
    if params.get("partition") != "town":
        return False
    parts = split_by_town(session, built.problem)
    if len(parts) < 2:
        return False
    run = session.get(ScheduleRun, run_id)
    assert run is not None
    for old in list(run.parts):
        session.delete(old)
    session.flush()
    seconds = float(params.get("seconds", runs.DEFAULT_SECONDS))
    largest = max(len(p.shifts) for p in parts)
    for number, part in enumerate(parts):
        session.add(ScheduleRunPart(
            run_id=run_id, number=number, status=PartStatus.queued, attempts=0,
            shifts=len(part.shifts), seats=total_seats(part),
            seconds=part_seconds(seconds, len(part.shifts), largest),
            problem=scheduling.dumps_problem(part),
        ))
    run.metrics = {**(run.metrics or {}), "phase": "parts", "parts": len(parts),
                   "heartbeat": utcnow().isoformat()}
    session.flush()
    ids = list(session.scalars(select(ScheduleRunPart.id).where(
        ScheduleRunPart.run_id == run_id).order_by(ScheduleRunPart.number)))
    queue_parts(session, ids)
    session.commit()
    log.info("run %s handed to %s parts", run_id, len(ids))
    return True


def queue_parts(session: Session, part_ids: list[int]) -> None:
    """Hand the parts to consumers once the session's transaction has committed."""
    dispatch = current_app.extensions.get(runs.PART_DISPATCHER)
    if dispatch is None:
        raise RuntimeError("no task queue for the parts of a district run")
    after_commit(session, lambda: [dispatch(part_id) for part_id in part_ids])


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def claim_part(session: Session, part_id: int) -> int | None:
    """queued → running for a running run, by a conditional update; the attempt number, or
    None when another worker has it (or the run is over). Commits."""
    run_running = select(ScheduleRun.id).where(
        ScheduleRun.id == ScheduleRunPart.run_id, ScheduleRun.status == RunStatus.running
    ).exists()
    now = utcnow()
    result = session.execute(
        update(ScheduleRunPart)
        .where(ScheduleRunPart.id == part_id, ScheduleRunPart.status == PartStatus.queued,
               run_running)
        .values(status=PartStatus.running, attempts=ScheduleRunPart.attempts + 1,
                started_at=now, heartbeat_at=now, worker=worker_name(), seats_filled=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if result.rowcount != 1:
        return None
    return session.scalar(select(ScheduleRunPart.attempts).where(ScheduleRunPart.id == part_id))


def execute_part(session: Session, engine: Engine, part_id: int) -> str:
    """Solve one part (the part task's body); the run is collected by whichever part ends
    last. Returns the part's status. Owns its transactions."""
    attempt = claim_part(session, part_id)
    if attempt is None:
        session.rollback()
        return "not_claimed"
    part_row = session.get(ScheduleRunPart, part_id)
    assert part_row is not None
    run_id = part_row.run_id
    params = dict(part_row.run.parameters or {})
    problem = scheduling.loads_problem(part_row.problem)
    seconds = part_row.seconds or runs.DEFAULT_SECONDS
    session.rollback()  # hold nothing while solving
    heartbeat = PartHeartbeat(engine, part_id, attempt, seconds,
                              runs.weighted_total(problem), total_seats(problem))
    heartbeat.start()
    try:
        solution = scheduling.solve(
            problem, seconds=seconds, workers=int(params.get("workers", runs.DEFAULT_WORKERS)),
            seed=int(params.get("seed", 0)), progress=heartbeat.report)
    except Exception:
        heartbeat.stop()
        _part_failed(session, part_id, attempt, traceback.format_exc())
        raise
    heartbeat.stop()
    result = session.execute(
        update(ScheduleRunPart)
        .where(ScheduleRunPart.id == part_id, ScheduleRunPart.status == PartStatus.running,
               ScheduleRunPart.attempts == attempt)
        .values(status=PartStatus.succeeded, solution=scheduling.dumps_solution(solution),
                seats_filled=solution.metrics.filled_seats, finished_at=utcnow(),
                heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if result.rowcount != 1:  # declared lost and taken again meanwhile: the new one counts
        return "superseded"
    collect(session, run_id)
    return PartStatus.succeeded.value


def _part_failed(session: Session, part_id: int, attempt: int, detail: str) -> None:
    session.rollback()
    part = session.get(ScheduleRunPart, part_id)
    if part is None or part.attempts != attempt:
        return
    part.status = PartStatus.failed
    part.error = detail[-4000:]
    part.finished_at = utcnow()
    run = part.run
    if run.status == RunStatus.running:
        run.status = RunStatus.failed
        run.error = run_transactions.error_in_english("part_crashed")
        run.metrics = {**(run.metrics or {}), "error_code": "part_crashed"}
        run.log = (run.log or "") + f"part {part.number}:\n{detail}"
        run.finished_at = utcnow()
    session.commit()


def collect(session: Session, run_id: int) -> str:
    """If every part has succeeded, merge their solutions and write all the run's drafts in
    one transaction (the run's row locked, so two parts ending together collect once)."""
    try:
        with writing():
            run = session.scalars(
                select(ScheduleRun).where(ScheduleRun.id == run_id).with_for_update()
            ).one_or_none()
            if run is None or run.status != RunStatus.running:
                session.rollback()
                return run.status.value if run else "missing"
            parts = list(session.scalars(select(ScheduleRunPart).where(
                ScheduleRunPart.run_id == run_id).order_by(ScheduleRunPart.number)))
            if not parts or any(p.status != PartStatus.succeeded for p in parts):
                session.rollback()
                return RunStatus.running.value
            problems = [scheduling.loads_problem(p.problem) for p in parts]
            whole = scheduling.combine(problems)
            wall = (utcnow() - run.started_at).total_seconds() if run.started_at else 0.0
            solution = scheduling.join(
                problems, [scheduling.loads_solution(p.solution or "") for p in parts], wall)
            built = bridge.BuiltProblem(whole, [bridge.db_id(s.id) for s in whole.shifts])
            written = bridge.write_proposals(session, run, built.shift_ids,
                                             solution.assignments)
            metrics = runs.solution_metrics(built, solution, written)
            metrics["parts"] = [part_summary(p) for p in parts]
            run.metrics = metrics
            run.progress = 1.0
            run.status = RunStatus.succeeded
            run.finished_at = utcnow()
            session.commit()
    except Exception:
        run_transactions.fail_run(session, run_id, "crashed", traceback.format_exc())
        raise
    log.info("run %s collected from %s parts", run_id, len(parts))
    return RunStatus.succeeded.value


def part_summary(part: ScheduleRunPart) -> dict[str, Any]:
    seconds = None
    if part.started_at and part.finished_at:
        seconds = round((part.finished_at - part.started_at).total_seconds(), 1)
    return {"number": part.number, "status": part.status.value, "shifts": part.shifts,
            "seats": part.seats, "seats_filled": part.seats_filled,
            "attempts": part.attempts, "worker": part.worker, "seconds": seconds}


def parts_progress(run: ScheduleRun) -> dict[str, Any] | None:
    """Progress across the parts of a district run while it works: seats filled so far of
    all seats, and how many parts are done; None for a run in one piece."""
    if (run.metrics or {}).get("phase") != "parts":
        return None
    parts = list(run.parts)
    live = [p.seats_filled for p in parts if p.seats_filled is not None]
    return {
        "parts_total": len(parts),
        "parts_done": sum(1 for p in parts if p.status == PartStatus.succeeded),
        "parts_running": sum(1 for p in parts if p.status == PartStatus.running),
        "seats_total": sum(p.seats for p in parts),
        "seats_filled": sum(live) if live else None,
    }
