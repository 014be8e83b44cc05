"""A rota under review planned again, keeping the members the coordinator pinned — what "plan
again, keeping pinned people" does for a scheduler run, for a patrol rota.

The run's own inspections become the slots again (each one's site and group from the run's
``patrol_shifts``, its time from its shift), so no event is made or lost; the engine's problem
is the rota's (`rota.build_problem`: the site's group, certified on the day, free, under the
caps), with the run's pinned drafts as pins and every pair the coordinator removed, or a member
declined, forbidden. The sites' groups are the ones the run was built with: planning again
changes who goes, not which group patrols where. `rota_builds.execute_rota` solves it and
`rota_runs.write_rota` writes the drafts onto the same inspections. Reads only.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

import scheduling
from app.enums import EXCLUDED, AssignmentStatus
from app.models import Assignment, PatrolSeason, PatrolSite, ScheduleRun, Shift
from app.services.patrols.rota import PlannedRota, Slot, build_problem
from app.services.patrols.territory import SiteTerritory

#: The run parameter that marks a rota run as planned again; it keeps the sites' groups and
#: requirements as the run page showed them (the run's metrics go when it is queued again).
KEY = "replan"


def replanning(run: ScheduleRun) -> bool:
    return KEY in (run.parameters or {})


def mark(run: ScheduleRun) -> None:
    """Before the run is queued again: remember its sites' rows (groups, requirements)."""
    kept = (run.parameters or {}).get(KEY) or {
        "territories": (run.metrics or {}).get("territories", [])}
    run.parameters = {**(run.parameters or {}), KEY: kept}


def _territory(row: dict[str, Any], locale: str) -> SiteTerritory:
    reason = scheduling.Reason(row.get("code", ""), row.get("counts", {}), {},
                               row.get("params", {}))
    return SiteTerritory(row["site_id"], None, row.get("group", ""), row.get("km"),
                         row.get("code", ""), reason.message(locale) if reason.code else "",
                         dict(row.get("counts", {})), dict(row.get("params", {})))


def plan_again(session: Session, run: ScheduleRun, season: PatrolSeason, *, zone: ZoneInfo,
               locale: str = "zh_CN") -> PlannedRota:
    """The run's inspections as slots, and the engine's problem over them with its pins."""
    places = {int(k): v for k, v in (run.parameters or {}).get("patrol_shifts", {}).items()}
    shifts = list(session.scalars(select(Shift).where(Shift.id.in_(places))
                                  .order_by(Shift.start_at, Shift.id))) if places else []
    names = dict(session.execute(select(PatrolSite.id, PatrolSite.name).where(
        PatrolSite.id.in_({site_id for site_id, _group in places.values()}))).tuples().all())
    slots = [Slot(places[s.id][0], names.get(places[s.id][0], ""), places[s.id][1],
                  s.start_at, s.end_at) for s in shifts]
    problem, members = build_problem(session, season, slots, zone)
    index = {shift.id: i for i, shift in enumerate(shifts)}
    pins: list[scheduling.Pin] = []
    forbidden = list(problem.forbidden)
    for a in session.scalars(select(Assignment).where(Assignment.shift_id.in_(index))):
        pair = (f"v{a.volunteer_id}", f"s{index[a.shift_id]}")
        if a.status in EXCLUDED:
            forbidden.append(scheduling.Forbidden(*pair))
        elif (a.pinned and a.status == AssignmentStatus.proposed
              and a.schedule_run_id == run.id):
            pins.append(scheduling.Pin(*pair))
    rows = (run.parameters or {}).get(KEY, {}).get("territories", [])
    return PlannedRota(
        season.id, season.name, slots, replace(problem, pins=pins, forbidden=forbidden),
        members, [(row["site_id"], row["site"], _territory(row, locale)) for row in rows],
        {row["site_id"]: row.get("required") or 0 for row in rows},
        shift_ids=[s.id for s in shifts])
