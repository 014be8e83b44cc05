"""An inspection on the phone: start at a site, tick members present, answer the checklist,
findings, a follow-up that becomes a residents' request, end; the day's limit; bad input."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.enums import ChecklistAnswer, PatrolSiteKind, RequestChannel
from app.models import PatrolChecklistItem, PatrolInspection, ResidentRequest
from app.services.patrols import log
from tests import factories as f
from tests.app.portal.test_portal import open_portal
from tests.app.services.requests.test_photos import jpeg_with_gps
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration


@pytest.fixture
def squad(db_session):
    n = f.make_neighbourhood(db_session, town="月浦镇", name="月浦新村")
    lead, partner, uncertified = (f.make_volunteer(db_session, neighbourhood=n, name=name)
                                  for name in ("监督员甲", "监督员乙", "见习丙"))
    group = f.make_patrol_group(db_session, neighbourhood=n, name="第一小组",
                                members=[lead, partner, (uncertified, False, None)])
    site = f.make_patrol_site(db_session, neighbourhood=n, name="星空网吧", group=group,
                              address="月浦路8号")
    minors = PatrolChecklistItem(site_kind=PatrolSiteKind.internet_cafe, position=1,
                                 question="有未成年人上网", question_en="Minors present",
                                 concern_answer=ChecklistAnswer.yes)
    licence = PatrolChecklistItem(site_kind=PatrolSiteKind.internet_cafe, position=2,
                                  question="营业执照已悬挂", question_en="Licence displayed")
    db_session.add_all([minors, licence])
    db_session.flush()
    return {"lead": lead, "partner": partner, "uncertified": uncertified, "group": group,
            "site": site, "items": (minors, licence)}


def _start(client, squad) -> tuple[int, str]:
    page = client.get("/portal/patrols").get_data(as_text=True)
    assert "星空网吧" in page
    response = client.post("/portal/patrols/start", data={
        "csrf_token": csrf_token_from(page), "site": squad["site"].id,
        "group": squad["group"].id})
    assert response.status_code == 302, response.get_data(as_text=True)
    inspection_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    page = client.get(f"/portal/patrols/{inspection_id}").get_data(as_text=True)
    return inspection_id, page


def test_a_whole_inspection_on_the_phone(client, app, db_session, squad) -> None:
    open_portal(client, app, squad["lead"])
    inspection_id, page = _start(client, squad)
    assert "有未成年人上网" in page and "尚不是持证集体检查" in page
    minors, licence = squad["items"]
    db_session.expire_all()
    started = db_session.get(PatrolInspection, inspection_id)
    assert [v.name for v in started.present] == ["监督员甲"] and started.ended_at is None
    assert [e["question"] for e in started.checklist] == ["有未成年人上网", "营业执照已悬挂"]

    # Ending with a question unanswered: refused, nothing saved, what was typed shown again.
    form = {"csrf_token": csrf_token_from(page), "action": "end",
            "present": [squad["lead"].id, squad["partner"].id, squad["uncertified"].id],
            f"answer-{minors.id}": "yes", "findings": "两名未成年人在上网，已劝离",
            "follow_up": "1", "follow_up_category": "safety"}
    response = client.post(f"/portal/patrols/{inspection_id}", data=form)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请回答检查清单的每一个问题" in body and "两名未成年人在上网，已劝离" in body
    db_session.expire_all()
    assert db_session.get(PatrolInspection, inspection_id).findings is None
    assert db_session.scalar(sa.select(sa.func.count()).select_from(ResidentRequest)) == 0

    form[f"answer-{licence.id}"] = "no"
    response = client.post(f"/portal/patrols/{inspection_id}", data=form)
    assert response.status_code == 302 and response.location.endswith("/portal/patrols")
    db_session.expire_all()
    done = db_session.get(PatrolInspection, inspection_id)
    assert done.ended_at is not None and done.follow_up_needed
    assert {v.name for v in done.present} == {"监督员甲", "监督员乙", "见习丙"}
    assert log.certified_present(db_session, done) == 2
    assert [e["answer"] for e in done.checklist] == ["yes", "no"]
    request = db_session.get(ResidentRequest, done.request_id)
    assert request.channel == RequestChannel.patrol and request.volunteer_id == squad["lead"].id
    assert request.neighbourhood_id == squad["site"].neighbourhood_id
    assert request.text == "两名未成年人在上网，已劝离" and "星空网吧" in request.place
    assert done.changes == []  # the members' own record while under way: no corrections yet

    # A correction on the day is kept in the history; the request is not raised twice.
    page = client.get(f"/portal/patrols/{inspection_id}").get_data(as_text=True)
    assert request.reference_code in page
    form = {**form, "csrf_token": csrf_token_from(page), "action": "save",
            "present": [squad["lead"].id, squad["partner"].id]}
    assert client.post(f"/portal/patrols/{inspection_id}", data=form).status_code == 302
    db_session.expire_all()
    corrected = db_session.get(PatrolInspection, inspection_id)
    assert [c.fields.keys() for c in corrected.changes] == [{"present"}]
    assert corrected.changes[0].actor == "监督员甲"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(ResidentRequest)) == 1


def test_a_second_member_joins_the_inspection_under_way(client, app, db_session,
                                                        squad) -> None:
    open_portal(client, app, squad["lead"])
    first, _page = _start(client, squad)
    client.post("/portal/leave", data={"csrf_token": csrf_token_from(_page)})
    open_portal(client, app, squad["partner"])
    second, page = _start(client, squad)
    assert second == first
    db_session.expire_all()
    joined = db_session.get(PatrolInspection, first)
    assert {v.name for v in joined.present} == {"监督员甲", "监督员乙"}
    assert "持证集体检查：2 名持证成员在场" in page


def test_after_a_day_only_the_coordinator_may_change_it(client, app, db_session,
                                                        squad) -> None:
    inspection = f.make_inspection(db_session, squad["site"], squad["group"], [squad["lead"]],
                                   findings="旧记录")
    inspection.ended_at = inspection.started_at = inspection.started_at - timedelta(days=2)
    db_session.flush()
    open_portal(client, app, squad["lead"])
    page = client.get(f"/portal/patrols/{inspection.id}").get_data(as_text=True)
    assert "只有协调员可以修改" in page
    response = client.post(f"/portal/patrols/{inspection.id}", data={
        "csrf_token": csrf_token_from(page), "action": "save",
        "present": [squad["lead"].id], "findings": "改掉"})
    assert response.status_code == 403
    db_session.expire_all()
    assert db_session.get(PatrolInspection, inspection.id).findings == "旧记录"


def test_strangers_and_other_groups_are_refused(client, app, db_session, squad) -> None:
    outsider = f.make_volunteer(db_session, name="外组队员")
    other_group = f.make_patrol_group(db_session, members=[outsider])
    inspection = f.make_inspection(db_session, squad["site"], squad["group"], [squad["lead"]])
    open_portal(client, app, outsider)
    page = client.get("/portal/patrols").get_data(as_text=True)
    assert "星空网吧" not in page
    assert client.get(f"/portal/patrols/{inspection.id}").status_code == 404
    response = client.post("/portal/patrols/start", data={
        "csrf_token": csrf_token_from(page), "site": squad["site"].id,
        "group": squad["group"].id})
    assert response.status_code == 302
    assert "您不是该巡查小组的成员" in client.get("/portal/patrols").get_data(as_text=True)
    assert other_group.id  # their own group has no site: nothing to start
    db_session.expire_all()
    assert db_session.scalar(sa.select(sa.func.count()).select_from(PatrolInspection)) == 1


def test_a_get_changes_nothing_and_a_post_needs_the_token(client, app, db_session,
                                                          squad) -> None:
    open_portal(client, app, squad["lead"])
    client.get("/portal/patrols")
    response = client.post("/portal/patrols/start", data={
        "site": squad["site"].id, "group": squad["group"].id})
    assert response.status_code in (400, 403)
    db_session.expire_all()
    assert db_session.scalar(sa.select(sa.func.count()).select_from(PatrolInspection)) == 0


@pytest.mark.parametrize(("fields", "message"), [
    ({"present": []}, "请至少勾选一名到场成员"),
    ({"present": ["999999"]}, "只能勾选本小组的成员到场"),
    ({"answer": "maybe"}, "请选择“是”、“否”或“不适用”"),
    ({"findings": "x" * 2001}, "最多 2000 个字"),
    ({"findings": "坏\x00字"}, "控制字符"),
    ({"follow_up": "1", "follow_up_category": ""}, "请选择需要跟进的事项类别"),
    ({"follow_up": "1", "follow_up_category": "safety", "findings": ""}, "写明需要跟进的内容"),
])
def test_bad_input_is_refused_and_changes_nothing(client, app, db_session, squad, fields,
                                                  message) -> None:
    open_portal(client, app, squad["lead"])
    inspection_id, page = _start(client, squad)
    minors, _licence = squad["items"]
    form = {"csrf_token": csrf_token_from(page), "action": "save",
            "present": [squad["lead"].id], "findings": "正常",
            f"answer-{minors.id}": fields.pop("answer", "no"), **fields}
    response = client.post(f"/portal/patrols/{inspection_id}", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db_session.expire_all()
    unchanged = db_session.get(PatrolInspection, inspection_id)
    assert unchanged.findings is None and [e["answer"] for e in unchanged.checklist] == ["", ""]
    assert unchanged.request_id is None


def test_a_site_elsewhere_cannot_be_inspected_by_posting_its_id(client, app, db_session,
                                                               squad) -> None:
    elsewhere = f.make_patrol_site(db_session, name="别处网吧")
    open_portal(client, app, squad["lead"])
    page = client.get("/portal/patrols").get_data(as_text=True)
    assert "别处网吧" not in page
    response = client.post("/portal/patrols/start", data={
        "csrf_token": csrf_token_from(page), "site": elsewhere.id, "group": squad["group"].id})
    assert response.status_code == 302 and response.location.endswith("/portal/patrols")
    assert "请选择本小组负责的一个场所" in client.get("/portal/patrols").get_data(as_text=True)
    db_session.expire_all()
    assert db_session.scalar(sa.select(sa.func.count()).select_from(PatrolInspection)) == 0


def test_the_sites_printed_code_opens_one_tap_to_start(client, app, db_session,
                                                       squad) -> None:
    from app.services import links

    with app.app_context():
        url = links.patrol_site_url(squad["site"].id)
        foreign = links.patrol_site_url(f.make_patrol_site(db_session, name="别处").id)
    path = url.split("://", 1)[1].split("/", 1)[1]
    open_portal(client, app, squad["lead"])
    page = client.get(f"/{path}").get_data(as_text=True)
    assert "星空网吧" in page and "月浦路8号" in page
    db_session.expire_all()
    assert db_session.scalar(sa.select(sa.func.count()).select_from(PatrolInspection)) == 0
    response = client.post("/portal/patrols/start", data={
        "csrf_token": csrf_token_from(page), "site": squad["site"].id,
        "group": squad["group"].id})
    assert response.status_code == 302 and "/portal/patrols/" in response.location
    for bad in (foreign.split("://", 1)[1].split("/", 1)[1], "portal/patrols/site/forged"):
        response = client.get(f"/{bad}")
        assert response.status_code == 302 and response.location.endswith("/portal/patrols")
    assert "不是本小组负责的场所" in client.get("/portal/patrols").get_data(as_text=True)


def _chosen(page: str, item_id: int) -> list[str]:
    """The answers the page shows as chosen for a checklist item (its checked radios)."""
    return re.findall(rf'<input type="radio" id="answer-{item_id}-(\w+)"[^>]* checked>', page)


def test_a_photo_goes_with_the_answers_not_yet_saved(client, app, db_session, squad) -> None:
    """The photo is part of the inspection's form: adding one saves the answers chosen
    before it, and a refused photo shows them again, chosen, with nothing saved."""
    open_portal(client, app, squad["lead"])
    inspection_id, page = _start(client, squad)
    minors, licence = squad["items"]
    assert 'enctype="multipart/form-data"' in page and 'name="photo"' in page
    inspection_form = page[page.index('id="inspection-form"'):]
    assert inspection_form.index('id="photo"') < inspection_form.index("</form>")  # one form
    form = {"csrf_token": csrf_token_from(page), "action": "photo",
            "present": [squad["lead"].id], f"answer-{minors.id}": "no",
            f"answer-{licence.id}": "yes", "findings": "营业正常"}

    refused = client.post(f"/portal/patrols/{inspection_id}", content_type="multipart/form-data",
                          data={**form, "photo": (io.BytesIO(b"not a photo"), "x.jpg")})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "不是能打开的照片" in body
    assert _chosen(body, minors.id) == ["no"] and _chosen(body, licence.id) == ["yes"]
    assert "营业正常" in body
    db_session.expire_all()
    unchanged = db_session.get(PatrolInspection, inspection_id)
    assert [e["answer"] for e in unchanged.checklist] == ["", ""] and unchanged.photos == []

    added = client.post(f"/portal/patrols/{inspection_id}", content_type="multipart/form-data",
                        data={**form, "photo": (io.BytesIO(jpeg_with_gps()), "cafe.jpg")})
    assert added.status_code == 302
    db_session.expire_all()
    saved = db_session.get(PatrolInspection, inspection_id)
    assert [e["answer"] for e in saved.checklist] == ["no", "yes"] and len(saved.photos) == 1
    assert saved.findings == "营业正常"
    page = client.get(f"/portal/patrols/{inspection_id}").get_data(as_text=True)
    assert "照片已添加" in page and "已保存" in page
    assert _chosen(page, minors.id) == ["no"] and _chosen(page, licence.id) == ["yes"]

    # "Add the photo" with no photo chosen: said so, the answers changed meanwhile not lost.
    empty = client.post(f"/portal/patrols/{inspection_id}", content_type="multipart/form-data",
                        data={**form, "csrf_token": csrf_token_from(page),
                              f"answer-{minors.id}": "yes"})
    assert empty.status_code == 400 and 'id="photo-error"' in empty.get_data(as_text=True)
    assert _chosen(empty.get_data(as_text=True), minors.id) == ["yes"]
    db_session.expire_all()
    assert [e["answer"] for e in db_session.get(PatrolInspection, inspection_id).checklist] \
        == ["no", "yes"]
