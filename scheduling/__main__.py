"""Command line: generate, solve, check, bench (see README.md)."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from scheduling.bench import SIZES, bench, run_one
from scheduling.bench_families import family_bench, run_family
from scheduling.check import check
from scheduling.generate import generate
from scheduling.io import dumps_problem, dumps_solution, load_problem, load_solution
from scheduling.model import Progress
from scheduling.partition import solve_partitioned
from scheduling.solve import solve, solve_greedy


def _progress(p: Progress) -> None:
    print(
        f"  {p.elapsed:7.2f}s  {p.phase:<9} objective {p.objective:.0f}  bound {p.bound:.0f}",
        file=sys.stderr,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scheduling")
    sub = ap.add_subparsers(dest="cmd", required=True)

    g = sub.add_parser("generate", help="write a realistic instance as JSON to stdout")
    g.add_argument("--volunteers", type=int, default=200)
    g.add_argument("--shifts", type=int, default=150)
    g.add_argument("--seed", type=int, default=0)

    s = sub.add_parser("solve", help="solve an instance")
    s.add_argument("instance")
    s.add_argument("--seconds", type=float, default=10.0)
    s.add_argument("--workers", type=int, default=2)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--method", choices=["cpsat", "greedy"], default="cpsat")
    s.add_argument("--partition", choices=["none", "component", "neighbourhood"], default="none")
    s.add_argument("--no-bounds", action="store_true")
    s.add_argument("--quiet", action="store_true")
    s.add_argument("--out", help="solution JSON path (default: stdout)")

    c = sub.add_parser("check", help="validate a solution independently; non-zero on violation")
    c.add_argument("instance")
    c.add_argument("solution")

    b = sub.add_parser(
        "bench", help="family table (default) or, with --ladder, the ladder of sizes"
    )
    b.add_argument("--ladder", action="store_true", help="greedy/cpsat/resolve over sizes")
    b.add_argument("--quick", action="store_true", help="family table at small size, one seed")
    b.add_argument("--families", default="", help="comma-separated subset of the families")
    b.add_argument("--seeds", default="", help="comma-separated seeds (default 1,2)")
    b.add_argument("--sizes", default="small,town,district")
    b.add_argument("--seconds", type=float, default=None)
    b.add_argument("--seed", type=int, default=1)
    b.add_argument("--methods", default="greedy,cpsat,resolve")
    b.add_argument("--proven", action="store_true",
                   help="against the proven or best known optimum (offline MIP; slow, untimed)")

    bf = sub.add_parser("bench-family", help=argparse.SUPPRESS)
    bf.add_argument("family")
    bf.add_argument("volunteers", type=int)
    bf.add_argument("shifts", type=int)
    bf.add_argument("--seconds", type=float, default=10.0)
    bf.add_argument("--seed", type=int, default=1)
    bf.add_argument("--proven", action="store_true")

    one = sub.add_parser("bench-one", help=argparse.SUPPRESS)
    one.add_argument("size", choices=sorted(SIZES))
    one.add_argument("method", choices=["greedy", "cpsat", "resolve"])
    one.add_argument("--seconds", type=float, default=10.0)
    one.add_argument("--seed", type=int, default=1)
    one.add_argument("--proven", action="store_true")

    args = ap.parse_args(argv)
    if args.cmd == "generate":
        problem = generate(args.volunteers, args.shifts, seed=args.seed)
        sys.stdout.write(dumps_problem(problem) + "\n")
        return 0
    if args.cmd == "solve":
        problem = load_problem(args.instance)
        bounds = not args.no_bounds
        if args.partition != "none":
            sol = solve_partitioned(
                problem,
                seconds=args.seconds,
                processes=args.workers,
                by=args.partition,
                method=args.method,
                seed=args.seed,
                bounds=bounds,
            )
        elif args.method == "greedy":
            sol = solve_greedy(problem, bounds=bounds)
        else:
            sol = solve(
                problem,
                seconds=args.seconds,
                workers=args.workers,
                seed=args.seed,
                progress=None if args.quiet else _progress,
                bounds=bounds,
            )
        text = dumps_solution(sol)
        if args.out:
            with open(args.out, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            sys.stdout.write(text + "\n")
        m = sol.metrics
        reasons = Counter(u.reason.code for u in sol.unfilled)
        print(
            f"filled {m.filled_seats}/{m.total_seats} seats, bound {m.best_bound}, "
            f"quality {m.quality}, weighted {m.weighted_quality}, status {m.status}, "
            f"unfilled reasons {dict(reasons)}",
            file=sys.stderr,
        )
        return 0
    if args.cmd == "check":
        report = check(load_problem(args.instance), load_solution(args.solution))
        for v in report.violations:
            print(f"VIOLATION: {v}")
        print(json.dumps(report.metrics, ensure_ascii=False))
        return 1 if report.violations else 0
    if args.cmd == "bench" and not args.ladder:
        seconds = args.seconds if args.seconds is not None else (2.0 if args.quick else 10.0)
        seeds = [int(x) for x in args.seeds.split(",") if x] or None
        families = [x for x in args.families.split(",") if x] or None
        print(family_bench(seconds, seeds, args.quick, families, args.proven))
        return 0
    if args.cmd == "bench-family":
        row = run_family(args.family, args.volunteers, args.shifts, args.seconds, args.seed,
                         args.proven)
        print(json.dumps(row))
        return 0
    if args.cmd == "bench":
        sizes = [x for x in args.sizes.split(",") if x]
        for size in sizes:
            if size not in SIZES:
                ap.error(f"unknown size {size!r}; choose from {', '.join(SIZES)}")
        print(bench(sizes, args.seconds, args.seed, args.methods.split(","), args.proven))
        return 0
    if args.cmd == "bench-one":
        row = run_one(args.size, args.method, args.seconds, args.seed, args.proven)
        print(json.dumps(row))
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
