"""Scheduler runs: create, execute (the huey task's body), review, publish, and what follows.

Transactions. Services here flush and let the caller commit, except `execute_run`, which *is*
the task and owns its transactions:

1. a short transaction marks the run ``running`` (a conditional update, so one run is executed
   by one worker at a time) and commits;
2. the problem is built and the read transaction ended, so nothing is held while solving;
3. while the engine works, a heartbeat thread writes progress, elapsed time, the current fill
   rate and a heartbeat timestamp into the run, each in its own short transaction on its own
   connection — the run's page sees them live;
4. one final transaction writes the proposals and marks the run ``succeeded``.

A worker killed in the middle therefore leaves no drafts; its run keeps a heartbeat that stops
moving, and `fail_stale_runs` (a periodic task, the run's page and the CLI call it) ends it as
failed with a reason the coordinator can read. Starting the run again replaces its drafts.

Volunteers answer through signed links (`assignment_token`): confirm or decline, no login.
A decline frees the seat; `resolve_seat` fills that one seat with the best eligible free
volunteer and moves nobody else. `ask_for_help` mails eligible free volunteers; the first to
accept takes the seat by a conditional update, so a seat is never given twice.
"""

from __future__ import annotations

import logging
import threading
import time as _time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

import scheduling
from app.database import writing
from app.enums import AssignmentSource, AssignmentStatus, RunStatus
from app.models import (
    Assignment,
    Event,
    HelpRequest,
    ScheduleRun,
    Shift,
    User,
    Volunteer,
    utcnow,
)
from app.services import notify, portal_links
from app.services import schedule_bridge as bridge

log = logging.getLogger(__name__)

DEFAULT_SECONDS = 10.0
DEFAULT_WORKERS = 2
#: A running run whose heartbeat is older than this many seconds has lost its worker.
DEFAULT_STALE_SECONDS = 90
HEARTBEAT_SECONDS = 1.0
LINK_MAX_AGE = 14 * 24 * 3600
ASSIGNMENT_SALT = "linli-assignment-response"
HELP_SALT = "linli-help-offer"

#: Errors a run can end with, by code: stored in English in `run.error`, shown translated.
RUN_ERRORS = {
    "worker_lost": _l("The worker stopped during the run; start the run again."),
    "infeasible_pins": _l(
        "The pinned assignments cannot all be kept (a volunteer is no longer eligible); "
        "unpin them and start the run again."
    ),
    "no_shifts": _l("There are no shifts to schedule in this scope."),
    "crashed": _l("The run failed with an internal error; start it again or ask support."),
}
_RUN_ERRORS_EN = {
    "worker_lost": "The worker stopped during the run; start the run again.",
    "infeasible_pins": "The pinned assignments cannot all be kept (a volunteer is no longer "
    "eligible); unpin them and start the run again.",
    "no_shifts": "There are no shifts to schedule in this scope.",
    "crashed": "The run failed with an internal error; start it again or ask support.",
}

#: Why seats stayed empty, by the engine's stable reason code (translated in the app).
REASON_MESSAGES = {
    "no_skill": _l(
        "Nobody has the required skill “%(skill)s” (%(volunteers)s volunteers checked)."
    ),
    "team_excludes": _l(
        "The shift is restricted to team “%(team)s”, and none of the %(skilled)s volunteers "
        "with the skill belongs to it."
    ),
    "not_available": _l(
        "%(in_team)s volunteers have the skill, but none is available for the whole shift."
    ),
    "too_far": _l(
        "%(available)s volunteers are available, but all live farther than %(max_km)s km away."
    ),
    "forbidden": _l("All %(available)s available volunteers are excluded from this shift."),
    "not_enough_eligible": _l(
        "Only %(eligible)s volunteers qualify, and all of them are already assigned here."
    ),
    "weekly_cap": _l(
        "All %(free)s other qualified volunteers have reached their weekly cap "
        "of minutes or shifts."
    ),
    "booked_elsewhere": _l(
        "All %(free)s other qualified volunteers are booked on overlapping shifts "
        "(including travel/rest gap): %(shifts)s."
    ),
    "capped_or_booked": _l(
        "Of the %(free)s other qualified volunteers, %(at_cap)s have reached their weekly cap "
        "and %(booked)s are booked on overlapping shifts: %(shifts)s."
    ),
    "not_chosen": _l(
        "%(unused)s qualified volunteers are still free but were not assigned "
        "(solver stopped early)."
    ),
}

#: Rule warnings for a manual assignment.
RULE_WARNINGS = {
    "skill": _l("%(name)s does not have the required skill “%(skill)s”."),
    "team": _l("%(name)s is not a member of the team “%(team)s”."),
    "availability": _l("%(name)s is not available for the whole shift."),
    "overlap": _l("%(name)s already has an overlapping shift: %(other)s."),
    "weekly_cap": _l("%(name)s would exceed the weekly limit of shifts or hours."),
    "declined": _l("%(name)s declined this shift."),
}


class RunError(Exception):
    """A run operation refused for a reason the coordinator can understand."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["LINLI_TIMEZONE"])


def external_url(path: str) -> str:
    return current_app.config["LINLI_EXTERNAL_URL"].rstrip("/") + path


# -- Creating and starting -------------------------------------------------------------------

def create_run(
    session: Session,
    scope: bridge.Scope,
    *,
    user: User | None = None,
    seconds: float | None = None,
    workers: int | None = None,
    seed: int = 0,
) -> ScheduleRun:
    """A queued run for the scope; the caller commits and then enqueues its id."""
    shifts = bridge.scope_shifts(session, scope, zone())
    neighbourhoods = {s.event.neighbourhood_id for s in shifts}
    if scope.neighbourhood_ids and len(scope.neighbourhood_ids) == 1:
        neighbourhoods = {scope.neighbourhood_ids[0]}
    run = ScheduleRun(
        created_by_id=user.id if user else None,
        neighbourhood_id=next(iter(neighbourhoods)) if len(neighbourhoods) == 1 else None,
        status=RunStatus.queued,
        scope=scope.to_json(),
        parameters={
            "seconds": float(seconds if seconds is not None else DEFAULT_SECONDS),
            "workers": int(workers or DEFAULT_WORKERS),
            "seed": seed,
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


def discard_run(session: Session, run: ScheduleRun) -> None:
    if run.status == RunStatus.published:
        raise RunError("published", _("A published run cannot be discarded."))
    drafts = select(Assignment).where(
        Assignment.schedule_run_id == run.id, Assignment.status == AssignmentStatus.proposed
    )
    for a in session.scalars(drafts):
        session.delete(a)
    run.status = RunStatus.discarded
    session.flush()


# -- Executing (the task's body) -------------------------------------------------------------

def weighted_total(problem: scheduling.Problem) -> int:
    """The engine's fill value of a schedule with every seat filled."""
    return sum(
        10 * s.priority * s.max_count + 10 * s.priority * min(s.min_count, s.max_count)
        for s in problem.shifts
    )


class Heartbeat(threading.Thread):
    """Writes progress and a heartbeat into the run, on its own connection, once a second."""

    def __init__(self, engine: Engine, run_id: int, seconds: float, total: int) -> None:
        super().__init__(name=f"run-{run_id}-heartbeat", daemon=True)
        self.engine = engine
        self.run_id = run_id
        self.seconds = max(seconds, 0.1)
        self.total = max(total, 1)
        self.started = _time.monotonic()
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.state: dict[str, Any] = {"phase": "build", "fill": None, "bound": None}

    def report(self, progress: scheduling.Progress) -> None:
        """The engine's progress callback: only records; the thread writes."""
        with self.lock:
            self.state["phase"] = progress.phase
            if progress.phase in ("greedy", "fill"):
                self.state["fill"] = progress.objective
                if progress.bound != float("inf"):
                    self.state["bound"] = progress.bound

    def snapshot(self) -> tuple[float, dict[str, Any]]:
        elapsed = _time.monotonic() - self.started
        with self.lock:
            fill = self.state["fill"]
            metrics = {
                "heartbeat": utcnow().isoformat(),
                "elapsed": round(elapsed, 1),
                "phase": self.state["phase"],
                "fill_rate": round(fill / self.total, 4) if fill is not None else None,
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

    def run(self) -> None:
        self.write()
        while not self.stop_event.wait(HEARTBEAT_SECONDS):
            self.write()

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=10)


def claim_run(session: Session, run_id: int) -> bool:
    """queued → running, by a conditional update: only one worker wins. Commits."""
    result = session.execute(
        update(ScheduleRun)
        .where(ScheduleRun.id == run_id, ScheduleRun.status == RunStatus.queued)
        .values(
            status=RunStatus.running,
            started_at=utcnow(),
            finished_at=None,
            progress=0.0,
            error=None,
            metrics={"heartbeat": utcnow().isoformat(), "phase": "build"},
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1


def _fail(session: Session, run_id: int, code: str, detail: str = "") -> None:
    session.rollback()
    run = session.get(ScheduleRun, run_id)
    if run is None:
        return
    run.status = RunStatus.failed
    run.error = _RUN_ERRORS_EN[code]
    run.metrics = {**(run.metrics or {}), "error_code": code}
    if detail:
        run.log = (run.log or "") + detail
    run.finished_at = utcnow()
    session.commit()


def execute_run(session: Session, engine: Engine, run_id: int) -> str:
    """Run the solver for one run; returns the run's final status. Owns its transactions."""
    if not claim_run(session, run_id):
        run = session.get(ScheduleRun, run_id)
        status = run.status.value if run else "missing"
        session.rollback()
        log.info("run %s not claimed (status %s)", run_id, status)
        return status
    try:
        run = session.get(ScheduleRun, run_id)
        assert run is not None
        scope = bridge.Scope.from_json(run.scope or {})
        tz = zone()
        shifts = bridge.scope_shifts(session, scope, tz)
        if not shifts:
            _fail(session, run_id, "no_shifts")
            return RunStatus.failed.value
        built = bridge.build_problem(
            session,
            shifts,
            tz,
            min_gap_minutes=int(current_app.config.get("LINLI_SCHEDULE_MIN_GAP_MINUTES", 0)),
            run_id=run_id,
        )
        params = dict(run.parameters or {})
        session.rollback()  # hold no snapshot or lock while solving
        seconds = float(params.get("seconds", DEFAULT_SECONDS))
        heartbeat = Heartbeat(engine, run_id, seconds, weighted_total(built.problem))
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
        _fail(session, run_id, "infeasible_pins", f"{exc}\n")
        return RunStatus.failed.value
    except Exception:
        _fail(session, run_id, "crashed", traceback.format_exc())
        raise
    # The result is written in one short transaction that holds SQLite's write lock from its
    # start (it reads, then writes): requests wait for it within their busy timeout.
    try:
        with writing():
            run = session.get(ScheduleRun, run_id)
            assert run is not None
            if run.status != RunStatus.running:  # declared lost meanwhile; do not resurrect
                session.rollback()
                return run.status.value
            written = bridge.write_proposals(session, run, built.shift_ids,
                                             solution.assignments)
            run.metrics = solution_metrics(built, solution, written)
            run.progress = 1.0
            run.status = RunStatus.succeeded
            run.finished_at = utcnow()
            session.commit()
    except Exception:
        _fail(session, run_id, "crashed", traceback.format_exc())
        raise
    return RunStatus.succeeded.value


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
                "params": dict(u.reason.params),
                "shifts": [bridge.db_id(s) for s in u.reason.ids.get("shifts", [])],
            }
            for u in solution.unfilled
        ],
    }


def fail_stale_runs(
    session: Session, *, now: datetime | None = None, stale_seconds: float | None = None
) -> list[int]:
    """Mark running runs whose heartbeat stopped as failed ("the worker stopped"); flush."""
    now = now or utcnow()
    limit = stale_seconds
    if limit is None:
        limit = float(current_app.config.get("LINLI_RUN_STALE_SECONDS", DEFAULT_STALE_SECONDS))
    failed = []
    for run in session.scalars(select(ScheduleRun).where(ScheduleRun.status == RunStatus.running)):
        beat = (run.metrics or {}).get("heartbeat")
        last = datetime.fromisoformat(beat) if beat else run.started_at or run.created_at
        if (now - last).total_seconds() > limit:
            # Conditional: the worker may have finished in the meantime.
            result = session.execute(
                update(ScheduleRun)
                .where(ScheduleRun.id == run.id, ScheduleRun.status == RunStatus.running)
                .values(
                    status=RunStatus.failed,
                    error=_RUN_ERRORS_EN["worker_lost"],
                    finished_at=now,
                    metrics={**(run.metrics or {}), "error_code": "worker_lost"},
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount:
                failed.append(run.id)
    if failed:
        session.expire_all()
    session.flush()
    return failed


# -- Review ------------------------------------------------------------------------------------

def run_error_message(run: ScheduleRun) -> str | None:
    code = (run.metrics or {}).get("error_code")
    if code in RUN_ERRORS:
        return str(RUN_ERRORS[code])
    return run.error


def reason_message(entry: dict[str, Any], labels: dict[int, str]) -> str:
    code = entry.get("code", "")
    template = REASON_MESSAGES.get(code)
    if template is None:
        reason = scheduling.Reason(code, entry.get("counts", {}), {}, entry.get("params", {}))
        return reason.message("en")
    values: dict[str, Any] = {**entry.get("counts", {}), **entry.get("params", {})}
    values["shifts"] = "、".join(labels.get(s, f"#{s}") for s in entry.get("shifts", [])) or "—"
    try:
        return str(template) % values
    except (KeyError, ValueError, TypeError):
        return code


def shift_label(shift: Shift, tz: ZoneInfo) -> str:
    local = shift.start_at.astimezone(tz)
    return f"{shift.event.title} · {shift.title} ({local:%m-%d %H:%M}–{shift.end_at.astimezone(tz):%H:%M})"  # noqa: E501


@dataclass
class RunReport:
    run: ScheduleRun
    shifts: list[Shift] = field(default_factory=list)
    filled: int = 0
    needed: int = 0
    bound: float | None = None
    unfilled: list[dict[str, Any]] = field(default_factory=list)
    load: list[dict[str, Any]] = field(default_factory=list)
    added: list[Assignment] = field(default_factory=list)
    removed: list[Assignment] = field(default_factory=list)
    kept: list[Assignment] = field(default_factory=list)
    declined: list[Assignment] = field(default_factory=list)
    drafts: list[Assignment] = field(default_factory=list)

    @property
    def coverage(self) -> float | None:
        return self.filled / self.needed if self.needed else None

    @property
    def of_bound(self) -> float | None:
        return self.filled / self.bound if self.bound else None


def run_report(session: Session, run: ScheduleRun) -> RunReport:
    """Coverage, unfilled seats with reasons, load per volunteer and the diff from published."""
    tz = zone()
    scope = bridge.Scope.from_json(run.scope or {})
    shifts = bridge.scope_shifts(session, scope, tz)
    report = RunReport(run=run, shifts=shifts)
    shift_ids = [s.id for s in shifts]
    rows = list(
        session.scalars(
            select(Assignment)
            .where(Assignment.shift_id.in_(shift_ids))
            .options(selectinload(Assignment.volunteer), selectinload(Assignment.shift))
            .order_by(Assignment.shift_id, Assignment.id)
        )
    ) if shift_ids else []
    published_run = run.status == RunStatus.published
    holding: dict[int, int] = defaultdict(int)
    load: dict[int, dict[str, Any]] = {}
    dropped = set((run.metrics or {}).get("write", {}).get("dropped_published", []))
    for a in rows:
        is_draft = a.status == AssignmentStatus.proposed and a.schedule_run_id == run.id
        is_published = a.status in bridge.PUBLISHED
        if is_draft:
            report.drafts.append(a)
            report.added.append(a)
        elif is_published and not published_run and a.id in dropped:
            report.removed.append(a)
        elif is_published:
            report.kept.append(a)
        if a.status == AssignmentStatus.declined:
            report.declined.append(a)
        counts = is_draft or (is_published and (published_run or a.id not in dropped))
        if counts:
            holding[a.shift_id] += 1
            entry = load.setdefault(
                a.volunteer_id, {"volunteer": a.volunteer, "shifts": 0, "minutes": 0}
            )
            entry["shifts"] += 1
            entry["minutes"] += int((a.shift.end_at - a.shift.start_at).total_seconds() // 60)
    report.needed = sum(s.max_volunteers for s in shifts)
    report.filled = sum(min(holding[s.id], s.max_volunteers) for s in shifts)
    metrics = run.metrics or {}
    report.bound = metrics.get("best_bound")
    labels = {s.id: shift_label(s, tz) for s in shifts}
    reasons = {u["shift_id"]: u for u in metrics.get("unfilled", [])}
    for s in shifts:
        empty = s.max_volunteers - holding[s.id]
        if empty <= 0:
            continue
        entry = reasons.get(s.id)
        report.unfilled.append({
            "shift": s,
            "shift_id": s.id,
            "label": labels[s.id],
            "empty": empty,
            "below_min": max(0, s.min_volunteers - holding[s.id]),
            "code": entry["code"] if entry else None,
            "reason": reason_message(entry, labels) if entry else (
                _("A seat became free after the run (declined or removed).")
            ),
        })
    report.load = sorted(load.values(), key=lambda e: (-e["minutes"], e["volunteer"].name))
    return report


def report_json(report: RunReport) -> dict[str, Any]:
    run = report.run
    return {
        **status_json(run),
        "scope": run.scope,
        "parameters": run.parameters,
        "filled": report.filled,
        "needed": report.needed,
        "coverage": round(report.coverage, 4) if report.coverage is not None else None,
        "bound": report.bound,
        "of_bound": round(report.of_bound, 4) if report.of_bound is not None else None,
        "unfilled": [
            {k: v for k, v in u.items() if k != "shift"} for u in report.unfilled
        ],
        "load": [
            {"volunteer_id": e["volunteer"].id, "name": e["volunteer"].name,
             "shifts": e["shifts"], "minutes": e["minutes"]}
            for e in report.load
        ],
        "diff": {
            "added": len(report.added),
            "removed": len(report.removed),
            "kept": len(report.kept),
            "declined": len(report.declined),
        },
    }


def status_json(run: ScheduleRun) -> dict[str, Any]:
    """The small, cheap payload the run page polls while a run is going."""
    metrics = run.metrics or {}
    return {
        "id": run.id,
        "status": run.status.value,
        "status_label": run.status.label,
        "progress": round(run.progress or 0.0, 4),
        "elapsed": metrics.get("elapsed"),
        "fill_rate": metrics.get("fill_rate"),
        "phase": metrics.get("phase"),
        "error": run_error_message(run),
        "done": run.status not in (RunStatus.queued, RunStatus.running),
    }


# -- Editing the drafts ------------------------------------------------------------------------

def set_pinned(session: Session, assignment: Assignment, pinned: bool) -> None:
    assignment.pinned = pinned
    session.flush()


@dataclass(frozen=True)
class RuleWarning:
    code: str
    message: str


def rule_warnings(session: Session, shift: Shift, volunteer: Volunteer) -> list[RuleWarning]:
    """Every hard rule the assignment of `volunteer` to `shift` would break."""
    tz = zone()
    out: list[RuleWarning] = []
    values = {"name": volunteer.name}

    def warn(code: str, **extra: Any) -> None:
        out.append(RuleWarning(code, str(RULE_WARNINGS[code]) % {**values, **extra}))

    if shift.skill_id is not None and shift.skill_id not in {s.id for s in volunteer.skills}:
        warn("skill", skill=str(shift.skill))
    if shift.team_id is not None and shift.team_id not in {t.id for t in volunteer.teams}:
        warn("team", team=str(shift.team))
    day = shift.start_at.astimezone(tz).date()
    spans = bridge.free_spans(volunteer, day - timedelta(days=1), day + timedelta(days=1), tz, [])
    if not any(s <= shift.start_at and shift.end_at <= e for s, e in spans):
        warn("availability")
    others = session.scalars(
        select(Assignment)
        .join(Shift, Assignment.shift_id == Shift.id)
        .where(
            Assignment.volunteer_id == volunteer.id,
            Assignment.shift_id != shift.id,
            Assignment.status.in_([*bridge.PUBLISHED, AssignmentStatus.proposed]),
            Shift.start_at < shift.end_at,
            Shift.end_at > shift.start_at,
        )
    ).all()
    if others:
        warn("overlap", other="、".join(shift_label(a.shift, tz) for a in others))
    week_start = day - timedelta(days=day.weekday())
    lo = datetime.combine(week_start, datetime.min.time(), tzinfo=tz)
    week = session.execute(
        select(Shift.start_at, Shift.end_at)
        .join(Assignment, Assignment.shift_id == Shift.id)
        .where(
            Assignment.volunteer_id == volunteer.id,
            Assignment.shift_id != shift.id,
            Assignment.status.in_([*bridge.PUBLISHED, AssignmentStatus.proposed]),
            Shift.start_at >= lo,
            Shift.start_at < lo + timedelta(days=7),
        )
    ).tuples().all()
    minutes = sum((e - s).total_seconds() // 60 for s, e in week)
    minutes += (shift.end_at - shift.start_at).total_seconds() // 60
    if len(week) + 1 > volunteer.max_shifts_per_week or minutes > volunteer.max_minutes_per_week:
        warn("weekly_cap")
    existing = session.scalar(
        select(Assignment).where(
            Assignment.shift_id == shift.id, Assignment.volunteer_id == volunteer.id
        )
    )
    if existing is not None and existing.status == AssignmentStatus.declined:
        warn("declined")
    return out


def manual_assign(
    session: Session, run: ScheduleRun, shift: Shift, volunteer: Volunteer, *, force: bool = False
) -> tuple[Assignment | None, list[RuleWarning]]:
    """A pinned draft of the run, unless rules break and `force` is off (then the warnings)."""
    warnings = rule_warnings(session, shift, volunteer)
    if warnings and not force:
        return None, warnings
    existing = session.scalar(
        select(Assignment).where(
            Assignment.shift_id == shift.id, Assignment.volunteer_id == volunteer.id
        )
    )
    if existing is not None and existing.status in bridge.PUBLISHED:
        raise RunError("exists", _("%(name)s already has this shift.", name=volunteer.name))
    if existing is not None:
        existing.status = AssignmentStatus.proposed
        existing.schedule_run_id = run.id
        existing.source = AssignmentSource.manual
        existing.pinned = True
        existing.responded_at = None
        session.flush()
        return existing, warnings
    assignment = Assignment(
        shift=shift, volunteer=volunteer, status=AssignmentStatus.proposed,
        source=AssignmentSource.manual, pinned=True, schedule_run_id=run.id,
    )
    session.add(assignment)
    session.flush()
    return assignment, warnings


def remove_draft(session: Session, assignment: Assignment) -> None:
    if assignment.status != AssignmentStatus.proposed:
        raise RunError("not_draft", _("Only a draft can be removed here."))
    session.delete(assignment)
    session.flush()


# -- Signed links --------------------------------------------------------------------------

def assignment_token(assignment_id: int) -> str:
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=ASSIGNMENT_SALT)
    return serializer.dumps({"a": assignment_id})


def read_assignment_token(token: str, max_age: int = LINK_MAX_AGE) -> int | None:
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=ASSIGNMENT_SALT)
    try:
        data = serializer.loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    value = data.get("a") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def help_token(help_id: int, volunteer_id: int) -> str:
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=HELP_SALT)
    return serializer.dumps({"h": help_id, "v": volunteer_id})


def read_help_token(token: str, max_age: int = LINK_MAX_AGE) -> tuple[int, int] | None:
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=HELP_SALT)
    try:
        data = serializer.loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict):
        return None
    h, v = data.get("h"), data.get("v")
    return (h, v) if isinstance(h, int) and isinstance(v, int) else None


def respond_url(assignment_id: int) -> str:
    return external_url(f"/respond/a/{assignment_token(assignment_id)}")


def portal_url(volunteer: Volunteer) -> str:
    """The volunteer's own page (subscribe to the calendar, replace the link), no login."""
    token = portal_links.portal_token(
        current_app.config["SECRET_KEY"], volunteer.id, volunteer.feed_token)
    return external_url(f"/portal/?t={token}")


def help_url(help_id: int, volunteer_id: int) -> str:
    return external_url(f"/respond/help/{help_token(help_id, volunteer_id)}")


# -- Mail ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def _volunteer_locale(volunteer: Volunteer) -> str:
    locales = current_app.config["LINLI_LOCALES"]
    return volunteer.locale if volunteer.locale in locales else current_app.config[
        "LINLI_DEFAULT_LOCALE"
    ]


def shift_line(shift: Shift, tz: ZoneInfo) -> str:
    start = shift.start_at.astimezone(tz)
    end = shift.end_at.astimezone(tz)
    place = shift.event.place or ""
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}  {shift.event.title} · {shift.title}" + (
        f"  ({place})" if place else ""
    )


def queue_mail(session: Session, volunteer: Volunteer, subject: str, body: str) -> bool:
    """Send after commit: e-mail when the volunteer has an address, else an SMS."""
    if volunteer.email:
        mail = Mail(volunteer.email, subject, body)

        def send(mail: Mail = mail) -> None:
            notify.senders()[0].send(mail.to, mail.subject, mail.body)

        notify.after_commit(session, send)
        return True
    if volunteer.phone:
        phone, text = volunteer.phone, f"{subject}\n{body}"

        def send_sms(phone: str = phone, text: str = text) -> None:
            notify.senders()[1].send(phone, text)

        notify.after_commit(session, send_sms)
        return True
    return False


def _publish_mail(volunteer: Volunteer, assignments: list[Assignment]) -> tuple[str, str]:
    tz = zone()
    with force_locale(_volunteer_locale(volunteer)):
        subject = _("Your volunteer shifts: please confirm")
        parts = [_("Hello %(name)s,", name=volunteer.name), "",
                 _("You have been scheduled for these shifts. Please confirm or decline "
                   "each one (no login needed; the links expire in 14 days):"), ""]
        for a in sorted(assignments, key=lambda a: a.shift.start_at):
            parts.append(shift_line(a.shift, tz))
            parts.append("  " + _("Confirm or decline: %(url)s", url=respond_url(a.id)))
            parts.append("")
        parts.append(_("All your shifts can appear in the calendar on your phone; subscribe "
                       "once here: %(url)s", url=portal_url(volunteer)))
        parts.append("")
        parts.append(_("Thank you for helping your neighbours."))
    return subject, "\n".join(parts) + "\n"


@dataclass
class PublishResult:
    published: int = 0
    cancelled: int = 0
    notified: int = 0


def publish_run(session: Session, run: ScheduleRun) -> PublishResult:
    """Drafts become assignments awaiting confirmation; each volunteer gets one mail."""
    if run.status != RunStatus.succeeded:
        raise RunError("not_ready", _("Only a run that is ready for review can be published."))
    result = PublishResult()
    drafts = list(
        session.scalars(
            select(Assignment)
            .where(
                Assignment.schedule_run_id == run.id,
                Assignment.status == AssignmentStatus.proposed,
            )
            .options(selectinload(Assignment.volunteer), selectinload(Assignment.shift))
        )
    )
    by_volunteer: dict[int, list[Assignment]] = defaultdict(list)
    for a in drafts:
        a.status = AssignmentStatus.pending
        a.responded_at = None
        by_volunteer[a.volunteer_id].append(a)
        result.published += 1
    dropped = (run.metrics or {}).get("write", {}).get("dropped_published", [])
    for assignment in session.scalars(select(Assignment).where(Assignment.id.in_(dropped))):
        if assignment.status in (AssignmentStatus.pending, AssignmentStatus.confirmed):
            cancel_assignment(session, assignment)
            result.cancelled += 1
    run.status = RunStatus.published
    session.flush()
    for assignments in by_volunteer.values():
        volunteer = assignments[0].volunteer
        subject, body = _publish_mail(volunteer, assignments)
        if queue_mail(session, volunteer, subject, body):
            result.notified += 1
    return result


def cancel_assignment(session: Session, assignment: Assignment) -> None:
    """Cancel a published assignment and tell the volunteer (after commit)."""
    was_published = assignment.status in (AssignmentStatus.pending, AssignmentStatus.confirmed)
    assignment.status = AssignmentStatus.cancelled
    assignment.sequence += 1
    session.flush()
    if was_published:
        tz = zone()
        volunteer = assignment.volunteer
        with force_locale(_volunteer_locale(volunteer)):
            subject = _("Shift cancelled: %(title)s", title=assignment.shift.event.title)
            body = "\n".join([
                _("Hello %(name)s,", name=volunteer.name), "",
                _("This shift no longer needs you; it has been removed from your schedule:"),
                shift_line(assignment.shift, tz), "",
                _("Thank you for helping your neighbours."),
            ]) + "\n"
        queue_mail(session, volunteer, subject, body)


def notify_shift_changed(session: Session, shift: Shift) -> int:
    """After a published shift's time or place changed: tell everyone on it (once each)."""
    tz = zone()
    count = 0
    for a in session.scalars(
        select(Assignment).where(
            Assignment.shift_id == shift.id,
            Assignment.status.in_((AssignmentStatus.pending, AssignmentStatus.confirmed)),
        )
    ):
        a.sequence += 1
        a.reminded_at = None
        volunteer = a.volunteer
        with force_locale(_volunteer_locale(volunteer)):
            subject = _("Shift changed: %(title)s", title=shift.event.title)
            body = "\n".join([
                _("Hello %(name)s,", name=volunteer.name), "",
                _("One of your shifts has changed. It is now:"),
                shift_line(shift, tz), "",
                _("Confirm or decline: %(url)s", url=respond_url(a.id)),
            ]) + "\n"
        if queue_mail(session, volunteer, subject, body):
            count += 1
    session.flush()
    return count


# -- Answers ---------------------------------------------------------------------------------

def respond(session: Session, assignment_id: int, action: str) -> str:
    """A volunteer confirms or declines; returns the outcome code for the page.

    Outcomes: ``confirmed``, ``declined``, ``already_confirmed``, ``already_declined``,
    ``cancelled`` (the coordinator withdrew it), ``missing``.
    """
    target = {
        "confirm": AssignmentStatus.confirmed,
        "decline": AssignmentStatus.declined,
    }[action]
    result = session.execute(
        update(Assignment)
        .where(
            Assignment.id == assignment_id,
            Assignment.status.in_(
                (AssignmentStatus.pending, AssignmentStatus.confirmed)
                if action == "decline"
                else (AssignmentStatus.pending,)
            ),
        )
        .values(status=target, responded_at=utcnow(), sequence=Assignment.sequence + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        session.flush()
        return target.value
    current = session.scalar(select(Assignment.status).where(Assignment.id == assignment_id))
    if current is None:
        return "missing"
    if current == target:
        return f"already_{target.value}"
    if current == AssignmentStatus.declined:
        return "already_declined"
    return "cancelled"


@dataclass
class SeatResult:
    assignment: Assignment | None
    candidates: int


def resolve_seat(session: Session, shift: Shift, *, notify_volunteer: bool = True) -> SeatResult:
    """Fill one empty seat of a published shift with the best eligible free volunteer.

    Nobody else moves: the candidates are only volunteers who are free then and eligible.
    The new assignment awaits confirmation and the volunteer is mailed.
    """
    holding = session.scalar(
        select(func.count()).where(
            Assignment.shift_id == shift.id,
            Assignment.status.in_(bridge.PUBLISHED),
        )
    ) or 0
    if holding >= shift.max_volunteers:
        raise RunError("full", _("This shift has no empty seat."))
    candidates = bridge.eligible_free_volunteers(session, shift, zone())
    if not candidates:
        return SeatResult(None, 0)
    volunteer = candidates[0]
    assignment = Assignment(
        shift=shift, volunteer=volunteer, status=AssignmentStatus.pending,
        source=AssignmentSource.solver, schedule_run_id=None,
    )
    session.add(assignment)
    session.flush()
    if notify_volunteer:
        subject, body = _publish_mail(volunteer, [assignment])
        queue_mail(session, volunteer, subject, body)
    return SeatResult(assignment, len(candidates))


def ask_for_help(session: Session, shift: Shift, *, user: User | None = None,
                 limit: int = 30) -> HelpRequest:
    """Offer the shift's empty seats to eligible free volunteers by mail."""
    holding = session.scalar(
        select(func.count()).where(
            Assignment.shift_id == shift.id, Assignment.status.in_(bridge.PUBLISHED)
        )
    ) or 0
    empty = shift.max_volunteers - holding
    if empty <= 0:
        raise RunError("full", _("This shift has no empty seat."))
    candidates = bridge.eligible_free_volunteers(session, shift, zone())[:limit]
    help_request = HelpRequest(
        shift=shift, seats=empty, taken=0, asked=len(candidates),
        created_by_id=user.id if user else None,
    )
    session.add(help_request)
    session.flush()
    tz = zone()
    for volunteer in candidates:
        with force_locale(_volunteer_locale(volunteer)):
            subject = _("Can you help? %(title)s", title=shift.event.title)
            body = "\n".join([
                _("Hello %(name)s,", name=volunteer.name), "",
                _("A shift still needs a volunteer, and you are free then:"),
                shift_line(shift, tz), "",
                _("The first to accept gets the seat: %(url)s",
                  url=help_url(help_request.id, volunteer.id)),
            ]) + "\n"
        queue_mail(session, volunteer, subject, body)
    return help_request


def accept_help(session: Session, help_id: int, volunteer_id: int) -> str:
    """Take a seat offered by a help request. Outcomes: ``accepted``, ``taken``, ``already``,
    ``missing``. The first statement is the conditional update (see app.services.signup on
    SQLite snapshots): of two simultaneous accepts of the last seat only one matches."""
    result = session.execute(
        update(HelpRequest)
        .where(
            HelpRequest.id == help_id,
            HelpRequest.taken < HelpRequest.seats,
            HelpRequest.closed_at.is_(None),
        )
        .values(taken=HelpRequest.taken + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        exists = session.scalar(select(HelpRequest.id).where(HelpRequest.id == help_id))
        return "taken" if exists else "missing"
    help_request = session.get(HelpRequest, help_id)
    assert help_request is not None
    existing = session.scalar(
        select(Assignment).where(
            Assignment.shift_id == help_request.shift_id, Assignment.volunteer_id == volunteer_id
        )
    )
    if existing is not None and existing.status in bridge.PUBLISHED:
        session.rollback()
        return "already"
    if existing is not None:
        existing.status = AssignmentStatus.confirmed
        existing.source = AssignmentSource.self
        existing.responded_at = utcnow()
        existing.sequence += 1
    else:
        try:
            with session.begin_nested():
                session.add(Assignment(
                    shift_id=help_request.shift_id, volunteer_id=volunteer_id,
                    status=AssignmentStatus.confirmed, source=AssignmentSource.self,
                    responded_at=utcnow(),
                ))
        except IntegrityError:
            session.rollback()
            return "already"
    session.flush()
    return "accepted"


def recent_runs(session: Session, limit: int = 20) -> list[ScheduleRun]:
    return list(
        session.scalars(select(ScheduleRun).order_by(ScheduleRun.id.desc()).limit(limit))
    )


def event_choices(session: Session) -> list[Event]:
    return list(session.scalars(select(Event).order_by(Event.start_at)))


__all__ = [
    "RUN_ERRORS",
    "RunError",
    "accept_help",
    "ask_for_help",
    "cancel_assignment",
    "create_run",
    "execute_run",
    "fail_stale_runs",
    "manual_assign",
    "notify_shift_changed",
    "publish_run",
    "resolve_seat",
    "respond",
    "restart_run",
    "run_report",
    "set_pinned",
]
