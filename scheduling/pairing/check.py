"""An independent validator of a pairing solution: shares no code with the solver."""

from __future__ import annotations

import math
from collections import Counter

from scheduling.pairing.model import REASONS, PairingProblem, PairingSolution


def check_pairing(problem: PairingProblem, solution: PairingSolution) -> list[str]:
    """The rules the solution breaks (empty when it keeps them all)."""
    members = {m.id: m for m in problem.members}
    families = {f.id: f for f in problem.families}
    problems: list[str] = []
    seen = Counter(p.family for p in solution.pairs)
    problems += [f"family {f} paired {n} times" for f, n in seen.items() if n > 1]
    load = Counter(p.member for p in solution.pairs)
    for member_id, n in load.items():
        member = members.get(member_id)
        if member is None:
            problems.append(f"unknown member {member_id}")
        elif n > member.capacity:
            problems.append(f"member {member_id} given {n} families, {member.capacity} places")
    for pair in solution.pairs:
        family, member = families.get(pair.family), members.get(pair.member)
        if family is None or member is None:
            problems.append(f"unknown pair {pair.family} ↔ {pair.member}")
            continue
        if family.location is not None and member.location is not None:
            d = math.dist((family.location.x, family.location.y),
                          (member.location.x, member.location.y))
            if d > problem.max_km + 1e-6:
                problems.append(f"{pair.family} ↔ {pair.member}: {d:.2f} km > "
                                f"{problem.max_km} km")
        if family.needs and not family.needs.intersection(member.skills):
            problems.append(f"{pair.family} ↔ {pair.member}: no needed skill")
    left_out = {u.family for u in solution.unpaired}
    for family_id in families:
        if (family_id in seen) == (family_id in left_out):
            problems.append(f"family {family_id} is " + ("both paired and unpaired"
                                                         if family_id in seen
                                                         else "neither paired nor explained"))
    problems += [f"family {u.family}: unknown reason {u.code}" for u in solution.unpaired
                 if u.code not in REASONS]
    return problems
