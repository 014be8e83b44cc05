"""The cells and the plain-text layout of the engine's benchmark tables (`bench`,
`bench_families`), and running one of their rows in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.2f}%"


def num(x: float | None, fmt: str = ".2f") -> str:
    return "—" if x is None else format(x, fmt)


def mark(ok: bool) -> str:
    return "ok" if ok else "MISS"


def optimum_cell(seats: float | None, proven: bool) -> str:
    if seats is None:
        return "not known"
    return f"{seats:.0f} {'proven' if proven else 'best known'}"


def render(lines: list[list[str]]) -> str:
    """The head line, a rule, then the rows, each column as wide as its widest cell."""
    widths = [max(len(str(row[i])) for row in lines) for i in range(len(lines[0]))]
    out = []
    for k, row in enumerate(lines):
        out.append(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
        if k == 0:
            out.append("-+-".join("-" * w for w in widths))
    return "\n".join(out)


def row_in_fresh_process(args: list[str], what: str) -> dict[str, Any]:
    """One row, measured by ``python -m scheduling ARGS`` in its own interpreter, so the peak
    resident memory belongs to that row alone; the row is the JSON of its last output line."""
    done = subprocess.run([sys.executable, "-m", "scheduling", *args],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        raise RuntimeError(f"bench row {what} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])
