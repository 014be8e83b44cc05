"""Compile a Problem into integer arrays: eligible pairs, overlap cliques, week buckets, scores.

Times become integer minutes since the Unix epoch; a shift belongs to the ISO week (in the
problem's time zone) in which it starts. Only eligible (volunteer, shift) pairs are ever modelled,
and overlapping shifts of one volunteer are grouped into maximal cliques of the interval graph
(intervals extended by the minimum gap), so one at-most-one per clique replaces pairwise clauses.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from scheduling import reliability
from scheduling.model import Problem, Shift, Volunteer

# Seat values (the primary, fill objective): a seat of priority p is worth p * SEAT_WEIGHT, plus
# p * MIN_SEAT_BONUS while the shift is still below its min_count.
SEAT_WEIGHT = 10
MIN_SEAT_BONUS = 10
# Continuity (the household's earlier or paired volunteer) is its own objective level, between
# fill and the secondary terms (see cpsat.py); CONTINUITY_BONUS only weighs it in the
# single-phase objective of ``resolve``.
CONTINUITY_BONUS = 30
# Secondary objective, per assignment.
PREFERRED_BONUS = 10
AVOIDED_PENALTY = 20
DISTANCE_PENALTY_PER_KM = 2
DISTANCE_PENALTY_CAP_KM = 20
KEEP_BONUS = 50
KEEP_BONUS_RESOLVE = 400
# Convex load penalty over the whole horizon, at every load level: the k-th shift of a volunteer
# costs FAIRNESS_STEP * (k-1), so a load of n costs FAIRNESS_STEP * n(n-1)/2. With the number of
# filled seats fixed (phase 2), minimising it is minimising the sum of squared loads, i.e. the
# variance of the shift counts; moving one shift from a load-a to a load-b person (a > b + 1)
# always saves FAIRNESS_STEP * (a - 1 - b) > 0.
FAIRNESS_STEP = 15


class InfeasiblePinError(ValueError):
    """A pin cannot be honoured without breaking a hard constraint."""


def minutes(dt: datetime) -> int:
    return int(dt.timestamp()) // 60


def distance_km(a_x: float, a_y: float, b_x: float, b_y: float) -> float:
    return math.hypot(a_x - b_x, a_y - b_y)


def week_key(dt: datetime, tz: ZoneInfo) -> tuple[int, int]:
    iso = dt.astimezone(tz).isocalendar()
    return (iso[0], iso[1])


def free_intervals(vol: Volunteer, gap: int) -> list[tuple[int, int]]:
    """The volunteer's availability in minutes, minus their commitments outside the problem
    (each widened by the minimum gap on both sides), sorted."""
    out = sorted((minutes(i.start), minutes(i.end)) for i in vol.availability)
    for c in vol.commitments:
        a, b = minutes(c.start) - gap, minutes(c.end) + gap
        cut: list[tuple[int, int]] = []
        for s, e in out:
            if e <= a or b <= s:
                cut.append((s, e))
                continue
            if s < a:
                cut.append((s, a))
            if b < e:
                cut.append((b, e))
        out = cut
    return out


def available_for(vol_intervals: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in vol_intervals)


@dataclass
class Index:
    problem: Problem
    volunteers: list[Volunteer]
    shifts: list[Shift]
    v_pos: dict[str, int]
    s_pos: dict[str, int]
    s_start: list[int]
    s_end: list[int]
    s_minutes: list[int]
    s_week: list[int]
    weeks: list[tuple[int, int]]
    v_intervals: list[list[tuple[int, int]]]
    gap: int
    pair_v: list[int] = field(default_factory=list)
    pair_s: list[int] = field(default_factory=list)
    pair_score: list[int] = field(default_factory=list)
    pair_prev: list[bool] = field(default_factory=list)
    pair_cont: list[bool] = field(default_factory=list)
    pair_km: list[float | None] = field(default_factory=list)
    # Numpy views of the volunteers (see _volunteer_arrays) and per-skill masks, for explain.
    arrays: dict = field(default_factory=dict)
    skill_mask: dict = field(default_factory=dict)
    pairs_of_shift: list[list[int]] = field(default_factory=list)
    pairs_of_vol: list[list[int]] = field(default_factory=list)
    pair_of: dict[tuple[int, int], int] = field(default_factory=dict)
    cliques: list[list[int]] = field(default_factory=list)
    # (volunteer, week, pairs, minutes cap needed, count cap needed)
    week_groups: list[tuple[int, int, list[int], bool, bool]] = field(default_factory=list)
    pinned: list[int] = field(default_factory=list)
    #: (volunteer, week) -> (minutes, shifts) of the pins: a coordinator's pin is kept even
    #: where it takes a volunteer past a weekly cap, so the caps never drop one.
    pinned_week: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    @property
    def n_pairs(self) -> int:
        return len(self.pair_v)

    def shift_cap(self, v: int, week: int) -> int:
        """Volunteer ``v``'s shift cap in ``week``: their own, or what their pins hold."""
        pinned = self.pinned_week.get((v, week), (0, 0))[1]
        return max(self.volunteers[v].max_shifts_per_week, pinned)

    def minute_cap(self, v: int, week: int) -> int:
        """Volunteer ``v``'s minute cap in ``week``: their own, or what their pins hold."""
        pinned = self.pinned_week.get((v, week), (0, 0))[0]
        return max(self.volunteers[v].max_minutes_per_week, pinned)

    def conflict(self, s1: int, s2: int) -> bool:
        """Two shifts cannot be worked by one volunteer (overlap or closer than the gap)."""
        return (
            self.s_start[s1] < self.s_end[s2] + self.gap
            and self.s_start[s2] < self.s_end[s1] + self.gap
        )


def _volunteer_arrays(problem: Problem, v_intervals: list[list[tuple[int, int]]]) -> dict:
    """Numpy views of the volunteers used to find each shift's candidates quickly: one row per
    availability interval (owner, start, end), and per-volunteer caps and coordinates."""
    vols = problem.volunteers
    owners = [vi for vi, ivs in enumerate(v_intervals) for _ in ivs]
    return {
        "iv_v": np.array(owners, dtype=np.int64),
        "iv_a": np.array([a for ivs in v_intervals for a, _ in ivs], dtype=np.int64),
        "iv_b": np.array([b for ivs in v_intervals for _, b in ivs], dtype=np.int64),
        "max_minutes": np.array([v.max_minutes_per_week for v in vols], dtype=np.int64),
        "max_shifts": np.array([v.max_shifts_per_week for v in vols], dtype=np.int64),
        "has_loc": np.array([v.location is not None for v in vols], dtype=bool),
        "x": np.array([v.location.x if v.location else 0.0 for v in vols], dtype=float),
        "y": np.array([v.location.y if v.location else 0.0 for v in vols], dtype=float),
    }


def build_index(
    problem: Problem, *, keep_bonus: int = KEEP_BONUS, check_pins: bool = True
) -> Index:
    tz = ZoneInfo(problem.timezone)
    vols = problem.volunteers
    shifts = problem.shifts
    v_pos = {v.id: i for i, v in enumerate(vols)}
    s_pos = {s.id: i for i, s in enumerate(shifts)}
    if len(v_pos) != len(vols) or len(s_pos) != len(shifts):
        raise ValueError("duplicate volunteer or shift id")
    s_start = [minutes(s.start) for s in shifts]
    s_end = [minutes(s.end) for s in shifts]
    week_ids: dict[tuple[int, int], int] = {}
    s_week = []
    for s in shifts:
        key = week_key(s.start, tz)
        s_week.append(week_ids.setdefault(key, len(week_ids)))
    index = Index(
        problem=problem,
        volunteers=vols,
        shifts=shifts,
        v_pos=v_pos,
        s_pos=s_pos,
        s_start=s_start,
        s_end=s_end,
        s_minutes=[e - s for s, e in zip(s_start, s_end, strict=True)],
        s_week=s_week,
        weeks=sorted(week_ids, key=week_ids.__getitem__),
        v_intervals=[free_intervals(v, problem.rules.min_gap_minutes) for v in vols],
        gap=problem.rules.min_gap_minutes,
    )

    # Sparse per-shift lookups: volunteer positions by shift id.
    def by_shift(pairs: list[tuple[str, str]]) -> dict[str, set[int]]:
        out: dict[str, set[int]] = defaultdict(set)
        for vid, sid in pairs:
            if vid in v_pos:
                out[sid].add(v_pos[vid])
        return out

    forbidden = by_shift([(f.volunteer, f.shift) for f in problem.forbidden])
    previous = by_shift([(a.volunteer, a.shift) for a in problem.previous])
    preferred = by_shift([(v.id, sid) for v in vols for sid in v.preferred_shifts])
    avoided = by_shift([(v.id, sid) for v in vols for sid in v.avoided_shifts])
    history = {
        h: {v_pos[x] for x in vs if x in v_pos} for h, vs in problem.household_history.items()
    }
    radius = problem.rules.max_distance_km
    unreliable = None
    if problem.reliability_weight > 0:
        unreliable = np.array([reliability.penalty(v.no_shows, v.recorded_shifts,
                                                   problem.reliability_weight) for v in vols],
                              dtype=np.int64)
    arr = _volunteer_arrays(problem, index.v_intervals)
    skill_mask: dict[str | None, np.ndarray] = {None: np.ones(len(vols), dtype=bool)}
    for vi, vol in enumerate(vols):
        for sk in vol.skills:
            skill_mask.setdefault(sk, np.zeros(len(vols), dtype=bool))[vi] = True
    team_mask: dict[str, np.ndarray] = {}
    for vi, vol in enumerate(vols):
        for tm in vol.teams:
            team_mask.setdefault(tm, np.zeros(len(vols), dtype=bool))[vi] = True
    no_one = np.zeros(len(vols), dtype=bool)
    index.arrays, index.skill_mask = arr, skill_mask
    index.arrays["team_masks"] = team_mask
    index.pairs_of_shift = [[] for _ in shifts]
    index.pairs_of_vol = [[] for _ in vols]
    pin_positions = [(v_pos[pin.volunteer], s_pos[pin.shift]) for pin in problem.pins
                     if pin.volunteer in v_pos and pin.shift in s_pos]
    pinned_on: dict[int, list[int]] = defaultdict(list)
    for vi, si in set(pin_positions):
        pinned_on[si].append(vi)
        key = (vi, s_week[si])
        mins, count = index.pinned_week.get(key, (0, 0))
        index.pinned_week[key] = (mins + index.s_minutes[si], count + 1)

    for si, shift in enumerate(shifts):
        if shift.max_count <= 0:
            continue
        start, end, dur = s_start[si], s_end[si], s_end[si] - s_start[si]
        # Volunteers with one availability interval covering the shift, the skill, the team,
        # room in their weekly caps for it and within the radius, in increasing order.
        ok = np.zeros(len(vols), dtype=bool)
        ok[arr["iv_v"][(arr["iv_a"] <= start) & (arr["iv_b"] >= end)]] = True
        ok &= skill_mask.get(shift.skill, no_one)
        if shift.team is not None:
            ok &= team_mask.get(shift.team, no_one)
        room = (arr["max_minutes"] >= dur) & (arr["max_shifts"] > 0)
        room[pinned_on.get(si, [])] = True
        ok &= room
        cand = np.flatnonzero(ok)
        if shift.id in forbidden:
            cand = cand[~np.isin(cand, list(forbidden[shift.id]))]
        km = None
        if shift.location is not None:
            has = arr["has_loc"][cand]
            # math.hypot (not np.hypot, which can differ in the last bit) so the radius test
            # agrees exactly with check() and explain.
            sx, sy, xs, ys = shift.location.x, shift.location.y, arr["x"], arr["y"]
            if radius is not None:
                rough = np.hypot(xs[cand] - sx, ys[cand] - sy) <= radius + 1e-9
                cand, has = cand[~has | rough], has[~has | rough]
            dist = np.array(
                [math.hypot(xs[v] - sx, ys[v] - sy) for v in cand.tolist()], dtype=float
            )
            if radius is not None:
                near = ~has | (dist <= radius)
                cand, has, dist = cand[near], has[near], dist[near]
            km = np.where(has, dist, np.nan)
        n = len(cand)
        if not n:
            continue
        score = np.zeros(n, dtype=np.int64)
        if km is not None:
            penalty = np.round(DISTANCE_PENALTY_PER_KM * np.minimum(km, DISTANCE_PENALTY_CAP_KM))
            score -= np.nan_to_num(penalty, nan=0.0).astype(np.int64)
        if unreliable is not None:
            score -= unreliable[cand]
        for table, delta in ((preferred, PREFERRED_BONUS), (avoided, -AVOIDED_PENALTY)):
            if shift.id in table:
                score += delta * np.isin(cand, list(table[shift.id]))
        prev = np.zeros(n, dtype=bool)
        if shift.id in previous:
            prev = np.isin(cand, list(previous[shift.id]))
            score += keep_bonus * prev
        cont = np.zeros(n, dtype=bool)
        if shift.household is not None and history.get(shift.household):
            cont = np.isin(cand, list(history[shift.household]))
        p0 = len(index.pair_v)
        index.pair_v.extend(cand.tolist())
        index.pair_s.extend([si] * n)
        index.pair_score.extend(score.tolist())
        index.pair_prev.extend(prev.tolist())
        index.pair_cont.extend(cont.tolist())
        if km is None:
            index.pair_km.extend([None] * n)
        else:
            index.pair_km.extend(None if math.isnan(x) else x for x in km.tolist())
        index.pairs_of_shift[si] = list(range(p0, p0 + n))
    for p, vi in enumerate(index.pair_v):
        index.pairs_of_vol[vi].append(p)
    index.pair_of = dict(
        zip(zip(index.pair_v, index.pair_s, strict=True), range(index.n_pairs), strict=True)
    )

    for vi in range(len(vols)):
        _volunteer_structure(index, vi)

    for pin in problem.pins:
        p = index.pair_of.get((v_pos.get(pin.volunteer, -1), s_pos.get(pin.shift, -1)))
        if p is None:
            if check_pins:
                raise InfeasiblePinError(f"pin {pin.volunteer}->{pin.shift} is not eligible")
            continue
        index.pinned.append(p)
    if check_pins:
        _check_pins_overlap(index)
    return index


def _check_pins_overlap(index: Index) -> None:
    """Two pins of one volunteer on shifts that overlap (or are closer than the minimum gap)
    cannot both be kept, and a run must not quietly drop either."""
    by_volunteer: dict[int, list[int]] = defaultdict(list)
    for p in index.pinned:
        by_volunteer[index.pair_v[p]].append(index.pair_s[p])
    for v, held in by_volunteer.items():
        for i, s in enumerate(held):
            for t in held[i + 1:]:
                if index.conflict(s, t):
                    raise InfeasiblePinError(
                        f"pins {index.volunteers[v].id}->{index.shifts[s].id} and "
                        f"{index.volunteers[v].id}->{index.shifts[t].id} overlap")


def _volunteer_structure(index: Index, vi: int) -> None:
    pairs = index.pairs_of_vol[vi]
    if not pairs:
        return
    gap = index.gap
    # Sweep over endpoints of [start, end + gap); ends sort before starts at equal time because
    # the intervals are half-open. A clique is emitted whenever an end follows a start.
    events: list[tuple[int, int, int]] = []
    for p in pairs:
        s = index.pair_s[p]
        events.append((index.s_start[s], 1, p))
        events.append((index.s_end[s] + gap, 0, p))
    events.sort()
    active: dict[int, None] = {}
    grew = False
    for _t, kind, p in events:
        if kind == 1:
            active[p] = None
            grew = True
        else:
            if grew and len(active) >= 2:
                index.cliques.append(list(active))
            grew = False
            del active[p]
    by_week: dict[int, list[int]] = defaultdict(list)
    for p in pairs:
        by_week[index.s_week[index.pair_s[p]]].append(p)
    for week, plist in sorted(by_week.items()):
        total = sum(index.s_minutes[index.pair_s[p]] for p in plist)
        need_minutes = total > index.minute_cap(vi, week)
        need_count = len(plist) > index.shift_cap(vi, week)
        if need_minutes or need_count:
            index.week_groups.append((vi, week, plist, need_minutes, need_count))


def continuity_cap(index: Index) -> int:
    """The most continuity assignments any schedule can have: per shift, its seats or its
    continuity candidates, whichever is fewer."""
    total = 0
    for s, shift in enumerate(index.shifts):
        n = sum(1 for p in index.pairs_of_shift[s] if index.pair_cont[p])
        total += min(n, shift.max_count)
    return total


def continuity_value(index: Index, chosen: set[int] | list[int]) -> int:
    return sum(1 for p in chosen if index.pair_cont[p])


def load_penalty(load: int) -> int:
    """The convex load penalty of a volunteer with ``load`` shifts in the horizon."""
    return FAIRNESS_STEP * load * (load - 1) // 2


def max_load(index: Index, v: int) -> int:
    """An upper bound on volunteer ``v``'s number of shifts: their pairs, capped per week."""
    per_week: dict[int, int] = defaultdict(int)
    for p in index.pairs_of_vol[v]:
        per_week[index.s_week[index.pair_s[p]]] += 1
    return sum(min(n, index.shift_cap(v, week)) for week, n in per_week.items())
