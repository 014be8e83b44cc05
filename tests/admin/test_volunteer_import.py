"""Excel in: volunteers from XLSX or CSV, previewed row by row, imported all or nothing."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from admin.export import xlsx_bytes
from app.models import Volunteer
from tests.admin.conftest import as_text, quick_login

pytestmark = pytest.mark.integration

HEADERS = ["姓名", "电话", "居民区", "技能", "每周最多小时数", "党员责任岗"]


def _count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Volunteer))


def _upload(client, token, name, data):
    return client.post("/admin/volunteer/import/", data={
        "csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data")


def test_xlsx_preview_then_confirm_imports_every_row(client, db_session, world) -> None:
    token = quick_login(client, world.users["admin"])
    before = _count(db_session)
    data = xlsx_bytes("志愿者", HEADERS, [
        ["李秀英", 13911112222, "佳虹居民区", "量血压技能", 2.5, "是"],
        ["张伟", "139 1111 3333", "永业居民区", "", "", "否"],
    ])
    preview = _upload(client, token, "名单.xlsx", data)
    body = as_text(preview)
    assert preview.status_code == 200
    assert "李秀英" in body and "13911112222" in body and "table-danger" not in body
    assert _count(db_session) == before  # a preview saves nothing
    rows = re.search(r'name="rows" value="([^"]+)"', body).group(1)
    done = client.post("/admin/volunteer/import/", data={"csrf_token": token, "rows": rows})
    assert done.status_code == 302
    assert _count(db_session) == before + 2
    li = db_session.scalar(select(Volunteer).where(Volunteer.name == "李秀英"))
    assert li.phone == "13911112222" and li.max_minutes_per_week == 150
    assert li.is_party_member and [s.code for s in li.skills] == ["blood_pressure"]
    assert li.neighbourhood_id == world.jiahong.neighbourhood.id


def test_csv_with_refused_rows_imports_nothing_and_says_why(client, db_session,
                                                            world) -> None:
    token = quick_login(client, world.users["coordinator"])  # 佳虹 only
    existing = world.jiahong.rows["volunteer"]
    before = _count(db_session)
    csv = "\ufeff" + "\n".join([
        ",".join(HEADERS),
        "王芳,13922223333,佳虹居民区,,8,否",
        "赵强,12345,佳虹居民区,,,否",
        f"钱多,{existing.phone},佳虹居民区,,,否",
        "孙丽,13922223333,佳虹居民区,,,否",
        "周杰,13922224444,永业居民区,,,否",
        "吴敏,13922225555,火星小区,烹饪,200,也许",
    ])
    preview = _upload(client, token, "名单.csv", csv.encode("utf-8"))
    body = as_text(preview)
    assert preview.status_code == 200
    assert 'name="rows"' not in body  # no confirm button while a row is refused
    for reason in ("不是中国大陆手机号", "已有使用此手机号的志愿者", "第 2 行",
                   "您无权向永业居民区添加志愿者", "没有名为“火星小区”的居民区",
                   "没有名为“烹饪”的技能", "每周最多小时数必须是 0 到 168 之间的数字",
                   "党员责任岗必须填“是”或“否”"):
        assert reason in body, reason
    assert "5 行被拒绝" in body or "共 6 行中有 5 行" in body
    assert _count(db_session) == before


def test_forged_confirm_is_checked_again(client, db_session, world) -> None:
    """The confirm step re-checks the rows: a token for rows that are refused imports none."""
    from admin.spreadsheet_import import serializer
    from admin.volunteer_import import VolunteerImportMixin

    token = quick_login(client, world.users["admin"])
    before = _count(db_session)
    with client.application.test_request_context():
        rows = serializer(VolunteerImportMixin.import_salt).dumps(
            [HEADERS, ["甲", "13933334444", "佳虹居民区", "", "", ""],
             ["乙", "bad", "佳虹居民区", "", "", ""]])
    response = client.post("/admin/volunteer/import/", data={"csrf_token": token,
                                                              "rows": rows})
    assert response.status_code == 400
    assert _count(db_session) == before


def test_unreadable_file_is_refused_in_chinese(client, db_session, world) -> None:
    token = quick_login(client, world.users["admin"])
    response = _upload(client, token, "名单.xlsx", b"not a zip")
    assert response.status_code == 400 and "无法作为表格读取" in as_text(response)


def test_team_lead_may_not_import(client, world) -> None:
    quick_login(client, world.users["team_lead"])
    assert client.get("/admin/volunteer/import/").status_code == 403
