"""Dataclasses of the pairing problem (members ↔ families) and its solution.

Ids are the caller's strings. Locations are planar kilometres, as in `scheduling.model`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scheduling.model import Location


@dataclass(frozen=True, slots=True)
class Member:
    """A member who may take families. ``capacity`` is how many *more* families they may take
    now (their limit minus the families they hold); ``held`` is how many they hold, so the
    load spreads over everybody's total, not only over this proposal."""

    id: str
    capacity: int
    held: int = 0
    skills: frozenset[str] = frozenset()
    location: Location | None = None
    party_member: bool = False
    name: str = ""


@dataclass(frozen=True, slots=True)
class Family:
    """A family waiting for a member. ``needs`` are skills (any one of them must be offered
    when there are some); ``priority`` ranks families when members run short (e.g. the number
    of the six categories it is in); ``previous`` are members it had before (an earlier
    proposal, an ended pairing, the members of its past visits), kept when possible."""

    id: str
    needs: frozenset[str] = frozenset()
    location: Location | None = None
    priority: int = 1
    previous: tuple[str, ...] = ()
    name: str = ""


@dataclass(frozen=True, slots=True)
class PairingProblem:
    members: tuple[Member, ...]
    families: tuple[Family, ...]
    #: Walking distance limit in km (straight line on the grid). A member or family without a
    #: location is not excluded by distance (and counts as being at the limit).
    max_km: float = 1.0
    name: str = ""


@dataclass(frozen=True, slots=True)
class Pair:
    family: str
    member: str
    distance_km: float | None
    #: The family's needs this member covers.
    skills: tuple[str, ...] = ()
    #: The member is one the family had before.
    kept: bool = False


#: Why a family is left without a member (stable codes; the app words them).
NO_MEMBERS = "no_members"          # nobody may take families at all
TOO_FAR = "too_far"                # nobody within walking distance
NO_SKILL = "no_skill"              # members within distance, none offers what it needs
AT_CAPACITY = "at_capacity"        # the suitable members all hold their maximum
NOT_CHOSEN = "not_chosen"          # a suitable member was free (cannot happen when optimal)
REASONS = (NO_MEMBERS, TOO_FAR, NO_SKILL, AT_CAPACITY, NOT_CHOSEN)


@dataclass(frozen=True, slots=True)
class Unpaired:
    family: str
    code: str
    #: Figures for the wording: ``members``, ``max_km``, ``nearest_km``, ``within``,
    #: ``needs``, ``suitable`` (see `scheduling.pairing.explain`).
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class PairingSolution:
    pairs: list[Pair]
    unpaired: list[Unpaired]
    metrics: dict[str, Any] = field(default_factory=dict)
