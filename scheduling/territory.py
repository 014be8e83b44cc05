"""Which group patrols which site: continuity first, then distance, with loads kept even.

A patrol group inspects its sites together, so a site is given to one group before the
engine staffs its inspections from that group's members. The rules, in order:

1. **Continuity**: a site keeps its usual group while that group can staff an inspection
   (at least ``seats`` members). The product promises it; distance never moves a site away.
2. **Distance**: every other site goes to the able group whose members live nearest to it
   (the mean of the members' home distances, so one member living next door does not make a
   group "near"), the closest (site, group) pairs first.
3. **Even loads**: no group takes more than ``ceil(sites / able groups)`` sites by distance;
   a site whose nearest group is full goes to the next nearest, and the reason says so.

Pure: dataclasses in, dataclasses out (no database, no Flask). Every site's answer carries a
`Reason` whose code the app translates (``messages.MESSAGES``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scheduling.eligibility import distance_km
from scheduling.model import Location, Reason


@dataclass(frozen=True, slots=True)
class PatrolGroup:
    id: str
    #: Members who can inspect (certified, active).
    members: int
    #: Their homes, where known.
    homes: tuple[Location, ...] = ()
    name: str = ""


@dataclass(frozen=True, slots=True)
class PatrolSite:
    id: str
    location: Location | None = None
    #: The group that patrolled it before (continuity).
    usual: str | None = None
    name: str = ""


@dataclass(frozen=True, slots=True)
class Territory:
    site: str
    #: None when no group can patrol it.
    group: str | None
    #: Mean distance (km) from the group's members' homes to the site, when both are known.
    km: float | None
    reason: Reason


def mean_km(group: PatrolGroup, site: PatrolSite) -> float | None:
    if site.location is None or not group.homes:
        return None
    loc = site.location
    return sum(distance_km(h.x, h.y, loc.x, loc.y) for h in group.homes) / len(group.homes)


def assign_territories(groups: list[PatrolGroup], sites: list[PatrolSite], *,
                       seats: int = 2) -> list[Territory]:
    """One `Territory` per site, in the order of `sites`."""
    able = [g for g in groups if g.members >= seats]
    by_id = {g.id: g for g in groups}
    names = {g.id: g.name or g.id for g in groups}
    out: dict[str, Territory] = {}
    load = {g.id: 0 for g in able}
    for site in sites:
        usual = by_id.get(site.usual) if site.usual else None
        if usual is not None and usual.members >= seats:
            load[usual.id] += 1
            out[site.id] = Territory(site.id, usual.id, _round(mean_km(usual, site)),
                                     Reason("kept_usual", params={"group": names[usual.id]}))
    if not able:
        for site in sites:
            out.setdefault(site.id, Territory(site.id, None, None, Reason(
                "no_group_able", counts={"groups": len(groups), "seats": seats})))
        return [out[s.id] for s in sites]
    cap = max(math.ceil(len(sites) / len(able)), 1)
    rest = [s for s in sites if s.id not in out]
    pairs = sorted(
        ((km if km is not None else math.inf, si, gi)
         for si, site in enumerate(rest) for gi, group in enumerate(able)
         for km in (mean_km(group, site),)),
        key=lambda p: p)
    nearest = {s.id: min(able, key=lambda g: (mean_km(g, s) is None, mean_km(g, s) or 0.0)).id
               for s in rest}
    for km, si, gi in pairs:
        site, group = rest[si], able[gi]
        if site.id in out or load[group.id] >= cap:
            continue
        load[group.id] += 1
        out[site.id] = Territory(site.id, group.id, None if km == math.inf else round(km, 2),
                                 _why(site, group, nearest[site.id], km, by_id, names, seats))
    for site in rest:  # every group full: the least loaded takes it
        if site.id not in out:
            group = min(able, key=lambda g: (load[g.id], g.id))
            load[group.id] += 1
            out[site.id] = Territory(site.id, group.id, _round(mean_km(group, site)),
                                     _why(site, group, nearest[site.id], math.inf, by_id,
                                          names, seats))
    return [out[s.id] for s in sites]


def _round(km: float | None) -> float | None:
    return None if km is None else round(km, 2)


def _why(site: PatrolSite, group: PatrolGroup, nearest: str, km: float,
         by_id: dict[str, PatrolGroup], names: dict[str, str], seats: int) -> Reason:
    params = {"group": names[group.id]}
    counts: dict[str, int] = {"seats": seats}
    if site.usual and site.usual in by_id:
        # Continuity was impossible: say so before anything about distance.
        params["usual"] = names[site.usual]
        counts["members"] = by_id[site.usual].members
        return Reason("usual_too_small", counts=counts, params=params)
    if km == math.inf:
        return Reason("nearest_unknown", params=params)
    params["km"] = f"{km:.1f}"
    if group.id != nearest:
        params["nearest"] = names[nearest]
        return Reason("nearest_full", params=params)
    return Reason("nearest_group", params=params)


__all__ = ["PatrolGroup", "PatrolSite", "Territory", "assign_territories", "mean_km"]
