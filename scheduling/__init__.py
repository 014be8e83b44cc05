"""Linli 邻里 scheduling engine: a pure library (no Flask, SQLAlchemy, app or admin imports).

Objective (maximised; weights in scheduling/eligibility.py), lexicographic in three levels:

1. **Fill**: a filled seat of a shift with priority p is worth ``10·p``, plus ``10·p`` more
   while the shift is below its min_count (so seats up to the minimum count double).
2. **Continuity**: the number of assignments of a household's earlier or paired volunteer
   (``household_history``). Exactly lexicographic below fill (CP-SAT phase 1 maximises
   ``K·fill + continuity`` with K larger than any continuity count; proof in cpsat.py), so no
   fairness or preference term can ever trade a pairing away; fill can (a pairing is kept
   unless that costs a seat elsewhere), and every miss is explained in ``Solution.continuity``.
3. **Secondary** (with fill and continuity held), per assignment: preferred shift +10; avoided
   shift −20; distance −2 per km (capped at 20 km); keeping a previous assignment +50; a
   volunteer who often does not turn up −``reliability_weight``·(no-shows / recorded shifts)
   (reliability.py; a soft preference, default weight 20); and a convex load penalty over the
   whole horizon at every level: a volunteer's k-th shift costs 15·(k−1) (so n shifts cost
   15·n(n−1)/2 — with fill fixed this minimises the variance of the shift counts).

``resolve`` uses one combined objective ``10·fill + 30·continuity + secondary`` with a keep
bonus of +400. ``solve`` runs everything — index, greedy, LP warm start, MIPs, CP-SAT,
fill-up, local search, explanations, bounds — before one wall-clock deadline (deadline.py);
a bound not ready in time is None (README.md, "How solve works").

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
from scheduling.partition import combine, join, merge, solve_partitioned, split
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
    "combine",
    "dump_problem",
    "dump_solution",
    "dumps_problem",
    "dumps_solution",
    "explain",
    "generate",
    "join",
    "load_problem",
    "load_solution",
    "loads_problem",
    "loads_solution",
    "merge",
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
