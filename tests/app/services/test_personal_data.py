"""Personal data in a text meant for the public: phones (also grouped by spaces or dashes),
ID numbers, e-mail addresses and flat numbers are found; a building alone, dates, counts and
votes are not."""

from __future__ import annotations

import pytest

from app.services.personal_data import find_personal_data

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("text", "found"), [
    ("联系王老伯 13800138000，21号楼2单元302室",
     [("mobile", "13800138000"), ("room", "2单元302室")]),
    ("请拨 138 0013 8000", [("mobile", "138 0013 8000")]),
    ("请拨138-0013-8000", [("mobile", "138-0013-8000")]),
    ("+86 139 1234 5678", [("mobile", "+86 139 1234 5678")]),
    ("居委会 021-58881234", [("landline", "021-58881234")]),
    ("居委会(021)58881234", [("landline", "(021)58881234")]),
    ("值班室 5888-1234", [("landline", "5888-1234")]),
    ("电话：58881234", [("landline", "电话:58881234")]),
    ("身份证310101199001011234", [("id_number", "310101199001011234")]),
    ("31010119900101123X号", [("id_number", "31010119900101123X")]),
    ("发邮件到 wang@example.com", [("email", "wang@example.com")]),
    ("302室漏水", [("room", "302室")]),
    ("3号楼502已修好", [("room", "3号楼502")]),
    ("２单元３０２室", [("room", "2单元302室")]),
    ("5栋1201房间", [("room", "5栋1201房间")]),
])
def test_personal_data_is_found(text: str, found: list[tuple[str, str]]) -> None:
    assert [(f.kind, f.text) for f in find_personal_data(text)] == found


@pytest.mark.parametrize("text", [
    "12号楼前搭建花架", "1号楼至12号楼的路灯已修好", "2026年12月3日建成，投入3000元",
    "31名居民代表到会，27票赞成、3票反对、1票弃权", "7-14层停电的16户已恢复供电",
    "居委会会议室", "新增12个车位，每月150元", "2单元门口的路灯已修好", "", None,
])
def test_public_words_pass(text: str | None) -> None:
    assert find_personal_data(text) == []
