"""Exact reasons for empty seats, computed from the data and the final assignment.

For every shift with empty seats the volunteers are passed through a funnel — skill, team,
availability, travel radius, forbidden pairs, then (for those not already on the shift) weekly
caps and bookings on overlapping shifts — and the first stage that leaves nobody is the reason.
Counts of every stage travel with the reason so the admin can show them.
"""

from __future__ import annotations

from scheduling.eligibility import Index, available_for, build_index, distance_km
from scheduling.greedy import State
from scheduling.model import Problem, Reason, Solution, UnfilledSeat

MAX_IDS = 20

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "no_skill": "Nobody has the required skill “{skill}” ({volunteers} volunteers checked).",
        "team_excludes": (
            "The shift is restricted to team “{team}”, and none of the {skilled} volunteers "
            "with the skill belongs to it."
        ),
        "not_available": (
            "{in_team} volunteers have the skill, but none is available for the whole shift."
        ),
        "too_far": (
            "{available} volunteers are available, but all live farther than {max_km} km away."
        ),
        "forbidden": "All {available} available volunteers are excluded from this shift.",
        "not_enough_eligible": (
            "Only {eligible} volunteers qualify, and all of them are already assigned here."
        ),
        "weekly_cap": (
            "All {free} other qualified volunteers have reached their weekly cap "
            "of minutes or shifts."
        ),
        "booked_elsewhere": (
            "All {free} other qualified volunteers are booked on overlapping shifts "
            "(including travel/rest gap): {shifts}."
        ),
        "capped_or_booked": (
            "Of the {free} other qualified volunteers, {at_cap} have reached their weekly cap "
            "and {booked} are booked on overlapping shifts: {shifts}."
        ),
        "not_chosen": (
            "{unused} qualified volunteers are still free but were not assigned "
            "(solver stopped early)."
        ),
    },
    "zh_CN": {
        "no_skill": "没有志愿者具备所需技能“{skill}”（共核查 {volunteers} 名志愿者）。",
        "team_excludes": "该班次仅限“{team}”团队，具备该技能的 {skilled} 名志愿者均不属于该团队。",
        "not_available": "{in_team} 名志愿者具备该技能，但无人在整个班次时段内有空。",
        "too_far": "{available} 名志愿者有空，但都住在 {max_km} 公里以外。",
        "forbidden": "有空的 {available} 名志愿者均被排除在该班次之外。",
        "not_enough_eligible": "仅有 {eligible} 名志愿者符合条件，且都已安排在此班次。",
        "weekly_cap": "其余 {free} 名符合条件的志愿者均已达到每周时长或班次上限。",
        "booked_elsewhere": (
            "其余 {free} 名符合条件的志愿者均已安排在时间冲突（含路程/休息间隔）的班次：{shifts}。"
        ),
        "capped_or_booked": (
            "其余 {free} 名符合条件的志愿者中，{at_cap} 名已达每周上限，"
            "{booked} 名已安排在时间冲突的班次：{shifts}。"
        ),
        "not_chosen": "仍有 {unused} 名符合条件的志愿者空闲但未被安排（求解提前结束）。",
    },
}


def render_reason(reason: Reason, locale: str = "en") -> str:
    lang = "zh_CN" if locale.replace("-", "_").lower().startswith("zh") else "en"
    template = MESSAGES[lang].get(reason.code, reason.code)
    sep = "、" if lang == "zh_CN" else ", "
    values: dict[str, object] = {**reason.counts, **reason.params}
    values["shifts"] = sep.join(reason.ids.get("shifts", [])) or "—"
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return reason.code


def _explain_shift(index: Index, state: State, s: int) -> Reason:
    problem = index.problem
    shift = index.shifts[s]
    vols = index.volunteers
    counts = {"volunteers": len(vols)}
    params: dict[str, str] = {"skill": shift.skill or "", "team": shift.team or ""}
    skilled = [v for v, vol in enumerate(vols) if shift.skill is None or shift.skill in vol.skills]
    counts["skilled"] = len(skilled)
    if not skilled:
        return Reason("no_skill", counts, {}, params)
    in_team = [v for v in skilled if shift.team is None or shift.team in vols[v].teams]
    counts["in_team"] = len(in_team)
    if not in_team:
        return Reason("team_excludes", counts, {}, params)
    start, end = index.s_start[s], index.s_end[s]
    available = [v for v in in_team if available_for(index.v_intervals[v], start, end)]
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
    forbidden = {f.volunteer for f in problem.forbidden if f.shift == shift.id}
    eligible = [v for v in nearby if vols[v].id not in forbidden]
    counts["eligible"] = len(eligible)
    if not eligible:
        return Reason("forbidden", counts, {}, params)
    on_shift = {index.pair_v[p] for p in state.chosen if index.pair_s[p] == s}
    others = [v for v in eligible if v not in on_shift]
    counts["free"] = len(others)
    if not others:
        return Reason("not_enough_eligible", counts, {}, params)
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
            state.week_count[key] + 1 > vol.max_shifts_per_week
            or state.week_minutes[key] + dur > vol.max_minutes_per_week
        )
        conflicts = [t for t in state.vol_shifts[v] if t != s and index.conflict(s, t)]
        if is_capped:
            capped.append(vol.id)
        if conflicts:
            booked.append(vol.id)
            for t in conflicts:
                blocking[index.shifts[t].id] = None
        if not is_capped and not conflicts:
            unused.append(vol.id)
    counts["at_cap"] = len(capped)
    counts["booked"] = len(booked)
    counts["unused"] = len(unused)
    ids = {
        "at_cap": capped[:MAX_IDS],
        "booked": booked[:MAX_IDS],
        "shifts": sorted(blocking)[:MAX_IDS],
    }
    if unused:
        ids["unused"] = unused[:MAX_IDS]
        return Reason("not_chosen", counts, ids, params)
    if len(capped) == len(others):
        return Reason("weekly_cap", counts, ids, params)
    if len(booked) == len(others):
        return Reason("booked_elsewhere", counts, ids, params)
    return Reason("capped_or_booked", counts, ids, params)


def explain_index(index: Index, state: State) -> list[UnfilledSeat]:
    out = []
    for s, shift in enumerate(index.shifts):
        filled = state.shift_count[s]
        empty = shift.max_count - filled
        if empty <= 0:
            continue
        below = max(0, min(shift.min_count, shift.max_count) - filled)
        out.append(UnfilledSeat(shift.id, empty, below, _explain_shift(index, state, s)))
    return out


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


__all__ = ["MESSAGES", "explain", "explain_index", "render_reason"]
