"""What reaches the notice board from the handling page: a result, title or council decision
holding a phone, an ID number, an e-mail, a flat number or the name of someone in the request
is refused with the text kept and nothing posted; an improvement cannot be resolved without
its title and result."""

from __future__ import annotations

import pytest

from app.enums import RequestStatus
from app.models import ResidentRequest, utcnow
from tests import factories as f
from tests.admin.conftest import as_text, quick_login
from tests.helpers import form_fields

pytestmark = pytest.mark.integration

S = RequestStatus
LEAK = "联系王老伯 13800138000，21号楼2单元302室"


def _step(client, row_id: int, status: str, note: str = "", **extra: str):
    page = client.get(f"/admin/residentrequest/handle/?id={row_id}")
    assert page.status_code == 200, as_text(page)[-500:]
    fields = form_fields(as_text(page))
    return client.post(f"/admin/residentrequest/handle/?id={row_id}", data={
        "csrf_token": fields["csrf_token"], "status": status, "note": note,
        "expected": fields["expected"], **extra})


def _board(client, neighbourhood_id: int) -> str:
    return "".join(as_text(client.get(f"/board/{neighbourhood_id}{suffix}"))
                   for suffix in ("", ".json", ".atom"))


def test_personal_data_in_the_result_is_refused_and_kept_in_the_form(client, db_session,
                                                                      world) -> None:
    quick_login(client, world.users["coordinator"])
    row = world.jiahong.rows["residentrequest"]
    n = world.jiahong.neighbourhood.id
    for status in (S.handling, S.improving):
        assert _step(client, row.id, status.value, "处理中").status_code == 302
    refused = _step(client, row.id, S.resolved.value, "花架已建成",
                    board_title="12号楼前搭建花架", result=LEAK)
    body = as_text(refused)
    assert refused.status_code == 422
    assert "个人信息" in body and "13800138000" in body and "2单元302室" in body
    assert LEAK in body and "12号楼前搭建花架" in body  # what was typed is kept
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, row.id)
    assert fresh.status == S.improving and fresh.posted_at is None and fresh.result is None
    assert "13800138000" not in _board(client, n)
    refused_title = _step(client, row.id, S.resolved.value, "花架已建成",
                          board_title="3号楼502门前花架", result="花架已建成")
    assert refused_title.status_code == 422 and "3号楼502" in as_text(refused_title)
    done = _step(client, row.id, S.resolved.value, "花架已建成",
                 board_title="12号楼前搭建花架", result="五月建成花架，种了紫藤")
    assert done.status_code == 302
    assert "五月建成花架，种了紫藤" in _board(client, n)


def test_the_edit_form_refuses_personal_data_on_the_board(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    row = world.jiahong.rows["residentrequest"]
    page = as_text(client.get(f"/admin/residentrequest/edit/?id={row.id}"))
    fields = form_fields(page)
    response = client.post(f"/admin/residentrequest/edit/?id={row.id}", data={
        **fields, "board_title": "花架", "result": "有事请发邮件 wang@example.com"})
    body = as_text(response)
    assert response.status_code == 200 and "个人信息" in body and "wang@example.com" in body
    db_session.expire_all()
    assert db_session.get(ResidentRequest, row.id).result is None


def test_an_improvement_needs_its_title_and_result_to_be_resolved(client, db_session,
                                                                  world) -> None:
    quick_login(client, world.users["coordinator"])
    row = world.jiahong.rows["residentrequest"]
    for status in (S.handling, S.improving):
        assert _step(client, row.id, status.value, "处理中").status_code == 302
    page = as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}"))
    assert 'id="board-fields"' in page
    refused = _step(client, row.id, S.resolved.value, "已办好", board_title="", result="")
    assert refused.status_code == 422 and "公示标题和公示结果" in as_text(refused)
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, row.id)
    assert fresh.status == S.improving and fresh.resolved_at is None


def test_a_council_decision_waits_for_the_meeting(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    row = world.jiahong.rows["residentrequest"]
    assert _step(client, row.id, S.handling.value).status_code == 302
    assert _step(client, row.id, S.council.value, "提交议事会").status_code == 302
    refused = _step(client, row.id, S.resolved.value, "议事会同意",
                    council_decision="同意搭建花架", board_title="花架", result="同意搭建",
                    **f.council_vote_form())
    assert refused.status_code == 409 and "请先安排居民议事会会议" in as_text(refused)
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, row.id)
    assert fresh.status == S.council and fresh.council_decision is None
    assert fresh.posted_at is None


def test_the_raisers_name_in_the_result_is_refused_naming_it(client, db_session,
                                                              world) -> None:
    quick_login(client, world.users["coordinator"])
    jiahong = world.jiahong.neighbourhood
    row = f.make_resident_request(db_session, neighbourhood=jiahong, name="佳虹王阿婆",
                                  phone="13800138000", consent_at=utcnow())
    db_session.commit()
    for status in (S.handling, S.improving):
        assert _step(client, row.id, status.value, "处理中").status_code == 302
    typed = "在佳虹王阿婆的提议下，五月建成花架"
    refused = _step(client, row.id, S.resolved.value, "花架已建成",
                    board_title="12号楼前搭建花架", result=typed)
    body = as_text(refused)
    assert refused.status_code == 422 and "本诉求相关人员的姓名“佳虹王阿婆”" in body
    assert typed in body  # kept for the coordinator to edit
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, row.id)
    assert fresh.status == S.improving and fresh.posted_at is None
    assert "佳虹王阿婆" not in _board(client, jiahong.id)
    done = _step(client, row.id, S.resolved.value, "花架已建成",
                 board_title="12号楼前搭建花架", result="在居民的提议下，五月建成花架")
    assert done.status_code == 302
    assert "在居民的提议下，五月建成花架" in _board(client, jiahong.id)
