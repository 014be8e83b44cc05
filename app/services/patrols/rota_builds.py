"""A season's rota built in the background, as scheduler runs are: `queue_rota` makes the run
(``queued``, so the admin's run page shows it at once) and the caller commits and hands its id
to the huey task (`app.tasks.patrols.build_rota`), whose body is `execute_rota`.

`execute_rota` owns its transactions, like `scheduler.runs.execute_run`: the run is claimed
(queued → running, one worker wins) and committed; the slots and the engine's problem are read
while a build heartbeat keeps the run alive, and the read transaction is ended; the engine
solves while a heartbeat writes its progress into the run on a connection of its own; one
final write transaction keeps the proposal as draft events and drafts of the run
(`rota_runs.write_rota`) and marks it ``succeeded``. A failure ends the run ``failed`` with
the reason the run page shows; a lost worker's run is ended by `runs.fail_stale_runs`.
`requeue_rota` queues a failed run again, or a run under review to be planned again on its own
inspections keeping the pinned members (`replan`; a pin the rota's rules no longer allow ends
the run failed, saying so, as a scheduler run's does).

A rota run's ``seconds`` is its deadline from queued to done: the engine gets what is left of
it after the wait in the queue, the plan and a reserve for the write (never less than
`MIN_SOLVE_SECONDS`), and the run keeps each phase's time (``metrics["phases"]``).
"""

from __future__ import annotations

import time
import traceback
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import scheduling
from app.enums import RunStatus
from app.models import PatrolSeason, ScheduleRun, User, utcnow
from app.services.patrols import replan, rota, rota_runs
from app.services.patrols.log import PatrolError
from app.services.scheduler import run_transactions, runs
from app.services.scheduler.heartbeat import BuildHeartbeat, Heartbeat, total_seats

#: A rota run's deadline by default: the issue's 10 s from queued to done, less what the web
#: side and the write take on a loaded machine (the benchmark: the engine's answer for the
#: demo summer was the same with 5 s as with 9).
DEFAULT_SECONDS = 8.0
#: Kept from a rota run's deadline for writing its events and drafts.
WRITE_RESERVE_SECONDS = 1.0
#: The engine's least time, however late the run was taken (its greedy pass and a first
#: CP-SAT answer fit in it).
MIN_SOLVE_SECONDS = 2.0


def queue_rota(session: Session, season: PatrolSeason, *, user: User | None = None,
               seconds: float = DEFAULT_SECONDS) -> ScheduleRun:
    """A queued rota run of the season, refused (`PatrolError`, saying why) while the
    season has one being built, awaiting review or published; `seconds` is its deadline from
    being queued to done. Flush only."""
    return rota_runs.add_run(session, season, status=RunStatus.queued, user=user,
                             seconds=float(seconds))


def requeue_rota(session: Session, run: ScheduleRun) -> None:
    """Queue a rota run again: a failed one as it was (refused when its season has got another
    rota meanwhile), one under review planned again on its own inspections, keeping the
    pinned members (`replan`); a published one is refused (`PatrolError`, saying why).
    Flush only."""
    season = run.patrol_season
    if season is None:
        raise PatrolError(_l("The patrol season of this rota no longer exists."))
    if run.status not in (RunStatus.failed, RunStatus.succeeded):
        raise PatrolError(_l("A published patrol rota is not planned again: change its "
                             "inspections one by one instead."))
    if run.status == RunStatus.failed:
        rota_runs.check_free(session, season)
    else:
        replan.mark(run)
    runs.restart_run(session, run)


def execute_rota(session: Session, engine: Engine, run_id: int, *, zone: ZoneInfo,
                 locale: str) -> str:
    """Build and keep the rota of a queued run; returns the run's final status."""
    taken = run_transactions.taken_elsewhere(session, run_id)
    if taken is not None:
        return taken
    try:
        run = session.get(ScheduleRun, run_id)
        assert run is not None
        clock = time.monotonic()
        deadline = float((run.parameters or {}).get("seconds", DEFAULT_SECONDS))
        waited = max(0.0, (utcnow() - run.created_at).total_seconds())
        season = run.patrol_season
        if season is None:
            run_transactions.fail_run(session, run_id, "no_season")
            return RunStatus.failed.value
        building = BuildHeartbeat(engine, run_id)
        building.start()
        try:
            if replan.replanning(run):
                planned = replan.plan_again(session, run, season, zone=zone, locale=locale)
            else:
                planned = rota.plan_rota(session, season, zone=zone, locale=locale)
        finally:
            building.stop()
        session.rollback()  # hold no snapshot or lock while solving
        plan_seconds = time.monotonic() - clock
        # The engine gets what is left of the deadline once the wait in the queue, the plan
        # and the final write are counted.
        budget = max(MIN_SOLVE_SECONDS,
                     deadline - waited - plan_seconds - WRITE_RESERVE_SECONDS)
        heartbeat = Heartbeat(engine, run_id, budget, runs.weighted_total(planned.problem),
                              total_seats(planned.problem))
        heartbeat.start()
        try:
            result = rota.solve_rota(planned, seconds=budget, locale=locale,
                                     progress=heartbeat.report)
        finally:
            heartbeat.stop()
        solve_seconds = time.monotonic() - clock - plan_seconds
    except scheduling.InfeasiblePinError as exc:
        run_transactions.fail_run(session, run_id, "infeasible_pins", f"{exc}\n")
        return RunStatus.failed.value
    except Exception:
        run_transactions.fail_run(session, run_id, "crashed", traceback.format_exc())
        raise

    def write(run: ScheduleRun) -> None:
        rota_runs.write_rota(session, run, planned.season_name, result,
                             shift_ids=planned.shift_ids)
        run.metrics = {**run.metrics, "phases": {
            "deadline": deadline, "queued": round(waited, 2), "plan": round(plan_seconds, 2),
            "solve": round(solve_seconds, 2), "solve_budget": round(budget, 2)}}

    return run_transactions.write_result(session, run_id, write)
