"""Linli 邻里 scheduling engine: a pure library (no Flask, SQLAlchemy, app or admin imports).

Objective (maximised; weights in scheduling/eligibility.py):

1. **Fill** (primary, optimised first — lexicographically in ``solve``): a filled seat of a shift
   with priority p is worth ``10·p``, plus ``10·p`` more while the shift is below its min_count
   (so seats up to the minimum count double).
2. **Secondary** (optimised with fill held at its phase-1 value), per assignment:
   continuity (volunteer served the household before) +30; preferred shift +10; avoided shift
   −20; distance −2 per km (capped at 20 km); keeping a previous assignment +50 (+400 in
   ``resolve``, where the objective is single-phase ``10·fill + secondary``); and a convex load
   penalty: a volunteer's k-th shift costs 15·(k−1) for k ≤ 4 and 45 beyond.

``solve`` optimises this with the greedy, an LP-guided warm start (HiGHS LP, rounding and MIPs
restricted to the LP's neighbourhood, for fill and then secondary) and CP-SAT when time is left
(README.md, "How solve works").

Hard constraints: required skill; shift inside one availability interval; no two shifts of a
volunteer closer than ``rules.min_gap_minutes``; weekly minute and shift caps (ISO weeks in the
problem's time zone, a shift counting in the week it starts); team restriction; headcount ≤ max;
pins kept; forbidden (volunteer, shift) pairs; optional travel radius ``rules.max_distance_km``.
"""

from scheduling.check import CheckReport, check
from scheduling.eligibility import InfeasiblePinError
from scheduling.explain import MESSAGES, explain, render_reason
from scheduling.generate import generate
from scheduling.io import (
    dump_problem,
    dump_solution,
    dumps_problem,
    dumps_solution,
    load_problem,
    load_solution,
    loads_problem,
    loads_solution,
    problem_from_dict,
    problem_to_dict,
    solution_from_dict,
    solution_to_dict,
)
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
    Progress,
    Reason,
    Rules,
    Shift,
    Solution,
    UnfilledSeat,
    Volunteer,
)
from scheduling.partition import solve_partitioned, split
from scheduling.resolve import Change, ResolveResult, apply_change, resolve
from scheduling.solve import solve, solve_greedy

__all__ = [
    "MESSAGES",
    "Assignment",
    "Change",
    "CheckReport",
    "Commitment",
    "ContinuityMiss",
    "Forbidden",
    "InfeasiblePinError",
    "Interval",
    "Location",
    "Metrics",
    "Pin",
    "Problem",
    "Progress",
    "Reason",
    "ResolveResult",
    "Rules",
    "Shift",
    "Solution",
    "UnfilledSeat",
    "Volunteer",
    "apply_change",
    "check",
    "dump_problem",
    "dump_solution",
    "dumps_problem",
    "dumps_solution",
    "explain",
    "generate",
    "load_problem",
    "load_solution",
    "loads_problem",
    "loads_solution",
    "problem_from_dict",
    "problem_to_dict",
    "render_reason",
    "resolve",
    "solution_from_dict",
    "solution_to_dict",
    "solve",
    "solve_greedy",
    "solve_partitioned",
    "split",
]
