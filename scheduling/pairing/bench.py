"""A generator of neighbourhood-shaped pairing instances and the benchmark table."""

from __future__ import annotations

import random
import time

from scheduling.model import Location
from scheduling.pairing.check import check_pairing
from scheduling.pairing.model import Family, Member, PairingProblem
from scheduling.pairing.solve import solve_pairing

SKILLS = ("grocery_delivery", "haircut", "home_medical", "counselling", "legal_advice",
          "appliance_repair", "opera", "tutoring")


def generate(families: int = 1500, members: int = 300, *, seed: int = 1,
             side_km: float = 3.0, max_km: float = 1.0, clustered: bool = False,
             limits: tuple[int, ...] = (1, 2, 2, 3, 3, 4, 5)) -> PairingProblem:
    """Families in buildings over a `side_km` square (clustered: a few estates), members
    spread over it; needs and skills from `SKILLS`; limits 1–5 with some places taken."""
    rng = random.Random(seed)
    centres = [(rng.uniform(0, side_km), rng.uniform(0, side_km)) for _ in range(6)]

    def spot() -> Location:
        if clustered:
            cx, cy = rng.choice(centres)
            return Location(min(side_km, max(0, rng.gauss(cx, 0.3))),
                            min(side_km, max(0, rng.gauss(cy, 0.3))))
        return Location(rng.uniform(0, side_km), rng.uniform(0, side_km))

    out_members = []
    for i in range(members):
        limit = rng.choice(limits)
        held = rng.randint(0, limit)
        out_members.append(Member(
            id=f"m{i}", capacity=limit - held, held=held,
            skills=frozenset(rng.sample(SKILLS, rng.randint(1, 3))),
            location=spot() if rng.random() > 0.03 else None,
            party_member=rng.random() < 0.7))
    out_families = []
    for i in range(families):
        out_families.append(Family(
            id=f"f{i}", needs=frozenset(rng.sample(SKILLS, rng.choice((0, 1, 1, 2)))),
            location=spot() if rng.random() > 0.02 else None,
            priority=rng.choice((1, 1, 1, 2, 2, 3)),
            previous=(f"m{rng.randrange(members)}",) if members and rng.random() < 0.1
            else ()))
    return PairingProblem(members=tuple(out_members), families=tuple(out_families),
                          max_km=max_km, name=f"{families}x{members} seed {seed}")


ROWS = (
    ("uniform 1500×300", dict(families=1500, members=300)),
    ("clustered 1500×300", dict(families=1500, members=300, clustered=True)),
    ("wide 1.5 km 1500×300", dict(families=1500, members=300, max_km=1.5)),
    ("short walk 0.3 km 1500×300", dict(families=1500, members=300, max_km=0.3)),
    ("roomy 8–12 places 0.3 km 1500×300", dict(families=1500, members=300, max_km=0.3,
                                               limits=(8, 10, 12), clustered=True)),
    ("neighbourhood 200×40", dict(families=200, members=40, side_km=1.0)),
)


def bench(seeds: tuple[int, ...] = (1, 2, 3)) -> list[dict[str, object]]:
    """One row per instance family: the worst wall time over the seeds (generation excluded,
    model build included), and the figures of that worst run."""
    rows = []
    for label, kwargs in ROWS:
        worst: dict[str, object] | None = None
        for seed in seeds:
            problem = generate(seed=seed, **kwargs)  # type: ignore[arg-type]
            started = time.perf_counter()
            solution = solve_pairing(problem)
            seconds = time.perf_counter() - started
            violations = check_pairing(problem, solution)
            row = {"instance": label, "seed": seed, "seconds": round(seconds, 2),
                   **{k: solution.metrics[k] for k in ("families", "members", "eligible_pairs",
                                                        "paired", "unpaired", "kept",
                                                        "max_load", "mean_km")},
                   "reasons": solution.metrics["reasons"], "violations": len(violations)}
            if worst is None or seconds > float(worst["seconds"]):  # type: ignore[arg-type]
                worst = row
        assert worst is not None
        rows.append(worst)
    return rows


def table(rows: list[dict[str, object]]) -> str:
    columns = ("instance", "seed", "seconds", "families", "members", "eligible_pairs", "paired",
               "unpaired", "kept", "max_load", "mean_km", "violations", "reasons")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(str(row[c]) for c in columns) + " |")
    return "\n".join(lines)
