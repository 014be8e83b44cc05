"""Re-solve after a change to a published schedule, keeping everything else where possible.

The published assignments become ``problem.previous``; each one kept earns KEEP_BONUS_RESOLVE
(40 % of a priority-1 seat at fill scale 10), so an assignment only moves when that fills a more
valuable seat. The greedy warm start keeps every still-feasible published assignment first.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from scheduling.eligibility import KEEP_BONUS_RESOLVE
from scheduling.model import Assignment, Problem, Shift, Solution
from scheduling.solve import ProgressFn, solve


@dataclass
class Change:
    """Withdrawn volunteers, added shifts, moved shifts (same id, new data), removed shifts."""

    withdraw: list[str] = field(default_factory=list)
    add_shifts: list[Shift] = field(default_factory=list)
    move_shifts: list[Shift] = field(default_factory=list)
    remove_shifts: list[str] = field(default_factory=list)


@dataclass
class ResolveResult:
    solution: Solution
    moved_other: int
    dropped: int
    kept: int


def apply_change(problem: Problem, published: Solution, change: Change) -> Problem:
    gone = set(change.withdraw)
    removed = set(change.remove_shifts)
    moved = {s.id: s for s in change.move_shifts}
    shifts = [moved.get(s.id, s) for s in problem.shifts if s.id not in removed]
    shifts.extend(change.add_shifts)
    return replace(
        problem,
        volunteers=[v for v in problem.volunteers if v.id not in gone],
        shifts=shifts,
        pins=[p for p in problem.pins if p.volunteer not in gone and p.shift not in removed],
        previous=[
            Assignment(a.volunteer, a.shift)
            for a in published.assignments
            if a.volunteer not in gone and a.shift not in removed
        ],
    )


def resolve(
    problem: Problem,
    published: Solution,
    change: Change,
    *,
    seconds: float = 3.0,
    workers: int = 2,
    seed: int = 0,
    progress: ProgressFn | None = None,
    bounds: bool = False,
) -> ResolveResult:
    """New solution for ``problem`` + ``change``; ``moved_other`` counts published assignments
    not directly hit by the change (withdrawn volunteer, removed or moved shift) that moved."""
    new_problem = apply_change(problem, published, change)
    sol = solve(
        new_problem,
        seconds=seconds,
        workers=workers,
        seed=seed,
        progress=progress,
        bounds=bounds,
        keep_bonus=KEEP_BONUS_RESOLVE,
        lexicographic=False,
    )
    sol.solver = "cpsat-resolve"
    now = {(a.volunteer, a.shift) for a in sol.assignments}
    gone = set(change.withdraw)
    hit = set(change.remove_shifts) | {s.id for s in change.move_shifts}
    before = [(a.volunteer, a.shift) for a in published.assignments]
    others = [p for p in before if p[0] not in gone and p[1] not in hit]
    moved_other = sum(p not in now for p in others)
    direct = [p for p in before if p[0] in gone or p[1] in hit]
    dropped = sum(p not in now for p in direct)
    return ResolveResult(sol, moved_other, dropped, len(others) - moved_other)
