"""Independent validator: recomputes every hard constraint and the headline metrics.

Deliberately shares no code with the solver (only the JSON loading and the dataclasses), so a bug
in eligibility, greedy or CP-SAT cannot hide itself here. Works on datetimes directly.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from scheduling.model import Problem, Solution


@dataclass
class CheckReport:
    violations: list[str] = field(default_factory=list)
    metrics: dict[str, float | int | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations


def check(problem: Problem, solution: Solution) -> CheckReport:
    report = CheckReport()
    bad = report.violations.append
    tz = ZoneInfo(problem.timezone)
    vols = {v.id: v for v in problem.volunteers}
    shifts = {s.id: s for s in problem.shifts}
    forbidden = {(f.volunteer, f.shift) for f in problem.forbidden}
    pinned = {(p.volunteer, p.shift) for p in problem.pins}
    gap = timedelta(minutes=problem.rules.min_gap_minutes)
    radius = problem.rules.max_distance_km

    seen: set[tuple[str, str]] = set()
    per_shift: dict[str, int] = defaultdict(int)
    per_vol: dict[str, list[str]] = defaultdict(list)
    for a in solution.assignments:
        pair = (a.volunteer, a.shift)
        if a.volunteer not in vols:
            bad(f"unknown volunteer {a.volunteer}")
            continue
        if a.shift not in shifts:
            bad(f"unknown shift {a.shift}")
            continue
        if pair in seen:
            bad(f"duplicate assignment {a.volunteer}->{a.shift}")
            continue
        seen.add(pair)
        v, s = vols[a.volunteer], shifts[a.shift]
        per_shift[s.id] += 1
        per_vol[v.id].append(s.id)
        if s.skill is not None and s.skill not in v.skills:
            bad(f"{v.id}->{s.id}: lacks skill {s.skill}")
        if s.team is not None and s.team not in v.teams:
            bad(f"{v.id}->{s.id}: not in team {s.team}")
        if not any(i.start <= s.start and s.end <= i.end for i in v.availability):
            bad(f"{v.id}->{s.id}: not inside one availability interval")
        if pair in forbidden:
            bad(f"{v.id}->{s.id}: forbidden pair")
        for c in v.commitments:
            if s.start < c.end + gap and c.start < s.end + gap:
                bad(f"{v.id}->{s.id}: overlaps a commitment elsewhere ({c.label or c.shift})")
        if radius is not None and v.location is not None and s.location is not None:
            km = math.hypot(v.location.x - s.location.x, v.location.y - s.location.y)
            if km > radius:
                bad(f"{v.id}->{s.id}: {km:.2f} km exceeds {radius} km")

    for sid, n in per_shift.items():
        if n > shifts[sid].max_count:
            bad(f"{sid}: {n} assigned exceeds max {shifts[sid].max_count}")

    for vid, sids in per_vol.items():
        v = vols[vid]
        ordered = sorted((shifts[x] for x in sids), key=lambda s: (s.start, s.end))
        latest = None
        for s in ordered:
            if latest is not None and s.start < latest.end + gap:
                bad(f"{vid}: {latest.id} and {s.id} overlap or are closer than the minimum gap")
            if latest is None or s.end > latest.end:
                latest = s
        week_minutes: dict[tuple[int, int], float] = defaultdict(float)
        week_count: dict[tuple[int, int], int] = defaultdict(int)
        for s in ordered:
            iso = s.start.astimezone(tz).isocalendar()
            key = (iso[0], iso[1])
            week_minutes[key] += (s.end - s.start).total_seconds() / 60
            week_count[key] += 1
        # A coordinator's pins are kept even past a weekly cap; only more than they hold is
        # a violation.
        pin_minutes: dict[tuple[int, int], float] = defaultdict(float)
        pin_count: dict[tuple[int, int], int] = defaultdict(int)
        for s in ordered:
            if (vid, s.id) in pinned:
                iso = s.start.astimezone(tz).isocalendar()
                pin_minutes[(iso[0], iso[1])] += (s.end - s.start).total_seconds() / 60
                pin_count[(iso[0], iso[1])] += 1
        for key, mins in week_minutes.items():
            minute_cap = max(v.max_minutes_per_week, pin_minutes[key])
            if mins > minute_cap:
                bad(f"{vid}: {mins:g} min in week {key} exceeds {minute_cap:g}")
            if week_count[key] > max(v.max_shifts_per_week, pin_count[key]):
                bad(f"{vid}: {week_count[key]} shifts in week {key} exceeds cap")

    for pin in problem.pins:
        if (pin.volunteer, pin.shift) not in seen:
            bad(f"pin {pin.volunteer}->{pin.shift} not kept")

    filled = len(seen)
    total = sum(s.max_count for s in problem.shifts)
    weighted = 0
    for s in problem.shifts:
        n = min(per_shift.get(s.id, 0), s.max_count)
        weighted += s.priority * (10 * n + 10 * min(n, s.min_count))
    empty_reported = sum(u.empty for u in solution.unfilled)
    if solution.unfilled and empty_reported != total - filled:
        bad(f"unfilled seats reported {empty_reported} != {total - filled}")
    for u in solution.unfilled:
        s = shifts.get(u.shift)
        if s is not None and u.empty != s.max_count - per_shift.get(s.id, 0):
            bad(
                f"{u.shift}: reported {u.empty} empty seats, actually "
                f"{s.max_count - per_shift.get(s.id, 0)}"
            )
    reported = solution.metrics.filled_seats
    if reported and reported != filled:
        bad(f"metrics.filled_seats {reported} != recomputed {filled}")
    history = problem.household_history
    hh = [(a, shifts[a[1]].household) for a in seen if shifts[a[1]].household in history]
    report.metrics = {
        "filled_seats": filled,
        "total_seats": total,
        "weighted_fill": weighted,
        "volunteers_used": len(per_vol),
        "continuity_rate": (
            round(sum(a[0] in history[h] for a, h in hh) / len(hh), 4) if hh else None
        ),
        "violations": len(report.violations),
    }
    return report
