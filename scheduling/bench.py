"""Benchmark ladder: greedy vs CP-SAT on generated instances, each run in a fresh process
(the family table is `bench_families`).

The ``resolve`` rows publish a schedule (untimed), withdraw the busiest volunteer and time the
re-solve (3 s budget); ``moved`` counts other published assignments that changed. ``--proven``
adds, untimed, the proven or best known optimum of seats and of weighted fill (HiGHS MIP with a
time limit, `optimum_reference`) so that the distance to the true optimum can be told apart from
the looseness of the LP bound; the family table gets it too.

Each row runs in its own interpreter so the peak resident memory (self + children) belongs to
that row alone. Generation is not timed; ``solve s`` is wall time including index and model
build; bounds are computed afterwards and not counted (except for partitioned runs, where each
part computes its bounds inside the pool and the wall time includes them).
"""

from __future__ import annotations

import resource
import sys
import time
from typing import Any

from scheduling.bench_table import num, optimum_cell, pct, render, row_in_fresh_process
from scheduling.check import check
from scheduling.generate import generate
from scheduling.optimum import optimum_reference
from scheduling.partition import solve_partitioned
from scheduling.resolve import Change, apply_change, resolve
from scheduling.solve import solve, solve_greedy

SIZES: dict[str, tuple[int, int, float, bool]] = {
    # name: (volunteers, shifts, default CP-SAT seconds, partitioned)
    "small": (200, 150, 2.0, False),
    "town": (2000, 1500, 10.0, False),
    # 60 s of part budgets: each town-sized part gets ~11 s, like the town row; more time did
    # not change the result (same fill at 100 s).
    "district": (20000, 15000, 60.0, True),
}
RESOLVE_SECONDS = 3.0


def run_one(
    size: str, method: str, seconds: float, seed: int, proven: bool = False
) -> dict[str, Any]:
    n_v, n_s, _default, partitioned = SIZES[size]
    problem = generate(n_v, n_s, seed=seed)
    moved: int | None = None
    if method == "resolve":
        # Publish a town-week (untimed), withdraw its busiest volunteer, time the re-solve.
        published = solve(problem, seconds=seconds, workers=2, seed=seed, bounds=False)
        busiest = max(
            {a.volunteer for a in published.assignments},
            key=lambda v: (sum(a.volunteer == v for a in published.assignments), v),
        )
        change = Change(withdraw=[busiest])
        t0 = time.perf_counter()
        res = resolve(
            problem, published, change, seconds=RESOLVE_SECONDS, workers=2, seed=seed, bounds=True
        )
        wall = time.perf_counter() - t0
        sol, moved = res.solution, res.moved_other
        problem = apply_change(problem, published, change)
        seconds = RESOLVE_SECONDS
    else:
        t0 = time.perf_counter()
        if partitioned:
            sol = solve_partitioned(problem, seconds=seconds, processes=2, method=method, seed=seed)
        elif method == "greedy":
            sol = solve_greedy(problem)
        else:
            sol = solve(problem, seconds=seconds, workers=2, seed=seed)
        wall = time.perf_counter() - t0
    report = check(problem, sol)
    m = sol.metrics
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "size": f"{size} {n_v}x{n_s}",
        "solver": method,
        "filled": m.filled_seats,
        "seats": m.total_seats,
        "bound": m.best_bound,
        "quality": m.quality,
        "weighted_quality": m.weighted_quality,
        "spread": m.load_spread_hours,
        "continuity": m.continuity_rate,
        "build": m.build_seconds,
        "first": m.first_solution_seconds,
        "solve": m.solve_seconds,
        "wall": round(wall, 2),
        "peak_mb": round(max(rss_self, rss_children) / 1024),
        "violations": len(report.violations),
        "status": m.status,
        "moved": moved,
        "optimum": optimum_reference(problem, sol) if (proven and not partitioned) else None,
    }


def table(rows: list[dict[str, Any]]) -> str:
    head = [
        "size",
        "solver",
        "filled/seats",
        "UB seats",
        "%UB seats",
        "%UB weighted",
        "spread h",
        "continuity",
        "build s",
        "first s",
        "wall s",
        "peak MB",
        "viol",
        "moved",
    ]
    proven = any(r.get("optimum") for r in rows)
    if proven:
        head[6:6] = ["optimum", "%opt seats", "%opt wtd"]
    lines = [head]
    for r in rows:
        opt = r.get("optimum") or {}
        extra = [
            optimum_cell(opt["seats"], opt["proven"]) if opt else "—",
            pct(opt.get("quality")),
            pct(opt.get("weighted_quality")),
        ]
        lines.append(
            [
                r["size"],
                r["solver"],
                f"{r['filled']}/{r['seats']}",
                num(r["bound"], ".0f"),
                pct(r["quality"]),
                pct(r["weighted_quality"]),
                num(r["spread"]),
                pct(r["continuity"]),
                num(r["build"]),
                num(r["first"]),
                num(r["solve"]),
                str(r["peak_mb"]),
                str(r["violations"]),
                "—" if r.get("moved") is None else str(r["moved"]),
            ]
        )
        if proven:
            lines[-1][6:6] = extra
    return render(lines)


def bench(
    sizes: list[str], seconds: float | None, seed: int, methods: list[str], proven: bool = False
) -> str:
    rows = []
    for size in sizes:
        for method in methods:
            if method == "resolve" and SIZES[size][3]:
                continue  # re-solves are per town-week, not per district
            secs = seconds if seconds is not None else SIZES[size][2]
            row = row_in_fresh_process(
                ["bench-one", size, method, "--seconds", str(secs), "--seed", str(seed),
                 *(["--proven"] if proven else [])],
                f"{size}/{method}")
            rows.append(row)
            print(
                f"  {row['size']:<22} {method:<7} {row['filled']}/{row['seats']} "
                f"{pct(row['quality'])} wall {row['wall']}s",
                file=sys.stderr,
            )
    return table(rows)
