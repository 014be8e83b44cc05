"""Residents' requests in the admin: a coordinator takes each step on the handling page (own
neighbourhood only), a refused step keeps the note and changes nothing, a call is entered with
the same checks as the public form, and routing stays inside the request's neighbourhood."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.enums import NotificationStatus, RequestChannel, RequestStatus
from app.models import Notification, ResidentRequest, utcnow
from tests import factories as f
from tests.admin.conftest import as_text, quick_login
from tests.helpers import csrf_token_from, form_fields

pytestmark = pytest.mark.integration

S = RequestStatus


def _english(client) -> None:
    with client.session_transaction() as session:
        session["locale"] = "en"


def _step(client, row_id: int, status: str, note: str = "", expected: str | None = None,
          **extra: str):
    page = client.get(f"/admin/residentrequest/handle/?id={row_id}")
    assert page.status_code == 200, as_text(page)[-500:]
    fields = form_fields(as_text(page))
    data = {"csrf_token": fields["csrf_token"], "status": status, "note": note,
            "expected": expected or fields["expected"], **extra}
    return client.post(f"/admin/residentrequest/handle/?id={row_id}", data=data)


def test_a_coordinator_takes_a_request_to_resolution(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    row = world.jiahong.rows["residentrequest"]
    f.make_council_meeting(db_session, row)
    for status, note in ((S.handling, ""), (S.council, "提交居民议事会讨论"),
                         (S.improving, "议事会同意搭建"), (S.resolved, "花架已建成")):
        posted = {"board_title": "12号楼前搭建花架", "result": "花架已建成"}
        extra = {S.resolved: posted, S.improving: f.council_vote_form()}.get(status, {})
        response = _step(client, row.id, status.value, note, **extra)
        assert response.status_code == 302, as_text(response)[-800:]
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, row.id)
    assert fresh.status == S.resolved
    assert [c.actor for c in fresh.changes[1:]] == ["佳虹协调员"] * 4
    page = as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}"))
    assert "花架已建成" in page and 'id="request-step"' in page  # reopening is offered


def test_a_refused_step_keeps_the_note_and_changes_nothing(client, db_session,
                                                           world) -> None:
    quick_login(client, world.users["coordinator"])
    _english(client)
    row = world.jiahong.rows["residentrequest"]
    response = _step(client, row.id, S.resolved.value, "Done, I think")
    body = as_text(response)
    assert response.status_code == 409
    assert "cannot become" in body and "Done, I think" in body
    assert _step(client, row.id, S.handling.value).status_code == 302
    stale = _step(client, row.id, S.explained.value, "Explained", expected=S.received.value)
    assert stale.status_code == 409 and "changed this request meanwhile" in as_text(stale)
    missing_note = _step(client, row.id, S.explained.value, "")
    assert missing_note.status_code == 422
    db_session.expire_all()
    assert db_session.get(ResidentRequest, row.id).status == S.handling


def test_the_handling_page_is_for_own_neighbourhood_and_writers(app, client, db_session,
                                                                world) -> None:
    foreign = world.yongye.rows["residentrequest"]
    quick_login(client, world.users["coordinator"])
    assert client.get(f"/admin/residentrequest/handle/?id={foreign.id}").status_code == 404
    token = csrf_token_from(as_text(client.get("/admin/residentrequest/")))
    response = client.post(f"/admin/residentrequest/handle/?id={foreign.id}",
                           data={"csrf_token": token, "status": "handling"})
    assert response.status_code == 404
    assert client.get("/admin/residentrequest/handle/?id=abc").status_code == 404
    lead = app.test_client()
    quick_login(lead, world.users["team_lead"])
    own = world.jiahong.rows["residentrequest"]
    assert lead.get(f"/admin/residentrequest/handle/?id={own.id}").status_code == 403
    db_session.expire_all()
    assert db_session.get(ResidentRequest, foreign.id).status == S.received


def test_a_coordinator_enters_a_call(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    _english(client)
    page = as_text(client.get("/admin/residentrequest/new/"))
    assert "永业" not in page
    fields = form_fields(page)
    jiahong = world.jiahong.neighbourhood
    building = world.jiahong.rows["building"]
    data = {**fields, "neighbourhood": str(jiahong.id), "category": "health",
            "channel": "call", "text": "希望每月有医生来量血压", "building": str(building.id),
            "phone": "12"}
    refused = client.post("/admin/residentrequest/new/", data=data)
    assert refused.status_code == 200 and "11 digits starting with 1" in as_text(refused)
    data["phone"] = "13900001111"
    done = client.post("/admin/residentrequest/new/", data=data)
    assert done.status_code == 302, as_text(done)[-800:]
    created = db_session.scalars(select(ResidentRequest).where(
        ResidentRequest.text == "希望每月有医生来量血压")).one()
    assert created.channel == RequestChannel.call and created.phone == "13900001111"
    assert created.service_group_id == world.jiahong.rows["servicegroup"].id
    assert created.changes[0].actor == "佳虹协调员"


def test_the_edit_form_no_longer_routes(client, db_session, world) -> None:
    """The group changes only by re-routing with a reason: the plain edit form has no group
    field, a group posted to it anyway changes nothing, and a building of another
    neighbourhood is refused."""
    quick_login(client, world.users["admin"])
    _english(client)
    row = world.jiahong.rows["residentrequest"]
    page = as_text(client.get(f"/admin/residentrequest/edit/?id={row.id}"))
    fields = form_fields(page)
    assert "text" not in fields and "phone" not in fields and "service_group" not in fields
    group = world.jiahong.rows["servicegroup"]
    client.post(f"/admin/residentrequest/edit/?id={row.id}",
                data={**fields, "service_group": str(group.id), "place": "东门"})
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, row.id)
    assert fresh.place == "东门" and fresh.service_group_id is None
    response = client.post(f"/admin/residentrequest/edit/?id={row.id}",
                           data={**fields, "building": str(world.yongye.rows["building"].id)})
    assert "not in the request" in as_text(response)
    db_session.expire_all()
    assert db_session.get(ResidentRequest, row.id).building_id is None


def _reroute(client, row_id: int, group_id: int | str, reason: str,
             expected: str | None = None):
    page = client.get(f"/admin/residentrequest/handle/?id={row_id}")
    assert page.status_code == 200, as_text(page)[-500:]
    fields = form_fields(as_text(page))
    expected_seen = as_text(page).split('id="reroute-form"')[1].split('name="expected"')[1]
    seen = expected_seen.split('value="')[1].split('"')[0]
    data = {"csrf_token": fields["csrf_token"], "group": str(group_id), "reason": reason,
            "expected": seen if expected is None else expected}
    return client.post(f"/admin/residentrequest/reroute/?id={row_id}", data=data)


def test_a_coordinator_reroutes_with_a_reason_kept_in_the_history(client, db_session,
                                                                  world) -> None:
    quick_login(client, world.users["coordinator"])
    _english(client)
    row = world.jiahong.rows["residentrequest"]
    first = world.jiahong.rows["servicegroup"]
    second = f.make_service_group(db_session, neighbourhood=world.jiahong.neighbourhood,
                                  name="佳虹第二团组")
    db_session.flush()
    assert _step(client, row.id, S.handling.value).status_code == 302
    response = _reroute(client, row.id, first.id, "1号楼归第一团组")
    assert response.status_code == 302, as_text(response)[-800:]
    response = _reroute(client, row.id, second.id, "花架在第二团组的片区")
    assert response.status_code == 302, as_text(response)[-800:]
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, row.id)
    assert fresh.service_group_id == second.id and fresh.status == S.handling
    last = fresh.changes[-1]
    assert (last.from_group_id, last.to_group_id, last.note, last.actor) == (
        first.id, second.id, "花架在第二团组的片区", "佳虹协调员")
    assert (last.from_status, last.to_status) == (S.handling, S.handling)
    assert fresh.changes[-2].from_group_id is None and fresh.changes[-2].to_group_id == first.id
    page = as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}"))
    assert "Re-routed: 佳虹第一团组 → 佳虹第二团组" in page
    resident = client.get(f"/requests/{fresh.follow_token}")
    body = as_text(resident)
    assert resident.status_code == 200
    next_step = body.split('id="next-step">')[1].split("</p>")[0]
    assert "佳虹第二团组" in next_step
    assert "Passed to 佳虹第二团组" in body and "花架在第二团组的片区" in body


def test_a_reroute_tells_the_raiser_and_says_what_became_of_the_message(
        client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    _english(client)
    jiahong = world.jiahong.neighbourhood
    second = f.make_service_group(db_session, neighbourhood=jiahong, name="佳虹第二团组")
    anonymous = world.jiahong.rows["residentrequest"]
    caller = f.make_resident_request(db_session, neighbourhood=jiahong, text="佳虹楼道灯坏了",
                                     name="佳虹王阿婆", phone="13800138000",
                                     consent_at=utcnow())
    response = _reroute(client, anonymous.id, second.id, "花架在第二团组的片区")
    page = as_text(client.get(response.headers["Location"]))
    assert "anonymous: there is nobody to tell" in page
    response = _reroute(client, caller.id, second.id, "灯归第二团组管")
    page = as_text(client.get(response.headers["Location"]))
    assert "The resident was told (SMS)." in page
    assert "only written to the server log" in page  # no SMS provider in the tests
    told = db_session.scalars(select(Notification).where(
        Notification.resident_request_id == caller.id)).all()
    assert [(n.template, n.status, n.address) for n in told] == [
        ("requests/rerouted", NotificationStatus.sent, "13800138000")]
    assert not db_session.scalars(select(Notification).where(
        Notification.resident_request_id == anonymous.id)).all()


def test_a_refused_reroute_changes_nothing(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    _english(client)
    row = world.jiahong.rows["residentrequest"]
    group = world.jiahong.rows["servicegroup"]
    other = f.make_service_group(db_session, neighbourhood=world.jiahong.neighbourhood,
                                 name="佳虹第二团组")
    db_session.flush()
    before = len(row.changes)
    no_reason = _reroute(client, row.id, group.id, "   ")
    assert no_reason.status_code == 422 and "Say why it goes to another group" in \
        as_text(no_reason)
    foreign = _reroute(client, row.id, world.yongye.rows["servicegroup"].id, "搬到永业")
    assert foreign.status_code == 422 and "service groups of the request" in as_text(foreign)
    assert _reroute(client, row.id, "abc", "随便").status_code == 422
    stale = _reroute(client, row.id, other.id, "第二团组", expected=str(group.id))
    assert stale.status_code == 409 and "re-routed this request meanwhile" in as_text(stale)
    assert "第二团组" in as_text(stale)  # the reason typed is kept in the form
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, row.id)
    assert fresh.service_group_id is None and len(fresh.changes) == before
    page = as_text(client.get("/admin/residentrequest/"))
    token = csrf_token_from(page)
    no_csrf = client.post(f"/admin/residentrequest/reroute/?id={row.id}",
                          data={"group": str(group.id), "reason": "x", "expected": ""})
    assert no_csrf.status_code == 400
    assert client.get(f"/admin/residentrequest/reroute/?id={row.id}").status_code == 405
    yongye_row = world.yongye.rows["residentrequest"]
    elsewhere = client.post(f"/admin/residentrequest/reroute/?id={yongye_row.id}",
                            data={"csrf_token": token, "group": str(group.id),
                                  "reason": "x", "expected": ""})
    assert elsewhere.status_code == 404
    db_session.expire_all()
    assert db_session.get(ResidentRequest, row.id).service_group_id is None
    assert db_session.get(ResidentRequest, yongye_row.id).service_group_id is None


def test_resolving_an_improvement_posts_it_and_actions_take_it_down(client, db_session,
                                                                    world) -> None:
    quick_login(client, world.users["coordinator"])
    row = world.jiahong.rows["residentrequest"]
    foreign = world.yongye.rows["residentrequest"]
    for status in (S.handling, S.improving):
        assert _step(client, row.id, status.value, "处理中").status_code == 302
    page = as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}"))
    assert 'id="board-fields"' in page
    fields = form_fields(page)
    response = client.post(f"/admin/residentrequest/handle/?id={row.id}", data={
        **fields, "status": "resolved", "note": "花架已建成",
        "board_title": "佳虹花园花架", "result": "五月建成"})
    assert response.status_code == 302
    board = as_text(client.get(f"/board/{world.jiahong.neighbourhood.id}"))
    assert "佳虹花园花架" in board and "佳虹花架建议" not in board
    foreign.status, foreign.resolved_at = S.resolved, utcnow()
    foreign.board_title, foreign.result, foreign.posted_at = "永业公示", "永业结果", utcnow()
    db_session.flush()
    token = fields["csrf_token"]
    client.post("/admin/residentrequest/action/", data={
        "action": "take_down", "rowid": [str(row.id), str(foreign.id)], "csrf_token": token})
    db_session.expire_all()
    assert db_session.get(ResidentRequest, row.id).posted_at is None
    assert db_session.get(ResidentRequest, foreign.id).posted_at is not None  # not hers
    assert "佳虹花园花架" not in as_text(client.get(f"/board/{world.jiahong.neighbourhood.id}"))
    client.post("/admin/residentrequest/action/", data={
        "action": "post_board", "rowid": [str(row.id), str(foreign.id)], "csrf_token": token})
    db_session.expire_all()
    assert db_session.get(ResidentRequest, row.id).posted_at is not None


def test_a_council_meeting_is_scheduled_from_the_handling_page(client, db_session,
                                                               world) -> None:
    quick_login(client, world.users["coordinator"])
    row = world.jiahong.rows["residentrequest"]
    assert _step(client, row.id, S.handling.value).status_code == 302
    assert _step(client, row.id, S.council.value, "涉及采光，提交议事会").status_code == 302
    page = as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}"))
    assert 'id="meeting-form"' in page and 'id="council-decision"' in page
    token = csrf_token_from(page)
    missing = client.post(f"/admin/residentrequest/meeting/?id={row.id}",
                          data={"csrf_token": token, "starts_at": "2027-05-08 19:00",
                                "place": ""})
    assert missing.status_code == 422
    done = client.post(f"/admin/residentrequest/meeting/?id={row.id}",
                       data={"csrf_token": token, "starts_at": "2027-05-08 19:00",
                             "place": "佳虹居委会会议室", "representatives": "王建国\n李秀英"})
    assert done.status_code == 302, as_text(done)[-800:]
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, row.id)
    meeting = fresh.council_event
    assert meeting.neighbourhood_id == world.jiahong.neighbourhood.id
    assert meeting.start_at.hour == 11  # 19:00 in Shanghai
    assert "佳虹居委会会议室" in as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}"))
    foreign = world.yongye.rows["residentrequest"]
    response = client.post(f"/admin/residentrequest/meeting/?id={foreign.id}",
                           data={"csrf_token": token, "starts_at": "2027-05-08 19:00",
                                 "place": "会议室"})
    assert response.status_code == 404


def test_a_coordinator_merges_a_duplicate_from_the_hints(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    _english(client)
    jiahong = world.jiahong.neighbourhood
    survivor = world.jiahong.rows["residentrequest"]
    duplicate = f.make_resident_request(db_session, neighbourhood=jiahong,
                                        text="佳虹花架建议，我也赞成", place="佳虹1号楼")
    unrelated = f.make_resident_request(db_session, neighbourhood=jiahong,
                                        text="楼道灯坏了三天没人修")
    foreign = world.yongye.rows["residentrequest"]
    page = as_text(client.get(f"/admin/residentrequest/handle/?id={duplicate.id}"))
    hints = page[page.index('id="similar-requests"'):page.index('id="merge-form"')]
    assert survivor.reference_code in hints and unrelated.reference_code not in hints
    assert "永业" not in page
    token = csrf_token_from(page)
    # a request of another neighbourhood is not found by its code, and nothing changes
    refused = client.post(f"/admin/residentrequest/merge/?id={duplicate.id}", data={
        "csrf_token": token, "into": foreign.reference_code, "expected": "received"})
    assert refused.status_code == 422 and "No open request of your neighbourhoods" in \
        as_text(refused)
    assert client.post(f"/admin/residentrequest/merge/?id={foreign.id}", data={
        "csrf_token": token, "into": survivor.reference_code}).status_code == 404
    done = client.post(f"/admin/residentrequest/merge/?id={duplicate.id}", data={
        "csrf_token": token, "into": survivor.reference_code.lower(), "expected": "received",
        "note": "与佳虹1号楼花架建议一并处理"})
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/handle/?id={survivor.id}")
    db_session.expire_all()
    assert db_session.get(ResidentRequest, duplicate.id).merged_into_id == survivor.id
    assert db_session.get(ResidentRequest, foreign.id).status == S.received
    survivor_page = as_text(client.get(f"/admin/residentrequest/handle/?id={survivor.id}"))
    assert "Raised by 2 residents" in survivor_page
    assert duplicate.reference_code in survivor_page
    merged_page = as_text(client.get(f"/admin/residentrequest/handle/?id={duplicate.id}"))
    assert 'id="merged-into"' in merged_page and 'id="request-step"' not in merged_page
    assert 'id="merge-form"' not in merged_page


def test_escalation_and_what_a_department_handler_sees(app, client, db_session,
                                                        world) -> None:
    quick_login(client, world.users["coordinator"])
    _english(client)
    row = world.jiahong.rows["residentrequest"]
    kept = f.make_resident_request(db_session, neighbourhood=world.jiahong.neighbourhood,
                                   text="佳虹楼道灯坏了", phone="13800138000")
    department = world.shared["department"]
    district = f.make_department(db_session, name="区市容局", level=f.level(db_session, "district"))
    town_level, district_level = (str(f.level(db_session, code).id)
                                  for code in ("town_department", "district"))
    page = as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}"))
    token = csrf_token_from(page)
    assert 'id="escalate-form"' in page and "镇城建办" in page
    refused = client.post(f"/admin/residentrequest/escalate/?id={row.id}", data={
        "csrf_token": token, "level": town_level, "department": str(department.id),
        "reason": ""})
    assert refused.status_code == 422 and "Say why it is passed on" in as_text(refused)
    done = client.post(f"/admin/residentrequest/escalate/?id={row.id}", data={
        "csrf_token": token, "level": town_level, "department": str(department.id),
        "reason": "需要镇里协调绿化"})
    assert done.status_code == 302
    db_session.expire_all()
    assert db_session.get(ResidentRequest, row.id).department_id == department.id

    handler = app.test_client()
    quick_login(handler, world.users["department"])
    listed = as_text(handler.get("/admin/residentrequest/"))
    assert row.reference_code in listed and kept.reference_code not in listed
    assert "永业" not in listed
    exported = as_text(handler.get("/admin/residentrequest/export/csv/"))
    assert row.reference_code in exported and kept.reference_code not in exported
    assert handler.get(f"/admin/residentrequest/details/?id={kept.id}").status_code == 404
    assert handler.get(f"/admin/residentrequest/handle/?id={kept.id}").status_code == 404
    assert handler.get("/admin/").status_code == 200
    handle = as_text(handler.get(f"/admin/residentrequest/handle/?id={row.id}"))
    assert "需要镇里协调绿化" in handle and 'id="merge-form"' not in handle
    handler_token = csrf_token_from(handle)
    assert handler.post(f"/admin/residentrequest/merge/?id={row.id}", data={
        "csrf_token": handler_token, "into": kept.reference_code}).status_code == 403
    # the handler takes it in hand, then passes it on to the district: still readable, no
    # longer theirs to change
    assert _step(handler, row.id, S.handling.value).status_code == 302
    moved = handler.post(f"/admin/residentrequest/escalate/?id={row.id}", data={
        "csrf_token": handler_token, "level": district_level, "department": str(district.id),
        "reason": "涉及区管绿地"})
    assert moved.status_code == 302 and "/details/" in moved.headers["Location"]
    assert handler.get(f"/admin/residentrequest/details/?id={row.id}").status_code == 200
    assert handler.get(f"/admin/residentrequest/handle/?id={row.id}").status_code == 404
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, row.id)
    assert [(e.to_level.name_en, e.actor) for e in fresh.escalations] == [
        ("Town department", "佳虹协调员"), ("District", "城建办经办人")]
    assert fresh.status == S.handling and fresh.changes[-1].actor == "城建办经办人"
