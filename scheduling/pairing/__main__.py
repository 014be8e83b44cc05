"""`python -m scheduling.pairing bench [--seeds 1,2,3]`: the pairing benchmark table."""

from __future__ import annotations

import argparse

from scheduling.pairing.bench import bench, table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scheduling.pairing")
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bench", help="worst wall time per instance family over the seeds")
    b.add_argument("--seeds", default="1,2,3")
    args = parser.parse_args(argv)
    seeds = tuple(int(s) for s in args.seeds.split(",") if s.strip())
    print(table(bench(seeds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
