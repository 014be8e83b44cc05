"""Pairing members with families (step 3 of the article) as an assignment problem.

```python
from scheduling.pairing import (PairingProblem, Member, Family, solve_pairing, explain,
                                check_pairing)
solve_pairing(problem) -> PairingSolution(pairs, unpaired, metrics)   # exact min-cost flow
explain(problem) -> list[Unpaired]      # why each family has no member now
check_pairing(problem, solution) -> list[str]   # independent validator
```

`python -m scheduling.pairing bench` prints the benchmark table (1,500 families × 300
members by default). Pure: no Flask, SQLAlchemy or app import.
"""

from scheduling.pairing.check import check_pairing
from scheduling.pairing.model import (
    AT_CAPACITY,
    NO_MEMBERS,
    NO_SKILL,
    NOT_CHOSEN,
    REASONS,
    TOO_FAR,
    Family,
    Member,
    Pair,
    PairingProblem,
    PairingSolution,
    Unpaired,
)
from scheduling.pairing.solve import PairingEngineError, explain, solve_pairing

__all__ = [
    "AT_CAPACITY",
    "NOT_CHOSEN",
    "NO_MEMBERS",
    "NO_SKILL",
    "REASONS",
    "TOO_FAR",
    "Family",
    "Member",
    "Pair",
    "PairingEngineError",
    "PairingProblem",
    "PairingSolution",
    "Unpaired",
    "check_pairing",
    "explain",
    "solve_pairing",
]
