"""Exact reasons for empty seats, computed from the data and the final assignment.

For every shift with empty seats the volunteers are passed through a funnel — skill, team,
availability, travel radius, forbidden pairs, then (for those not already on the shift) weekly
caps and bookings on overlapping shifts — and the first stage that leaves nobody is the reason.
Counts of every stage travel with the reason so the admin can show them.
"""

from __future__ import annotations

import numpy as np

from scheduling.eligibility import Index, available_for, build_index, distance_km, minutes
from scheduling.greedy import State
from scheduling.messages import MESSAGES, render_reason
from scheduling.model import (
    Commitment,
    ContinuityMiss,
    Problem,
    Reason,
    Solution,
    UnfilledSeat,
)

MAX_IDS = 20


def _team_mask(index: Index, team: str) -> np.ndarray:
    cache = index.arrays.setdefault("team_masks", {})
    if team not in cache:
        cache[team] = np.array([team in v.teams for v in index.volunteers], dtype=bool)
    return cache[team]


def _commitments_in_the_way(index: Index, v: int, s: int) -> list[Commitment]:
    """The volunteer's outside commitments that overlap shift ``s`` (with the minimum gap) when
    their plain availability covers it: they are booked at another event then."""
    vol = index.volunteers[v]
    if not vol.commitments:
        return []
    start, end, gap = index.s_start[s], index.s_end[s], index.gap
    raw = [(minutes(i.start), minutes(i.end)) for i in vol.availability]
    if not available_for(raw, start, end):
        return []
    return [
        c for c in vol.commitments if minutes(c.start) < end + gap and start < minutes(c.end) + gap
    ]


def _explain_shift(index: Index, state: State, s: int, forbidden: dict[str, set[str]]) -> Reason:
    problem = index.problem
    shift = index.shifts[s]
    vols = index.volunteers
    arr = index.arrays
    counts = {"volunteers": len(vols)}
    params: dict[str, str] = {"skill": shift.skill or "", "team": shift.team or ""}
    mask = index.skill_mask.get(shift.skill, np.zeros(len(vols), dtype=bool)).copy()
    counts["skilled"] = int(mask.sum())
    if not counts["skilled"]:
        return Reason("no_skill", counts, {}, params)
    if shift.team is not None:
        mask &= _team_mask(index, shift.team)
    counts["in_team"] = int(mask.sum())
    if not counts["in_team"]:
        return Reason("team_excludes", counts, {}, params)
    start, end = index.s_start[s], index.s_end[s]
    free = np.zeros(len(vols), dtype=bool)
    free[arr["iv_v"][(arr["iv_a"] <= start) & (arr["iv_b"] >= end)]] = True
    # Volunteers free but for a commitment outside the problem count as available here and as
    # booked (at the other event) below.
    committed: dict[int, list[Commitment]] = {}
    for v in np.flatnonzero(mask & ~free).tolist():
        if blocking := _commitments_in_the_way(index, v, s):
            committed[v] = blocking
    available = np.flatnonzero(mask & free).tolist() + list(committed)
    counts["available"] = len(available)
    if not available:
        return Reason("not_available", counts, {}, params)
    radius = problem.rules.max_distance_km
    if radius is not None:
        params["max_km"] = f"{radius:g}"

    def near(v: int) -> bool:
        loc = vols[v].location
        if radius is None or loc is None or shift.location is None:
            return True
        return distance_km(loc.x, loc.y, shift.location.x, shift.location.y) <= radius

    nearby = [v for v in available if near(v)]
    counts["nearby"] = len(nearby)
    if not nearby:
        return Reason("too_far", counts, {}, params)
    excluded = forbidden.get(shift.id, set())
    eligible = [v for v in nearby if vols[v].id not in excluded]
    counts["eligible"] = len(eligible)
    if not eligible:
        return Reason("forbidden", counts, {}, params)
    on_shift = {index.pair_v[p] for p in index.pairs_of_shift[s] if p in state.chosen}
    others = sorted(v for v in eligible if v not in on_shift)
    counts["free"] = len(others)
    if not others:
        return Reason("not_enough_eligible", counts, {}, params)
    events: dict[str, None] = {}
    capped: list[str] = []
    booked: list[str] = []
    blocking: dict[str, None] = {}
    unused: list[str] = []
    dur = index.s_minutes[s]
    week = index.s_week[s]
    for v in others:
        vol = vols[v]
        key = (v, week)
        is_capped = (
            state.week_count[key] + 1 > index.shift_cap(*key)
            or state.week_minutes[key] + dur > index.minute_cap(*key)
        )
        conflicts = [t for t in state.vol_shifts[v] if t != s and index.conflict(s, t)]
        if is_capped:
            capped.append(vol.id)
        if conflicts or v in committed:
            booked.append(vol.id)
            for t in conflicts:
                blocking[index.shifts[t].id] = None
                other = index.shifts[t].event
                if other and other != shift.event:
                    events[other] = None
            for c in committed.get(v, ()):
                if c.shift:
                    blocking[c.shift] = None
                if c.label:
                    events[c.label] = None
        if not is_capped and not conflicts and v not in committed:
            unused.append(vol.id)
    counts["at_cap"] = len(capped)
    counts["booked"] = len(booked)
    counts["unused"] = len(unused)
    ids = {
        "at_cap": capped[:MAX_IDS],
        "booked": booked[:MAX_IDS],
        "shifts": sorted(blocking)[:MAX_IDS],
    }
    if events:
        ids["events"] = sorted(events)[:MAX_IDS]
    if unused:
        ids["unused"] = unused[:MAX_IDS]
        return Reason("not_chosen", counts, ids, params)
    if len(capped) == len(others):
        return Reason("weekly_cap", counts, ids, params)
    if len(booked) == len(others):
        return Reason("booked_elsewhere", counts, ids, params)
    return Reason("capped_or_booked", counts, ids, params)


def explain_index(index: Index, state: State) -> list[UnfilledSeat]:
    forbidden: dict[str, set[str]] = {}
    for f in index.problem.forbidden:
        forbidden.setdefault(f.shift, set()).add(f.volunteer)
    out = []
    for s, shift in enumerate(index.shifts):
        filled = state.shift_count[s]
        empty = shift.max_count - filled
        if empty <= 0:
            continue
        below = max(0, min(shift.min_count, shift.max_count) - filled)
        out.append(UnfilledSeat(shift.id, empty, below, _explain_shift(index, state, s, forbidden)))
    return out


def _paired_reason(index: Index, state: State, s: int, vid: str) -> Reason:
    """Why the household's volunteer ``vid`` is not on shift ``s`` (first failing rule)."""
    shift = index.shifts[s]
    params = {"volunteer": vid, "skill": shift.skill or "", "team": shift.team or ""}
    v = index.v_pos.get(vid)
    if v is None:
        return Reason("paired_absent", {}, {}, params)
    vol = index.volunteers[v]
    params["volunteer"] = vol.name or vid
    if shift.skill is not None and shift.skill not in vol.skills:
        return Reason("paired_no_skill", {}, {}, params)
    if shift.team is not None and shift.team not in vol.teams:
        return Reason("paired_team_excludes", {}, {}, params)
    p = index.pair_of.get((v, s))
    if p is None:
        start, end = index.s_start[s], index.s_end[s]
        if not available_for(index.v_intervals[v], start, end):
            return Reason("paired_not_available", {}, {}, params)
        if any(f.volunteer == vid and f.shift == shift.id for f in index.problem.forbidden):
            return Reason("paired_forbidden", {}, {}, params)
        if vol.location is not None and shift.location is not None:
            return Reason("paired_too_far", {}, {}, params)
        return Reason("paired_weekly_cap", {}, {}, params)  # the shift alone exceeds a cap
    conflicts = state.blockers(p)
    if conflicts:
        ids = {"shifts": sorted(index.shifts[t].id for t in conflicts)[:MAX_IDS]}
        return Reason("paired_booked_elsewhere", {}, ids, params)
    if state.capped(p):
        return Reason("paired_weekly_cap", {}, {}, params)
    return Reason("paired_not_chosen", {}, {}, params)


def explain_continuity(index: Index, state: State) -> tuple[list[ContinuityMiss], int]:
    """Household shifts whose earlier/paired volunteers did not all get a seat they could have
    had: (one ContinuityMiss per such volunteer with the reason, number of missed seats). A
    seat counts as missed when an eligible household volunteer exists for it but is not on it."""
    history = index.problem.household_history
    misses: list[ContinuityMiss] = []
    missed = 0
    for s, shift in enumerate(index.shifts):
        known = history.get(shift.household or "", None) if shift.household else None
        if not known:
            continue
        on = {
            index.volunteers[index.pair_v[p]].id
            for p in index.pairs_of_shift[s]
            if p in state.chosen
        }
        got = sum(1 for vid in known if vid in on)
        eligible = sum(1 for p in index.pairs_of_shift[s] if index.pair_cont[p])
        missed += max(0, min(shift.max_count, eligible) - got)
        # The visit's paired volunteer is owed a reason whenever they are not on it, even
        # when someone else the household knows stands in.
        paired = shift.paired if shift.paired in known else None
        if paired is not None and paired not in on:
            misses.append(ContinuityMiss(shift.id, paired,
                                         _paired_reason(index, state, s, paired)))
        if got >= min(shift.max_count, len(known)):
            continue
        for vid in known:
            if vid not in on and vid != paired:
                misses.append(ContinuityMiss(shift.id, vid, _paired_reason(index, state, s, vid)))
    return misses, missed


def explain(problem: Problem, solution: Solution) -> list[UnfilledSeat]:
    """Reasons for every empty seat of ``solution`` (assumed to satisfy the hard constraints)."""
    index = build_index(problem, check_pins=False)
    state = State(index)
    for a in solution.assignments:
        p = index.pair_of.get((index.v_pos[a.volunteer], index.s_pos[a.shift]))
        if p is None:
            raise ValueError(f"assignment {a.volunteer}->{a.shift} is not eligible")
        state.add(p)
    return explain_index(index, state)


__all__ = ["MESSAGES", "explain", "explain_continuity", "explain_index", "render_reason"]
