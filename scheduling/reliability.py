"""Reliability as a soft preference: a volunteer who often does not turn up is asked less.

A volunteer's record is how many of their past shifts were recorded (`recorded_shifts`) and how
many of those they missed (`no_shows`); the problem's `reliability_weight` is what one
assignment of someone who never turns up costs in the secondary objective (the same units as
"avoids this shift", −20). Everyone else pays in proportion to their rate. It is never a hard
rule and never outweighs a seat or a pairing: it only chooses between schedules of equal fill
and continuity (CP-SAT's phase 2, the greedy's and the local search's tie-breaks).
"""

from __future__ import annotations

#: The town's weight when it set none: a volunteer who misses every shift weighs like one who
#: asked to avoid it.
DEFAULT_WEIGHT = 20
MAX_WEIGHT = 100
#: Fewer recorded shifts than this are read as this many: one missed shift out of two is not a
#: habit yet, and a newcomer is not pushed aside by a single bad day.
MIN_RECORDS = 5
#: From this rate on (over at least MIN_RECORDS shifts) the review says "often does not turn
#: up".
OFTEN = 0.25


def penalty(no_shows: int, recorded: int, weight: int) -> int:
    """What one assignment of this volunteer costs (an integer: CP-SAT's coefficients are)."""
    if weight <= 0 or no_shows <= 0:
        return 0
    return round(weight * min(no_shows, recorded) / max(recorded, MIN_RECORDS))


def often_absent(no_shows: int, recorded: int) -> bool:
    return recorded >= MIN_RECORDS and no_shows >= OFTEN * recorded
