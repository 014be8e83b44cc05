"""Benchmark ladder: greedy vs CP-SAT on generated instances, each run in a fresh process.

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

import json
import resource
import subprocess
import sys
import time
from typing import Any

from scheduling.check import check
from scheduling.eligibility import build_index
from scheduling.families import FAMILIES, generate_family
from scheduling.generate import generate
from scheduling.optimum import OPTIMUM_TARGET, optimum_reference
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


def _optimum_cell(seats: float | None, proven: bool) -> str:
    if seats is None:
        return "not known"
    return f"{seats:.0f} {'proven' if proven else 'best known'}"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.2f}%"


def _num(x: float | None, fmt: str = ".2f") -> str:
    return "—" if x is None else format(x, fmt)


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
            _optimum_cell(opt["seats"], opt["proven"]) if opt else "—",
            _pct(opt.get("quality")),
            _pct(opt.get("weighted_quality")),
        ]
        lines.append(
            [
                r["size"],
                r["solver"],
                f"{r['filled']}/{r['seats']}",
                _num(r["bound"], ".0f"),
                _pct(r["quality"]),
                _pct(r["weighted_quality"]),
                _num(r["spread"]),
                _pct(r["continuity"]),
                _num(r["build"]),
                _num(r["first"]),
                _num(r["solve"]),
                str(r["peak_mb"]),
                str(r["violations"]),
                "—" if r.get("moved") is None else str(r["moved"]),
            ]
        )
        if proven:
            lines[-1][6:6] = extra
    widths = [max(len(str(row[i])) for row in lines) for i in range(len(head))]
    out = []
    for k, row in enumerate(lines):
        out.append(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
        if k == 0:
            out.append("-+-".join("-" * w for w in widths))
    return "\n".join(out)


def bench(
    sizes: list[str], seconds: float | None, seed: int, methods: list[str], proven: bool = False
) -> str:
    rows = []
    for size in sizes:
        for method in methods:
            if method == "resolve" and SIZES[size][3]:
                continue  # re-solves are per town-week, not per district
            secs = seconds if seconds is not None else SIZES[size][2]
            cmd = [
                sys.executable,
                "-m",
                "scheduling",
                "bench-one",
                size,
                method,
                "--seconds",
                str(secs),
                "--seed",
                str(seed),
                *(["--proven"] if proven else []),
            ]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                raise RuntimeError(f"bench row {size}/{method} failed")
            row = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(
                f"  {row['size']:<22} {method:<7} {row['filled']}/{row['seats']} "
                f"{_pct(row['quality'])} wall {row['wall']}s",
                file=sys.stderr,
            )
    return table(rows)


# -- Family table (issue 11): every family at town-week size, the deadline and the balance -----

# (family, label, volunteers, shifts): town-week size for the generated families, the two
# quickstart shapes (15 x 139 over two weeks, 60 x 554).
FAMILY_ROWS: list[tuple[str, int, int]] = [
    *((name, 2000, 1500) for name in ["town", *FAMILIES]),
    ("quickstart", 15, 139),
    ("quickstart", 60, 554),
]
QUICK_ROWS: list[tuple[str, int, int]] = [
    *((name, 200, 150) for name in ["town", *FAMILIES]),
    ("quickstart", 15, 139),
]
# Target marks: the answer by seconds + WALL_SLACK, the first feasible schedule by FIRST_TARGET,
# and on the quickstart shapes a shift-count standard deviation of at most STD_TARGET (Timefold
# 1.24's LoadBalance on 15 x 139 reached 0.68).
WALL_SLACK = 0.5
FIRST_TARGET = 2.0
STD_TARGET = 0.7


def _spread(values: list[float]) -> tuple[float, float]:
    if not values:
        return 0.0, 0.0
    mean = sum(values) / len(values)
    std = (sum((x - mean) ** 2 for x in values) / len(values)) ** 0.5
    return std, max(values) - min(values)


def run_family(family: str, n_v: int, n_s: int, seconds: float, seed: int,
               proven: bool = False) -> dict[str, Any]:
    """One solve of one family instance (called in a fresh process by ``family_bench``);
    `proven` adds the optimum it is measured against (untimed, `optimum_reference`)."""
    problem = generate_family(family, n_v, n_s, seed=seed)
    t0 = time.perf_counter()
    sol = solve(problem, seconds=seconds, workers=2, seed=seed)
    wall = time.perf_counter() - t0
    report = check(problem, sol)
    m = sol.metrics
    # Load over the people who could work at least one shift (untimed, from the index).
    index = build_index(problem)
    shifts_of: dict[str, list[str]] = {}
    for a in sol.assignments:
        shifts_of.setdefault(a.volunteer, []).append(a.shift)
    by_id = {s.id: s for s in problem.shifts}
    counts, mins = [], []
    for v, vol in enumerate(index.volunteers):
        if not index.pairs_of_vol[v]:
            continue
        mine = shifts_of.get(vol.id, [])
        counts.append(float(len(mine)))
        mins.append(sum((by_id[s].end - by_id[s].start).total_seconds() / 60 for s in mine))
    std, rng = _spread(counts)
    mstd, mrng = _spread(mins)
    undesired = sum(
        1 for v in problem.volunteers for s in v.avoided_shifts if s in set(shifts_of.get(v.id, []))
    )
    return {
        "family": family,
        "size": f"{n_v}x{n_s}",
        "seed": seed,
        "filled": m.filled_seats,
        "seats": m.total_seats,
        "bound": m.best_bound,
        "quality": m.quality,
        "weighted_quality": m.weighted_quality,
        "below_min": m.min_seats - m.filled_min_seats,
        "std": std,
        "range": rng,
        "minutes_std": mstd,
        "minutes_range": mrng,
        "continuity": m.continuity_rate,
        "undesired": undesired,
        "first": m.first_solution_seconds,
        "wall": wall,
        "status": m.status,
        "violations": len(report.violations),
        "optimum": optimum_reference(problem, sol) if proven else None,
    }


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISS"


def family_table(rows: list[dict[str, Any]], seconds: float) -> str:
    """One line per (family, size): worst wall and first-feasible over the seeds, the worst
    fill share of the best bound (and, when measured, of the optimum), and the mean of the
    balance figures."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["family"], r["size"]), []).append(r)
    head = [
        "family",
        "size",
        "seeds",
        "filled/seats",
        "%bound seats",
        "%bound wtd",
        "below min",
        "std shifts",
        "max-min",
        "std min",
        "continuity",
        "first s",
        "wall s",
        "deadline",
        "first",
        "balance",
        "viol",
    ]
    proven = any(r.get("optimum") for r in rows)
    if proven:
        head[6:6] = ["%opt seats", "%opt wtd", "optimum", "opt"]
    lines = [head]
    for (family, size), rs in groups.items():
        n = len(rs)
        wall = max(r["wall"] for r in rs)
        first = max(r["first"] or 0.0 for r in rs)
        quals = [r["quality"] for r in rs if r["quality"] is not None]
        wquals = [r["weighted_quality"] for r in rs if r["weighted_quality"] is not None]
        conts = [r["continuity"] for r in rs if r["continuity"] is not None]
        std = sum(r["std"] for r in rs) / n
        balance = "—"
        if family == "quickstart":
            balance = _mark(max(r["std"] for r in rs) <= STD_TARGET)
        lines.append(
            [
                family,
                size,
                str(n),
                f"{sum(r['filled'] for r in rs) // n}/{sum(r['seats'] for r in rs) // n}",
                _pct(min(quals)) if quals else "—",
                _pct(min(wquals)) if wquals else "—",
                str(max(r["below_min"] for r in rs)),
                f"{std:.2f}",
                f"{max(r['range'] for r in rs):.0f}",
                f"{sum(r['minutes_std'] for r in rs) / n:.0f}",
                _pct(sum(conts) / len(conts)) if conts else "—",
                f"{first:.2f}",
                f"{wall:.2f}",
                _mark(wall <= seconds + WALL_SLACK),
                _mark(first <= FIRST_TARGET),
                balance,
                str(sum(r["violations"] for r in rs)),
            ]
        )
        if proven:
            lines[-1][6:6] = _optimum_columns([r["optimum"] for r in rs if r.get("optimum")])
    widths = [max(len(str(row[i])) for row in lines) for i in range(len(head))]
    out = []
    for k, row in enumerate(lines):
        out.append(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
        if k == 0:
            out.append("-+-".join("-" * w for w in widths))
    return "\n".join(out)


def _optimum_columns(refs: list[dict[str, Any]]) -> list[str]:
    """%opt seats, %opt wtd (worst over the seeds), the seat optimum (mean; "proven" only when
    every seed's is) and the target mark (both shares; "—" while one is not known)."""
    if not refs:
        return ["—", "—", "—", "—"]
    seats = _worst([r["quality"] for r in refs])
    weighted = _worst([r["weighted_quality"] for r in refs])
    optima = [r["seats"] for r in refs]
    return [
        _pct(seats),
        _pct(weighted),
        _optimum_cell(sum(optima) / len(optima) if seats is not None else None,
                      all(r["seats_proven"] for r in refs)),
        ("—" if seats is None or weighted is None
         else _mark(seats >= OPTIMUM_TARGET and weighted >= OPTIMUM_TARGET)),
    ]


def _worst(shares: list[float | None]) -> float | None:
    """The smallest share, or None when one is not known."""
    values = [v for v in shares if v is not None]
    return min(values) if values and len(values) == len(shares) else None


def family_bench(
    seconds: float = 10.0,
    seeds: list[int] | None = None,
    quick: bool = False,
    families: list[str] | None = None,
    proven: bool = False,
) -> str:
    """The family table; each solve runs in a fresh process (``bench-family``); `proven`
    measures each against its proven or best known optimum (slow, untimed)."""
    seeds = seeds or ([1] if quick else [1, 2])
    plan = QUICK_ROWS if quick else FAMILY_ROWS
    if families:
        plan = [row for row in plan if row[0] in families]
    rows = []
    for family, n_v, n_s in plan:
        for seed in seeds:
            cmd = [
                sys.executable,
                "-m",
                "scheduling",
                "bench-family",
                family,
                str(n_v),
                str(n_s),
                "--seconds",
                str(seconds),
                "--seed",
                str(seed),
                *(["--proven"] if proven else []),
            ]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                raise RuntimeError(f"bench row {family}/{n_v}x{n_s}/{seed} failed")
            row = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(
                f"  {family:<10} {n_v}x{n_s} seed {seed}: {row['filled']}/{row['seats']} "
                f"{_pct(row['quality'])} std {row['std']:.2f} wall {row['wall']:.2f}s"
                + (f" opt {_pct(row['optimum']['quality'])}/"
                   f"{_pct(row['optimum']['weighted_quality'])}" if row.get("optimum") else ""),
                file=sys.stderr,
            )
    return family_table(rows, seconds)
