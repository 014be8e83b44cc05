from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import scheduling
from scheduling import (
    Change,
    check,
    dumps_problem,
    dumps_solution,
    generate,
    loads_problem,
    loads_solution,
    resolve,
    solve,
    solve_greedy,
    solve_partitioned,
    split,
)

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


def test_import_boundary() -> None:
    modules = [m.name for m in pkgutil.iter_modules(scheduling.__path__, "scheduling.")]
    code = f"""
import importlib, importlib.abc, sys
BLOCKED = ("flask", "sqlalchemy", "app", "admin", "flask_sqlalchemy", "flask_admin")
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError("blocked: " + name)
        return None
sys.meta_path.insert(0, Block())
import scheduling
for name in {modules!r}:
    importlib.import_module(name)
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    assert "scheduling.check" in modules and "scheduling.cpsat" in modules


def test_checker_is_independent_of_the_solver() -> None:
    source = (ROOT / "scheduling" / "check.py").read_text(encoding="utf-8")
    for forbidden in ("eligibility", "greedy", "cpsat", "bounds", "explain", "solve"):
        assert f"scheduling.{forbidden}" not in source


def test_json_round_trip() -> None:
    problem = generate(40, 30, seed=5)
    again = loads_problem(dumps_problem(problem))
    assert again == problem
    sol = solve(problem, seconds=1.0, workers=1)
    back = loads_solution(dumps_solution(sol))
    assert back.assignments == sol.assignments
    assert back.metrics == sol.metrics
    assert [(u.shift, u.empty, u.reason.code, u.reason.counts) for u in back.unfilled] == [
        (u.shift, u.empty, u.reason.code, u.reason.counts) for u in sol.unfilled
    ]
    data = json.loads(dumps_problem(problem))
    assert data["shifts"][0]["start"].endswith("+08:00")


def test_determinism_with_fixed_seed_and_one_worker() -> None:
    problem = generate(30, 20, seed=2)
    a = solve(problem, seconds=5.0, workers=1, seed=7, bounds=False)
    b = solve(problem, seconds=5.0, workers=1, seed=7, bounds=False)
    assert a.assignments == b.assignments


def test_progress_callback_reports() -> None:
    seen = []
    solve(generate(60, 45, seed=3), seconds=1.0, workers=1, progress=seen.append, bounds=False)
    assert seen and seen[0].phase == "greedy"
    assert all(p.elapsed >= 0 for p in seen)


def test_progress_is_told_in_seats() -> None:
    """Every report of a schedule says how many seats it fills: the greedy's report is the
    greedy's own schedule, CP-SAT's are within the seats there are."""
    problem = generate(60, 45, seed=3)
    seen = []
    solve(problem, seconds=2.0, workers=1, progress=seen.append, bounds=False)
    total = sum(s.max_count for s in problem.shifts)
    assert seen[0].seats == len(solve_greedy(problem, bounds=False).assignments)
    with_seats = [p for p in seen if p.seats is not None]
    assert {p.phase for p in with_seats} - {"greedy"}  # the solver's reports count seats too
    assert all(0 < p.seats <= total for p in with_seats)


def test_cli_generate_solve_check(tmp_path: Path) -> None:
    inst, sol = tmp_path / "instance.json", tmp_path / "solution.json"
    run = [sys.executable, "-m", "scheduling"]
    gen = subprocess.run(
        [*run, "generate", "--volunteers", "60", "--shifts", "45", "--seed", "4"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    inst.write_text(gen.stdout, encoding="utf-8")
    subprocess.run(
        [*run, "solve", str(inst), "--seconds", "1", "--workers", "1", "--out", str(sol)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    done = subprocess.run(
        [*run, "check", str(inst), str(sol)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout
    # A corrupted solution makes check fail.
    data = json.loads(sol.read_text(encoding="utf-8"))
    data["assignments"].append(dict(data["assignments"][0]))
    sol.write_text(json.dumps(data), encoding="utf-8")
    done = subprocess.run(
        [*run, "check", str(inst), str(sol)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 1
    assert "duplicate" in done.stdout


def test_resolve_after_withdrawal_moves_few() -> None:
    problem = generate(200, 150, seed=1)
    published = solve(problem, seconds=2.0, workers=2, bounds=False)
    busiest = max(
        {a.volunteer for a in published.assignments},
        key=lambda v: (sum(a.volunteer == v for a in published.assignments), v),
    )
    result = resolve(problem, published, Change(withdraw=[busiest]), seconds=2.0, workers=2)
    assert result.moved_other <= 5
    assert busiest not in {a.volunteer for a in result.solution.assignments}
    new_problem = scheduling.apply_change(problem, published, Change(withdraw=[busiest]))
    assert check(new_problem, result.solution).ok


def test_partitioned_solve_is_valid() -> None:
    problem = generate(1000, 200, seed=3, neighbourhood_size=250)  # two towns
    parts = split(problem)
    assert len(parts) >= 2
    assert sum(len(p.shifts) for p in parts) == len(problem.shifts)
    sol = solve_partitioned(problem, seconds=3.0, processes=2)
    assert check(problem, sol).ok
    by_nb = solve_partitioned(problem, seconds=2.0, processes=1, by="neighbourhood")
    assert check(problem, by_nb).ok


def test_parts_solved_elsewhere_merge_into_a_valid_whole() -> None:
    """What a district run does across consumers: each part solved on its own (here from its
    JSON, as a consumer reads it), then merged against the parts combined."""
    problem = generate(400, 120, seed=5, neighbourhood_size=100)
    parts = [loads_problem(dumps_problem(p)) for p in split(problem, by="neighbourhood")]
    assert len(parts) >= 2
    whole = scheduling.combine(parts)
    assert {s.id for s in whole.shifts} == {s.id for s in problem.shifts}
    solutions = [loads_solution(dumps_solution(solve_greedy(p))) for p in parts]
    merged = scheduling.merge(whole, solutions, 1.0, 0.0)
    assert check(problem, merged).ok
    assert merged.metrics.filled_seats == sum(s.metrics.filled_seats for s in solutions)
    # Joined without indexing the whole problem again: the same figures that add up.
    joined = scheduling.join(parts, solutions, 1.0)
    assert joined.assignments == merged.assignments
    for name in ("filled_seats", "total_seats", "min_seats", "filled_min_seats",
                 "weighted_fill", "best_bound", "quality", "continuity_rate"):
        assert getattr(joined.metrics, name) == getattr(merged.metrics, name), name
