"""Renderings of the engine's reason codes (English and Simplified Chinese).

Apps should translate on the stable ``code`` with ``counts``/``ids``/``params``; these are
convenience renderings for the CLI and the JSON output. This module imports nothing from the
package, so model.py can use it without an import cycle.
"""

from __future__ import annotations

from typing import Any

Reason = Any  # a model.Reason (not imported: model imports this module)

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
        "paired_absent": "The household's volunteer {volunteer} is not among the volunteers.",
        "paired_no_skill": "The household's volunteer {volunteer} lacks the skill “{skill}”.",
        "paired_team_excludes": (
            "The household's volunteer {volunteer} is not in the shift's team “{team}”."
        ),
        "paired_not_available": (
            "The household's volunteer {volunteer} is not available for the whole visit."
        ),
        "paired_too_far": "The household's volunteer {volunteer} lives too far away.",
        "paired_forbidden": "The household's volunteer {volunteer} is excluded from this visit.",
        "paired_weekly_cap": (
            "The household's volunteer {volunteer} has reached the weekly cap of minutes or shifts."
        ),
        "paired_booked_elsewhere": (
            "The household's volunteer {volunteer} is booked on overlapping shifts: {shifts}."
        ),
        "paired_not_chosen": (
            "The household's volunteer {volunteer} was free but not assigned "
            "(solver stopped early)."
        ),
        "kept_usual": "Kept by its usual group {group}.",
        "nearest_group": "Given to {group}, whose members live nearest ({km} km on average).",
        "nearest_full": (
            "Given to {group} ({km} km on average): the nearest group, {nearest}, already has "
            "its share of sites."
        ),
        "nearest_unknown": "Given to {group}: the site or the members' homes have no location.",
        "usual_too_small": (
            "Its usual group {usual} has {members} members able to inspect, fewer than the "
            "{seats} an inspection needs; given to {group}."
        ),
        "no_group_able": "No group has the {seats} members an inspection needs.",
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
        "paired_absent": "该住户的结对志愿者 {volunteer} 不在志愿者名单中。",
        "paired_no_skill": "该住户的结对志愿者 {volunteer} 不具备技能“{skill}”。",
        "paired_team_excludes": "该住户的结对志愿者 {volunteer} 不属于该班次的团队“{team}”。",
        "paired_not_available": "该住户的结对志愿者 {volunteer} 在整个探访时段内没有空。",
        "paired_too_far": "该住户的结对志愿者 {volunteer} 住得太远。",
        "paired_forbidden": "该住户的结对志愿者 {volunteer} 被排除在此次探访之外。",
        "paired_weekly_cap": "该住户的结对志愿者 {volunteer} 已达到每周时长或班次上限。",
        "paired_booked_elsewhere": (
            "该住户的结对志愿者 {volunteer} 已安排在时间冲突的班次：{shifts}。"
        ),
        "paired_not_chosen": "该住户的结对志愿者 {volunteer} 有空但未被安排（求解提前结束）。",
        "kept_usual": "由原巡查小组{group}继续负责。",
        "nearest_group": "交给{group}：组员住得最近（平均 {km} 公里）。",
        "nearest_full": "交给{group}（平均 {km} 公里）：最近的{nearest}已分满应承担的点位。",
        "nearest_unknown": "交给{group}：点位或组员住址没有位置信息。",
        "usual_too_small": (
            "原巡查小组{usual}能参加检查的组员只有 {members} 名，少于每次检查所需的 {seats} 名；"
            "改由{group}负责。"
        ),
        "no_group_able": "没有一个小组有每次检查所需的 {seats} 名组员。",
    },
}


def render_reason(reason: Reason, locale: str = "en") -> str:
    """``reason`` (a model.Reason) in English or Simplified Chinese."""
    lang = "zh_CN" if locale.replace("-", "_").lower().startswith("zh") else "en"
    template = MESSAGES[lang].get(reason.code, reason.code)
    sep = "、" if lang == "zh_CN" else ", "
    values: dict[str, object] = {**reason.counts, **reason.params}
    values["shifts"] = sep.join(reason.ids.get("shifts", [])) or "—"
    try:
        text = template.format(**values)
    except (KeyError, IndexError):
        return reason.code
    events = reason.ids.get("events", [])
    if events:
        # Volunteers booked at other events (outside this schedule) are named by the event.
        text += EVENTS_SUFFIX[lang].format(events=sep.join(events))
    return text


EVENTS_SUFFIX = {
    "en": " Booked at other events: {events}.",
    "zh_CN": "已在其他活动安排：{events}。",
}
