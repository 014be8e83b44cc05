"""JSON load/dump for problems and solutions (the format is documented in README.md)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from scheduling.model import (
    Assignment,
    Commitment,
    ContinuityMiss,
    Forbidden,
    Interval,
    Location,
    Metrics,
    Pin,
    Problem,
    Reason,
    Rules,
    Shift,
    Solution,
    UnfilledSeat,
    Volunteer,
)

FORMAT_VERSION = 1


def _dt(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without UTC offset: {value!r}")
    return parsed


def _loc(value: dict[str, float] | None) -> Location | None:
    return None if value is None else Location(float(value["x"]), float(value["y"]))


def _loc_json(loc: Location | None) -> dict[str, float] | None:
    return None if loc is None else {"x": loc.x, "y": loc.y}


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "name": problem.name,
        "timezone": problem.timezone,
        "rules": {
            "min_gap_minutes": problem.rules.min_gap_minutes,
            "max_distance_km": problem.rules.max_distance_km,
        },
        "reliability_weight": problem.reliability_weight,
        "volunteers": [
            {
                "id": v.id,
                "name": v.name,
                "skills": list(v.skills),
                "teams": list(v.teams),
                "availability": [
                    {"start": i.start.isoformat(), "end": i.end.isoformat()} for i in v.availability
                ],
                "max_minutes_per_week": v.max_minutes_per_week,
                "max_shifts_per_week": v.max_shifts_per_week,
                "location": _loc_json(v.location),
                "preferred_shifts": list(v.preferred_shifts),
                "avoided_shifts": list(v.avoided_shifts),
                "neighbourhood": v.neighbourhood,
                "recorded_shifts": v.recorded_shifts,
                "no_shows": v.no_shows,
                "commitments": [
                    {
                        "start": c.start.isoformat(),
                        "end": c.end.isoformat(),
                        "label": c.label,
                        "shift": c.shift,
                    }
                    for c in v.commitments
                ],
            }
            for v in problem.volunteers
        ],
        "shifts": [
            {
                "id": s.id,
                "title": s.title,
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "skill": s.skill,
                "team": s.team,
                "min_count": s.min_count,
                "max_count": s.max_count,
                "priority": s.priority,
                "location": _loc_json(s.location),
                "household": s.household,
                "neighbourhood": s.neighbourhood,
                "event": s.event,
                "paired": s.paired,
            }
            for s in problem.shifts
        ],
        "pins": [{"volunteer": p.volunteer, "shift": p.shift} for p in problem.pins],
        "forbidden": [{"volunteer": f.volunteer, "shift": f.shift} for f in problem.forbidden],
        "previous": [{"volunteer": a.volunteer, "shift": a.shift} for a in problem.previous],
        "household_history": {h: list(vs) for h, vs in problem.household_history.items()},
    }


def problem_from_dict(data: dict[str, Any]) -> Problem:
    rules = data.get("rules") or {}
    return Problem(
        name=data.get("name", ""),
        timezone=data["timezone"],
        rules=Rules(
            min_gap_minutes=int(rules.get("min_gap_minutes", 0)),
            max_distance_km=rules.get("max_distance_km"),
        ),
        reliability_weight=int(data.get("reliability_weight", 0)),
        volunteers=[
            Volunteer(
                id=str(v["id"]),
                name=v.get("name", ""),
                skills=tuple(v.get("skills", ())),
                teams=tuple(v.get("teams", ())),
                availability=tuple(
                    Interval(_dt(i["start"]), _dt(i["end"])) for i in v.get("availability", ())
                ),
                max_minutes_per_week=int(v.get("max_minutes_per_week", 24 * 60)),
                max_shifts_per_week=int(v.get("max_shifts_per_week", 7)),
                location=_loc(v.get("location")),
                preferred_shifts=tuple(v.get("preferred_shifts", ())),
                avoided_shifts=tuple(v.get("avoided_shifts", ())),
                neighbourhood=v.get("neighbourhood"),
                recorded_shifts=int(v.get("recorded_shifts", 0)),
                no_shows=int(v.get("no_shows", 0)),
                commitments=tuple(
                    Commitment(
                        _dt(c["start"]),
                        _dt(c["end"]),
                        str(c.get("label", "")),
                        str(c.get("shift", "")),
                    )
                    for c in v.get("commitments", ())
                ),
            )
            for v in data["volunteers"]
        ],
        shifts=[
            Shift(
                id=str(s["id"]),
                title=s.get("title", ""),
                start=_dt(s["start"]),
                end=_dt(s["end"]),
                skill=s.get("skill"),
                team=s.get("team"),
                min_count=int(s.get("min_count", 1)),
                max_count=int(s.get("max_count", 1)),
                priority=int(s.get("priority", 1)),
                location=_loc(s.get("location")),
                household=s.get("household"),
                neighbourhood=s.get("neighbourhood"),
                event=str(s.get("event", "")),
                paired=s.get("paired"),
            )
            for s in data["shifts"]
        ],
        pins=[Pin(str(p["volunteer"]), str(p["shift"])) for p in data.get("pins", ())],
        forbidden=[
            Forbidden(str(p["volunteer"]), str(p["shift"])) for p in data.get("forbidden", ())
        ],
        previous=[
            Assignment(str(p["volunteer"]), str(p["shift"])) for p in data.get("previous", ())
        ],
        household_history={
            str(h): [str(v) for v in vs] for h, vs in data.get("household_history", {}).items()
        },
    )


def solution_to_dict(solution: Solution) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "solver": solution.solver,
        "assignments": [{"volunteer": a.volunteer, "shift": a.shift} for a in solution.assignments],
        "unfilled": [
            {
                "shift": u.shift,
                "empty": u.empty,
                "below_min": u.below_min,
                "reason": {
                    "code": u.reason.code,
                    "counts": dict(u.reason.counts),
                    "ids": {k: list(v) for k, v in u.reason.ids.items()},
                    "params": dict(u.reason.params),
                    "message_en": u.reason.message("en"),
                    "message_zh_CN": u.reason.message("zh_CN"),
                },
            }
            for u in solution.unfilled
        ],
        "metrics": asdict(solution.metrics),
        "continuity": [
            {
                "shift": c.shift,
                "volunteer": c.volunteer,
                "reason": {
                    "code": c.reason.code,
                    "counts": dict(c.reason.counts),
                    "ids": {k: list(v) for k, v in c.reason.ids.items()},
                    "params": dict(c.reason.params),
                    "message_en": c.reason.message("en"),
                    "message_zh_CN": c.reason.message("zh_CN"),
                },
            }
            for c in solution.continuity
        ],
    }


def solution_from_dict(data: dict[str, Any]) -> Solution:
    metrics_data = data.get("metrics") or {}
    known = set(Metrics.__dataclass_fields__)
    return Solution(
        solver=data.get("solver", ""),
        assignments=[Assignment(str(a["volunteer"]), str(a["shift"])) for a in data["assignments"]],
        unfilled=[
            UnfilledSeat(
                shift=str(u["shift"]),
                empty=int(u["empty"]),
                below_min=int(u.get("below_min", 0)),
                reason=Reason(
                    code=u["reason"]["code"],
                    counts={k: int(v) for k, v in u["reason"].get("counts", {}).items()},
                    ids={k: list(v) for k, v in u["reason"].get("ids", {}).items()},
                    params=dict(u["reason"].get("params", {})),
                ),
            )
            for u in data.get("unfilled", ())
        ],
        metrics=Metrics(**{k: v for k, v in metrics_data.items() if k in known}),
        continuity=[
            ContinuityMiss(
                shift=str(c["shift"]),
                volunteer=str(c["volunteer"]),
                reason=Reason(
                    code=c["reason"]["code"],
                    counts={k: int(v) for k, v in c["reason"].get("counts", {}).items()},
                    ids={k: list(v) for k, v in c["reason"].get("ids", {}).items()},
                    params=dict(c["reason"].get("params", {})),
                ),
            )
            for c in data.get("continuity", ())
        ],
    )


def dumps_problem(problem: Problem) -> str:
    return json.dumps(problem_to_dict(problem), ensure_ascii=False, indent=1)


def loads_problem(text: str) -> Problem:
    return problem_from_dict(json.loads(text))


def dumps_solution(solution: Solution) -> str:
    return json.dumps(solution_to_dict(solution), ensure_ascii=False, indent=1)


def loads_solution(text: str) -> Solution:
    return solution_from_dict(json.loads(text))


def load_problem(path: str | Path) -> Problem:
    return loads_problem(Path(path).read_text(encoding="utf-8"))


def dump_problem(problem: Problem, path: str | Path) -> None:
    Path(path).write_text(dumps_problem(problem), encoding="utf-8")


def load_solution(path: str | Path) -> Solution:
    return loads_solution(Path(path).read_text(encoding="utf-8"))


def dump_solution(solution: Solution, path: str | Path) -> None:
    Path(path).write_text(dumps_solution(solution), encoding="utf-8")
