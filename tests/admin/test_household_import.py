"""Resident files from Excel: XLSX or CSV, previewed row by row (new / changed / refused with
the reason), imported all or nothing, a coordinator only into her own neighbourhood."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from admin.export import read_xlsx, xlsx_bytes
from app.enums import ContactWindow, HouseholdCategory
from app.models import Household
from tests.admin.conftest import as_text, quick_login

pytestmark = pytest.mark.integration

HEADERS = ["楼号", "单元", "楼层", "室号", "地址", "联系人", "联系电话", "家庭人数", "类别",
           "方便联系的时间", "备注"]


def _count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Household))


def _upload(client, token, name, data):
    return client.post("/admin/household/import/", data={
        "csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data")


def _confirm(client, token, body):
    rows = re.search(r'name="rows" value="([^"]+)"', body).group(1)
    return client.post("/admin/household/import/", data={"csrf_token": token, "rows": rows})


def test_xlsx_preview_says_new_and_changed_then_confirm_writes_both(client, db_session,
                                                                   world) -> None:
    token = quick_login(client, world.users["coordinator"])  # 佳虹 only: no 居民区 column
    existing = world.jiahong.rows["household"]
    before = _count(db_session)
    data = xlsx_bytes("民情档案", HEADERS, [
        ["1", "", 3, "302", "佳虹路1号302室", "张阿姨", "139 1234 5678", 2,
         "独居老人、高龄老人", "工作日晚上", "腿脚不便"],
        [],  # a blank row: the next one is still called row 4, as Excel shows it
        ["1", "", 3, "301", "佳虹路1号", "佳虹王阿婆", "138****5678", 3, "独居老人", "", ""],
    ])
    preview = _upload(client, token, "档案.xlsx", data)
    body = as_text(preview)
    assert preview.status_code == 200, body
    assert "table-danger" not in body
    assert "新增: 1" in body and "修改: 1" in body
    assert re.search(r"<td>4</td>.*?修改", body, re.S)
    assert _count(db_session) == before  # a preview saves nothing

    done = _confirm(client, token, body)
    assert done.status_code == 302
    assert _count(db_session) == before + 1
    new = db_session.scalar(select(Household).where(Household.contact_name == "张阿姨"))
    assert new.neighbourhood_id == world.jiahong.neighbourhood.id
    assert new.building_id == world.jiahong.rows["building"].id
    assert (new.floor, new.room, new.members_count) == (3, "302", 2)
    assert new.contact_phone == "13912345678" and new.notes == "腿脚不便"
    assert sorted(new.categories) == sorted([HouseholdCategory.living_alone,
                                             HouseholdCategory.very_old])
    assert list(new.contact_windows) == [ContactWindow.weekday_evening]
    db_session.refresh(existing)
    assert existing.members_count == 3
    assert existing.contact_phone == "13812345678"  # the masked number kept what it masks
    assert list(existing.categories) == [HouseholdCategory.living_alone]


def test_csv_with_refused_rows_imports_nothing_and_names_each_reason(client, db_session,
                                                                     world) -> None:
    token = quick_login(client, world.users["coordinator"])
    other = world.yongye.rows["household"]
    before = _count(db_session)
    csv = "\ufeff" + "\n".join([
        "编号,居民区," + ",".join(HEADERS),
        ",,1,,2,302,佳虹路1号302室,张阿姨,13912345678,1,独居老人,,",
        ",,99,,1,101,佳虹路99号101室,李伯伯,,1,,,",
        ",,1,,9,901,佳虹路1号901室,赵阿婆,,1,,,",
        ",,1,,2,303,佳虹路1号303室,钱阿婆,12345,0,火星人,半夜,",
        ",,1,,2,302,佳虹路1号302室again,孙阿婆,,1,,,",
        ",永业居民区,1,,2,201,永业路1号201室,周阿婆,,1,,,",
        ",,,,,,,,,,,,",
        f"{other.id},,,,,,永业路1号,永业王阿婆,,1,,,",
        ",,,,,,佳虹路5号,,,1,,,",
    ])
    preview = _upload(client, token, "档案.csv", csv.encode("utf-8"))
    body = as_text(preview)
    assert preview.status_code == 200
    assert 'name="rows"' not in body  # no confirm button while a row is refused
    for reason in ("本居民区没有楼号为“99”的楼栋", "楼层 9：该楼共 6 层",
                   "联系电话“12345”", "家庭人数必须是 1 到 99 之间的数字",
                   "没有名为“火星人”的住户类别", "没有名为“半夜”的联系时间",
                   "相同的楼号、单元和室号已在第 2 行", "您无权修改永业居民区的住户档案",
                   f"您负责的居民区中没有编号为“{other.id}”的住户", "缺少联系人姓名"):
        assert reason in body, reason
    assert "<td>10</td>" in body  # the row after the blank one keeps its spreadsheet number
    assert _count(db_session) == before


def test_export_reimports_as_unchanged(client, db_session, world) -> None:
    """The export is the import's format: a file exported and uploaded again changes nothing."""
    token = quick_login(client, world.users["admin"])
    exported = client.get("/admin/household/export/xlsx/")
    assert exported.status_code == 200
    assert "楼号" in read_xlsx(exported.data)[0]
    preview = _upload(client, token, "导出.xlsx", exported.data)
    body = as_text(preview)
    assert preview.status_code == 200 and "table-danger" not in body, body
    assert "新增: 0" in body and "修改: 0" in body and "未变: 2" in body
    done = _confirm(client, token, body)
    assert done.status_code == 302
    follow = as_text(client.get("/admin/household/"))
    assert "新增 0 户，修改 0 户，2 户未变" in follow


def test_forged_confirm_for_another_neighbourhood_is_refused(client, db_session,
                                                             world) -> None:
    from admin.spreadsheet_import import serializer
    from admin.views.households import HouseholdImportMixin

    token = quick_login(client, world.users["coordinator"])
    before = _count(db_session)
    with client.application.test_request_context():
        rows = serializer(HouseholdImportMixin.import_salt).dumps(
            [["居民区", "地址", "联系人"], ["永业居民区", "永业路9号", "冒名"]])
    response = client.post("/admin/household/import/", data={"csrf_token": token,
                                                               "rows": rows})
    assert response.status_code == 400
    assert _count(db_session) == before


def test_columns_the_import_does_not_read_are_named(client, db_session, world) -> None:
    """Nothing goes unnoticed: an unknown column, a second phone column and a header-less
    column with data are listed in the preview (and their cells are not imported)."""
    token = quick_login(client, world.users["coordinator"])
    csv = "\n".join(["地址,联系人,联系电话,身份证号,手机,",
                      "佳虹路7号,吴阿婆,13900000007,310000,13900000008,楼下有狗"])
    body = as_text(_upload(client, token, "档案.csv", csv.encode()))
    assert "以下列不会导入：身份证号、手机、F" in body, body


def test_wrong_columns_are_refused_in_chinese(client, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    response = _upload(client, token, "档案.csv", "姓名,电话\n张三,13900000000\n".encode())
    assert response.status_code == 400
    assert "第一行必须是列名" in as_text(response) and "地址" in as_text(response)


def test_template_names_the_columns_in_chinese(client, world) -> None:
    quick_login(client, world.users["coordinator"])
    template = client.get("/admin/household/import/template.xlsx")
    assert template.status_code == 200
    assert read_xlsx(template.data)[0][:3] == ["居民区", "楼号", "单元"]


def test_team_lead_may_not_import(client, world) -> None:
    quick_login(client, world.users["team_lead"])
    assert client.get("/admin/household/import/").status_code == 403
