"""Every message kind rendered in zh_CN and en against a checked-in expected text.

A changed wording, a lost greeting or a broken placeholder shows up as a diff here. After an
intended change, regenerate with `LINLI_UPDATE_SNAPSHOTS=1 pytest tests/app/services/notify`
and read the diff before committing it.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask

from app.enums import PackageVisitLeft
from app.services import notify

pytestmark = pytest.mark.integration

SNAPSHOTS = Path(__file__).parent / "snapshots"
SHIFT_A = "2027-03-05 08:30–11:30  学雷锋服务日 · 理发  (金桥镇社区广场)"
SHIFT_B = "2027-03-05 13:00–15:00  学雷锋服务日 · 量血压  (金桥镇社区广场)"
URL = "http://linli.test/respond/a/TOKEN"

#: Every template under app/templates/mail/ (and variants after "#"), with a context as its
#: caller builds it.
CASES = {
    "scheduler/publish": {
        "name": "郭琴",
        "shifts": [{"line": SHIFT_A, "url": URL + "1"}, {"line": SHIFT_B, "url": URL + "2"}],
        "portal_url": "http://linli.test/portal/?t=PORTAL",
    },
    "scheduler/cancelled": {"name": "郭琴", "title": "学雷锋服务日", "line": SHIFT_A},
    "scheduler/changed": {"name": "郭琴", "title": "学雷锋服务日", "line": SHIFT_A, "url": URL},
    "scheduler/help": {"name": "郭琴", "title": "学雷锋服务日", "line": SHIFT_A,
                       "url": "http://linli.test/respond/help/TOKEN"},
    # Confirmed: the link is the volunteer's page at the shift, to ask to drop or swap it.
    "scheduler/reminder": {"name": "郭琴", "title": "学雷锋服务日", "line": SHIFT_A,
                           "url": "http://linli.test/portal/?t=PORTAL#assignment-7",
                           "pending": False},
    "scheduler/reminder#pending": {"name": "郭琴", "title": "学雷锋服务日", "line": SHIFT_A,
                                   "url": URL, "pending": True},
    "scheduler/declined": {"name": "佳虹协调员", "volunteer": "郭琴", "title": "学雷锋服务日",
                           "line": SHIFT_A},
    "scheduler/event_cancelled": {"name": "郭琴", "title": "学雷锋服务日", "line": SHIFT_A},
    "patrols/refill": {"name": "佳虹协调员", "title": "巡查：星光网吧", "line": SHIFT_A,
                       "taken": "郭琴", "empty": 0, "reason": ""},
    "patrols/refill#unfilled": {
        "name": "佳虹协调员", "title": "巡查：星光网吧", "line": SHIFT_A, "taken": "", "empty": 1,
        "reason": "仅有 1 名志愿者符合条件，且都已安排在此班次。"},
    "signup/event_cancelled": {
        "name": "朱巧珍", "title": "外来媳妇培训班", "place": "金桥镇社区学校",
        "starts": datetime(2027, 3, 6, 1, 0, tzinfo=UTC),
    },
    "scheduler/moved_released": {"name": "郭琴", "title": "学雷锋服务日", "line": SHIFT_A},
    "scheduler/change_asked": {"name": "佳虹协调员", "volunteer": "郭琴", "title": "学雷锋服务日",
                               "line": SHIFT_A, "colleague": "", "reason": "孙子发烧，要去医院"},
    "scheduler/change_asked#swap": {"name": "佳虹协调员", "volunteer": "郭琴",
                                    "title": "学雷锋服务日", "line": SHIFT_A,
                                    "colleague": "李明", "reason": ""},
    "scheduler/change_approved": {"name": "郭琴", "title": "学雷锋服务日", "line": SHIFT_A,
                                  "colleague": ""},
    "scheduler/change_approved#swap": {"name": "郭琴", "title": "学雷锋服务日", "line": SHIFT_A,
                                       "colleague": "李明"},
    "scheduler/change_refused": {"name": "郭琴", "title": "学雷锋服务日", "line": SHIFT_A},
    "signup/event_moved": {
        "name": "朱巧珍", "title": "外来媳妇培训班", "place": "金桥镇社区学校",
        "starts": datetime(2027, 3, 6, 1, 0, tzinfo=UTC), "url": "http://linli.test/r/C/cancel",
    },
    "packages/changed": {
        "name": "郭琴", "count": 3,
        "removed": ["2027-03-03 09:30–10:30  王阿婆 · 买菜送米"],
        "kept": ["2027-03-10 09:30–10:30  王阿婆 · 买菜送米"],
        "added": ["2027-03-04 14:00–15:00  王阿婆 · 买菜送米"],
    },
    "packages/missed": {
        "name": "佳虹居委协调员", "family": "王阿婆", "address": "佳虹路1号301室",
        "line": "2027-03-03 09:30–10:30  买菜送米", "helper": "郭琴",
        "makeup": "2027-03-04 09:30–10:30  买菜送米", "makeup_helper": "郭琴",
    },
    "packages/missed#helper_has_no_time": {
        "name": "佳虹居委协调员", "family": "王阿婆", "address": "佳虹路1号301室",
        "line": "2027-03-03 09:30–10:30  买菜送米", "helper": "郭琴",
        "makeup": "2027-03-04 09:30–10:30  买菜送米", "makeup_helper": "",
        "makeup_reason": PackageVisitLeft.no_free_time,
    },
    "packages/missed#no_makeup": {
        "name": "佳虹居委协调员", "family": "王阿婆", "address": "佳虹路1号301室",
        "line": "2027-03-03 09:30–10:30  买菜送米", "helper": "郭琴", "makeup": None,
        "makeup_helper": None,
    },
    "qualifications/expiring": {
        "name": "顾医生", "volunteer_name": "顾医生", "skill": "上门医疗",
        "licence": "沪医执110", "valid_until": "2027-03-05",
    },
    "qualifications/expiring_staff": {
        "name": "佳虹居委协调员", "volunteer_name": "顾医生", "skill": "上门医疗",
        "licence": "沪医执110", "valid_until": "2027-03-05",
    },
    "requests/received": {
        "name": "王阿婆", "code": "QK7M2QXA", "committee": "佳虹居民区",
        "url": "http://linli.test/requests/TOKEN",
        "next": "佳虹居民区居委会已收到您的诉求，将在几个工作日内处理。",
    },
    "requests/received#anonymous": {
        "name": "", "code": "QK7M2QXA", "committee": "佳虹居民区",
        "url": "http://linli.test/requests/TOKEN", "next": "居委会正在处理。",
    },
    "requests/progress": {
        "name": "王阿婆", "code": "QK7M2QXA", "state": "已提交居民议事会",
        "note": "花架涉及楼下住户采光，提交居民议事会讨论。",
        "next": "居民代表将在居民议事会上讨论并作出决定。",
        "url": "http://linli.test/requests/TOKEN",
    },
    "requests/progress#decided": {
        "name": "王阿婆", "code": "QK7M2QXA", "state": "正在改进落实", "note": "五月开工。",
        "decision": "23票赞成，4票反对：同意搭建花架",
        "next": "居委会正在落实改进。", "url": "http://linli.test/requests/TOKEN",
    },
    "requests/resolved": {
        "name": "王阿婆", "code": "QK7M2QXA", "note": "花架已建成，种了紫藤。",
        "url": "http://linli.test/requests/TOKEN", "board_url": "http://linli.test/board/3",
    },
    "requests/resolved#survey": {
        "name": "王阿婆", "code": "QK7M2QXA", "note": "每月第一个周二有医生来量血压。",
        "url": "http://linli.test/requests/TOKEN", "survey_url": "http://linli.test/s/SHORT",
        "together_with": "QR3T8WNB",
    },
    "requests/rerouted": {
        "name": "王阿婆", "code": "QK7M2QXA", "group": "第二团组", "committee": "佳虹居民区",
        "note": "楼道灯归第二团组的片区管。", "url": "http://linli.test/requests/TOKEN",
        "next": "佳虹居民区居委会已收到您的诉求，将在几个工作日内处理。",
    },
    "requests/resolved#later": {
        "name": "王阿婆", "code": "QK7M2QXA", "note": "每月第一个周二有医生来量血压。",
        "url": "http://linli.test/requests/TOKEN", "survey_in_days": 14,
    },
    "requests/survey": {
        "name": "王阿婆", "code": "QK7M2QXA", "committee": "佳虹居委会",
        "url": "http://linli.test/requests/TOKEN", "survey_url": "http://linli.test/s/SHORT",
    },
    "requests/verify": {"name": "", "code": "482913", "minutes": 10},
    "pairing/confirmed": {
        "name": "郭琴",
        "families": [{"line": "王阿婆 · 佳虹路100弄12号1单元301室",
                      "aim": "定期联系帮扶（独居老人、高龄老人）；需要帮助：买菜送米"},
                     {"line": "李阿公 · 佳虹路100弄3号2单元502室",
                      "aim": "定期联系帮扶（下岗协保）"}],
        "portal_url": "http://linli.test/portal/?t=PORTAL",
    },
    "signup/staffing_waitlisted": {
        "name": "朱巧珍", "title": "理发服务", "position": 2,
        "starts": datetime(2027, 3, 6, 1, 20, tzinfo=UTC),
        "url": "http://linli.test/r/CANCEL/cancel",
    },
    "scheduler/change_auto_approved": {
        "name": "佳虹协调员", "volunteer": "郭琴", "title": "学雷锋服务日", "line": SHIFT_A,
        "colleague": "", "reason": "孙子发烧，要去医院",
        "outcome": "空出的位置已发给 3 位符合条件且有空的志愿者。"},
    "scheduler/change_auto_approved#swap": {
        "name": "佳虹协调员", "volunteer": "郭琴", "title": "学雷锋服务日", "line": SHIFT_A,
        "colleague": "李明", "reason": "", "outcome": "已交给李明，并已请对方确认。"},
    "courses/session": {
        "name": "朱巧珍", "title": "来沪女性素质提升培训(第二期)",
        "session_label": "第3期 社交礼仪",
        "starts": datetime(2027, 3, 20, 1, 0, tzinfo=UTC), "place": "城市家园社区学校",
        "code": "K7M2QXAB", "url": "http://linli.test/r/CANCEL/cancel",
    },
    "signup/promotion": {
        "name": "朱巧珍", "title": "外来媳妇培训班", "code": "K7M2QX",
        "starts": datetime(2027, 3, 6, 1, 0, tzinfo=UTC),
        "url": "http://linli.test/r/CANCEL/cancel",
    },
}


def _as_text(rendered: notify.Rendered) -> str:
    return f"Subject: {rendered.subject}\nSMS: {rendered.sms}\n\n{rendered.body}"


def test_every_template_has_a_case() -> None:
    folder = Path(notify.__file__).resolve().parents[2] / "templates" / "mail"
    templates = {
        str(p.relative_to(folder).with_suffix(""))
        for p in folder.rglob("*.txt") if not p.name.startswith("_")
    }
    assert templates == {case.partition("#")[0] for case in CASES}


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_message_matches_snapshot(app: Flask, case: str, locale: str) -> None:
    with app.app_context():
        rendered = notify.render(case.partition("#")[0], locale, **CASES[case])
    text = _as_text(rendered)
    path = SNAPSHOTS / f"{case.replace('/', '.').replace('#', '.')}.{locale}.txt"
    if os.environ.get("LINLI_UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
    assert rendered.subject and rendered.sms and "%(" not in text


def test_unknown_language_falls_back_to_the_deployments(app: Flask) -> None:
    with app.app_context():
        fallback = notify.render("scheduler/cancelled", "fr", **CASES["scheduler/cancelled"])
        chinese = notify.render("scheduler/cancelled", "zh_CN", **CASES["scheduler/cancelled"])
    assert fallback == chinese
