"""The family table (issue 11): every instance family at town-week size, each solve in a
fresh process, against the deadline, the first-feasible target and the balance target (and,
with ``--proven``, the proven or best known optimum, untimed). The ladder of sizes is `bench`.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from scheduling.bench_table import mark, optimum_cell, pct, render, row_in_fresh_process
from scheduling.check import check
from scheduling.eligibility import build_index
from scheduling.families import FAMILIES, generate_family
from scheduling.optimum import OPTIMUM_TARGET, optimum_reference
from scheduling.solve import solve

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
            balance = mark(max(r["std"] for r in rs) <= STD_TARGET)
        lines.append(
            [
                family,
                size,
                str(n),
                f"{sum(r['filled'] for r in rs) // n}/{sum(r['seats'] for r in rs) // n}",
                pct(min(quals)) if quals else "—",
                pct(min(wquals)) if wquals else "—",
                str(max(r["below_min"] for r in rs)),
                f"{std:.2f}",
                f"{max(r['range'] for r in rs):.0f}",
                f"{sum(r['minutes_std'] for r in rs) / n:.0f}",
                pct(sum(conts) / len(conts)) if conts else "—",
                f"{first:.2f}",
                f"{wall:.2f}",
                mark(wall <= seconds + WALL_SLACK),
                mark(first <= FIRST_TARGET),
                balance,
                str(sum(r["violations"] for r in rs)),
            ]
        )
        if proven:
            lines[-1][6:6] = optimum_columns([r["optimum"] for r in rs if r.get("optimum")])
    return render(lines)


def optimum_columns(refs: list[dict[str, Any]]) -> list[str]:
    """%opt seats, %opt wtd (worst over the seeds), the seat optimum (mean; "proven" only when
    every seed's is) and the target mark (both shares; "—" while one is not known)."""
    if not refs:
        return ["—", "—", "—", "—"]
    seats = _worst([r["quality"] for r in refs])
    weighted = _worst([r["weighted_quality"] for r in refs])
    optima = [r["seats"] for r in refs]
    return [
        pct(seats),
        pct(weighted),
        optimum_cell(sum(optima) / len(optima) if seats is not None else None,
                      all(r["seats_proven"] for r in refs)),
        ("—" if seats is None or weighted is None
         else mark(seats >= OPTIMUM_TARGET and weighted >= OPTIMUM_TARGET)),
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
            row = row_in_fresh_process(
                ["bench-family", family, str(n_v), str(n_s), "--seconds", str(seconds),
                 "--seed", str(seed), *(["--proven"] if proven else [])],
                f"{family}/{n_v}x{n_s}/{seed}")
            rows.append(row)
            print(
                f"  {family:<10} {n_v}x{n_s} seed {seed}: {row['filled']}/{row['seats']} "
                f"{pct(row['quality'])} std {row['std']:.2f} wall {row['wall']:.2f}s"
                + (f" opt {pct(row['optimum']['quality'])}/"
                   f"{pct(row['optimum']['weighted_quality'])}" if row.get("optimum") else ""),
                file=sys.stderr,
            )
    return family_table(rows, seconds)
