"""What the run page shows: coverage against the bound, unfilled seats with the reason in the
reader's language, load per volunteer, and the difference from what is published."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

import scheduling
from app.enums import HOLDS_SEAT, AssignmentStatus, RunStatus
from app.i18n import current_locale, deployment_zone
from app.models import (
    Assignment,
    Notification,
    ScheduleRun,
    Shift,
    Skill,
    Volunteer,
    utcnow,
    volunteer_skills,
)
from app.services import qualifications
from app.services.notify import DeliveryCounts
from app.services.patrols import rota_runs
from app.services.patrols.rota import NO_TIME
from app.services.scheduler import district, reliability
from app.services.scheduler.run_transactions import run_error_message
from app.services.scheduler.scope import Scope, scope_shifts
from app.services.scheduler.text import shift_label

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


def reason_message(entry: dict[str, Any], labels: dict[int, str],
                   skill_names: dict[str, str] | None = None) -> str:
    """The reason in the reader's language; the engine's skill codes become the skills'
    names in that language (`skill_names`: code → name)."""
    code = entry.get("code", "")
    template = REASON_MESSAGES.get(code)
    params = dict(entry.get("params", {}))
    if params.get("skill") and skill_names:
        params["skill"] = skill_names.get(params["skill"], params["skill"])
    if template is None:  # the engine's own wording (e.g. the continuity reasons)
        reason = scheduling.Reason(code, entry.get("counts", {}), {}, params)
        return reason.message(current_locale())
    values: dict[str, Any] = {**entry.get("counts", {}), **params}
    # Shifts of this run by their label; work elsewhere by the other event's name.
    known = [labels[s] for s in entry.get("shifts", []) if s in labels]
    elsewhere = [e for e in entry.get("events", []) if not any(e in k for k in known)]
    values["shifts"] = "、".join([*known, *elsewhere]) or "—"
    try:
        return str(template) % values
    except (KeyError, ValueError, TypeError):
        return code


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
    #: Household visits not given to the volunteer the household knows, with the reason.
    continuity: list[dict[str, Any]] = field(default_factory=list)
    #: A patrol rota's sites: the group patrolling each, its distance, and why that group.
    territories: list[dict[str, Any]] = field(default_factory=list)
    #: A patrol rota's inspections with fewer than two members: not published with the rota
    #: (`rota_runs.hold_back_short`), shift ids.
    held: set[int] = field(default_factory=set)
    #: The latest message of this run to each volunteer, once it is published.
    messages: dict[int, Notification] = field(default_factory=dict)

    @property
    def delivery(self) -> DeliveryCounts:
        """What became of those messages: delivered counts only what was accepted."""
        return DeliveryCounts.of(self.messages.values())

    @property
    def coverage(self) -> float | None:
        return self.filled / self.needed if self.needed else None

    @property
    def of_bound(self) -> float | None:
        return self.filled / self.bound if self.bound else None


def run_report(session: Session, run: ScheduleRun) -> RunReport:
    """Coverage, unfilled seats with reasons, load per volunteer and the diff from published."""
    tz = deployment_zone()
    scope = Scope.from_json(run.scope or {})
    shifts = scope_shifts(session, scope, tz)
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
    # A pinned seat is never removed, even by a run written before the engine kept every pin.
    dropped = set((run.metrics or {}).get("write", {}).get("dropped_published", []))
    dropped -= {a.id for a in rows if a.pinned}
    for a in rows:
        is_draft = a.status == AssignmentStatus.proposed and a.schedule_run_id == run.id
        is_published = a.status in HOLDS_SEAT
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
    skill_names = {skill.code: skill.name for skill in session.scalars(select(Skill))}
    reasons = {u["shift_id"]: u for u in metrics.get("unfilled", [])}
    if rota_runs.is_rota(run) and run.status in (RunStatus.succeeded, RunStatus.published):
        report.held = set(rota_runs.short_shifts(session, run))
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
            "held": s.id in report.held,
            "code": entry["code"] if entry else None,
            "reason": reason_message(entry, labels, skill_names) if entry else (
                _("A seat became free after the run (declined or removed).")
            ),
        })
    _say_lapsed_licences(session, report.unfilled, tz)
    records = reliability.no_show_rates(session, list(load))
    for volunteer_id, entry in load.items():
        # why the scheduler asked others first where it could
        entry["reliability"] = reliability.note(records.get(volunteer_id))
    report.load = sorted(load.values(), key=lambda e: (-e["minutes"], e["volunteer"].name))
    report.continuity = [
        {"shift_id": miss["shift_id"], "label": labels.get(miss["shift_id"], ""),
         "reason": reason_message(miss, labels, skill_names)}
        for miss in metrics.get("continuity", [])
    ]
    report.territories = _territories(run, shifts, holding, report.unfilled, labels,
                                      skill_names)
    for message in session.scalars(
        select(Notification).where(Notification.schedule_run_id == run.id)
        .order_by(Notification.id)
    ):
        if message.volunteer_id is not None:
            report.messages[message.volunteer_id] = message
    return report


def _territories(run: ScheduleRun, shifts: list[Shift], holding: dict[int, int],
                 unfilled: list[dict[str, Any]], labels: dict[int, str],
                 skill_names: dict[str, str]) -> list[dict[str, Any]]:
    """A patrol rota's sites: the group patrolling each and why, the inspections planned
    (slots the run's drafts, or what was published of them, staff fully) against those
    required, and why the missing ones are missing (the empty seats' reasons, distinct)."""
    site_of = {int(shift_id): place[0] for shift_id, place
               in (run.parameters or {}).get("patrol_shifts", {}).items()}
    planned: dict[int, int] = defaultdict(int)
    for s in shifts:
        if s.id in site_of and holding[s.id] >= s.min_volunteers:
            planned[site_of[s.id]] += 1
    why_short: dict[int, list[str]] = defaultdict(list)
    present = {s.id for s in shifts}
    # An inspection left unpublished and then removed still explains its site's shortfall.
    gone = [(entry["shift_id"], reason_message(entry, labels, skill_names))
            for entry in (run.metrics or {}).get("unfilled", [])
            if entry.get("shift_id") in site_of and entry["shift_id"] not in present]
    for shift_id, reason in [*((u["shift_id"], u["reason"]) for u in unfilled), *gone]:
        site_id = site_of.get(shift_id)
        if site_id is not None and reason not in why_short[site_id]:
            why_short[site_id].append(reason)
    rows = []
    for t in (run.metrics or {}).get("territories", []):
        site_id, required = t.get("site_id"), t.get("required")
        reasons = list(why_short.get(site_id, []))
        if t.get("no_time"):
            reasons.append(str(NO_TIME))
        count = planned[site_id] if site_id is not None else None
        rows.append({
            "site_id": site_id, "site": t["site"], "group": t["group"], "km": t["km"],
            "reason": reason_message(t, labels), "planned": count, "required": required,
            "shortfall": (max(0, required - count)
                          if required is not None and count is not None else None),
            "reasons": reasons,
        })
    return rows


def _say_lapsed_licences(session: Session, unfilled: list[dict[str, Any]],
                         zone: ZoneInfo) -> None:
    """An empty seat that needs a licence also says how many volunteers have the skill but
    no valid licence on that day (two queries, only when such seats are empty)."""
    licensed = [u for u in unfilled
                if u["shift"].skill is not None and u["shift"].skill.requires_qualification]
    if not licensed:
        return
    skill_ids = {u["shift"].skill_id for u in licensed}
    holders: dict[int, list[int]] = defaultdict(list)
    for volunteer_id, skill_id in session.execute(
            select(volunteer_skills.c.volunteer_id, volunteer_skills.c.skill_id)
            .join(Volunteer, Volunteer.id == volunteer_skills.c.volunteer_id)
            .where(volunteer_skills.c.skill_id.in_(skill_ids), Volunteer.active.is_(True))):
        holders[skill_id].append(volunteer_id)
    gates = qualifications.gates(session)
    for u in licensed:
        shift = u["shift"]
        day = shift.start_at.astimezone(zone).date()
        lapsed = sum(not gates.usable(v, shift.skill.code, day) for v in holders[shift.skill_id])
        if lapsed:
            u["reason"] += " " + _("%(n)s more volunteers have the skill but no valid licence "
                                   "on that day.", n=lapsed)


def report_json(report: RunReport) -> dict[str, Any]:
    run = report.run
    return {
        **status_json(run),
        "scope": run.scope,
        "parameters": run.parameters,
        "patrol_season_id": run.patrol_season_id,
        "filled": report.filled,
        "needed": report.needed,
        "coverage": round(report.coverage, 4) if report.coverage is not None else None,
        "bound": report.bound,
        "of_bound": round(report.of_bound, 4) if report.of_bound is not None else None,
        "unfilled": [
            {k: v for k, v in u.items() if k != "shift"} for u in report.unfilled
        ],
        "sites": report.territories,
        "load": [
            {"volunteer_id": e["volunteer"].id, "name": e["volunteer"].name,
             "shifts": e["shifts"], "minutes": e["minutes"], "reliability": e["reliability"]}
            for e in report.load
        ],
        "diff": {
            "added": len(report.added),
            "removed": len(report.removed),
            "kept": len(report.kept),
            "declined": len(report.declined),
        },
        "messages": {
            "by_channel": dict(Counter(m.channel.value for m in report.messages.values())),
            "by_status": dict(Counter(m.status.value for m in report.messages.values())),
            "delivered": report.delivery.delivered,
        },
    }


def status_json(run: ScheduleRun) -> dict[str, Any]:
    """The small, cheap payload the run page polls while a run is going; a district run
    working in parts adds up its parts' seats and says how many parts are done."""
    metrics = run.metrics or {}
    progress = run.progress or 0.0
    parts = district.parts_progress(run)
    if parts is not None:
        metrics = {**metrics, **parts}
        if parts["seats_filled"] is not None and parts["seats_total"]:
            metrics["fill_rate"] = round(parts["seats_filled"] / parts["seats_total"], 4)
        progress = parts["parts_done"] / max(1, parts["parts_total"])
        if run.started_at is not None:
            metrics["elapsed"] = round((utcnow() - run.started_at).total_seconds(), 1)
    return {
        "id": run.id,
        "status": run.status.value,
        "status_label": run.status.label,
        "progress": round(progress, 4),
        "elapsed": metrics.get("elapsed"),
        "seconds": metrics.get("seconds"),
        "seats_filled": metrics.get("seats_filled"),
        "seats_total": metrics.get("seats_total"),
        "fill_rate": metrics.get("fill_rate"),
        "weighted_rate": metrics.get("weighted_rate"),
        "parts_total": metrics.get("parts_total"),
        "parts_done": metrics.get("parts_done"),
        "phase": metrics.get("phase"),
        "error": run_error_message(run),
        "done": run.status not in (RunStatus.queued, RunStatus.running),
    }
