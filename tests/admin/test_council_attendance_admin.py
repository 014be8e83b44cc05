"""The council path end to end in the admin: the coordinator schedules the meeting with the
representatives invited, ticks who came when recording the decision (refused without a tick,
changing nothing), resolves it onto the notice board, which shows how many came and no name;
another neighbourhood's request stays out of reach."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.enums import RequestStatus
from app.models import CouncilAttendee, ResidentRequest
from tests import factories as f
from tests.admin.conftest import as_text, quick_login
from tests.helpers import csrf_token_from, form_fields

pytestmark = pytest.mark.integration

S = RequestStatus
NAMES = ("王建国", "李秀英", "张伟")


def _handle(client, row_id: int) -> str:
    page = client.get(f"/admin/residentrequest/handle/?id={row_id}")
    assert page.status_code == 200, as_text(page)[-500:]
    return as_text(page)


def _step(client, row_id: int, status: str, note: str = "", attended=(), **extra: str):
    fields = form_fields(_handle(client, row_id))
    data = {"csrf_token": fields["csrf_token"], "status": status, "note": note,
            "expected": fields["expected"], "attended": list(attended), **extra}
    return client.post(f"/admin/residentrequest/handle/?id={row_id}", data=data)


def _invited(db_session, event_id: int) -> dict[str, tuple[int, bool]]:
    db_session.expire_all()
    return {a.name: (a.id, a.attended) for a in db_session.scalars(
        select(CouncilAttendee).where(CouncilAttendee.event_id == event_id))}


def test_the_council_path_with_attendance(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    row = world.jiahong.rows["residentrequest"]
    assert _step(client, row.id, S.handling.value).status_code == 302
    assert _step(client, row.id, S.council.value, "涉及底楼采光，提交议事会").status_code == 302
    token = csrf_token_from(_handle(client, row.id))
    meeting = {"csrf_token": token, "starts_at": "2027-05-08 19:00", "place": "佳虹居委会会议室"}
    nobody = client.post(f"/admin/residentrequest/meeting/?id={row.id}",
                         data={**meeting, "representatives": "  "})
    assert nobody.status_code == 422
    db_session.expire_all()
    assert db_session.get(ResidentRequest, row.id).council_event_id is None
    done = client.post(f"/admin/residentrequest/meeting/?id={row.id}",
                       data={**meeting, "representatives": "\n".join(NAMES)})
    assert done.status_code == 302, as_text(done)[-800:]
    db_session.expire_all()
    event_id = db_session.get(ResidentRequest, row.id).council_event_id
    f.hold_meeting(db_session, event_id)
    invited = _invited(db_session, event_id)
    assert list(invited) == list(NAMES) and not any(came for _, came in invited.values())
    page = _handle(client, row.id)
    assert 'id="council-attendance"' in page and all(name in page for name in NAMES)

    decision = {"council_decision": "选用紫藤", **f.council_vote_form(2, 0)}
    refused = _step(client, row.id, S.improving.value, "议事会同意", **decision)
    assert refused.status_code == 422
    db_session.expire_all()
    assert db_session.get(ResidentRequest, row.id).status == S.council
    came = [str(invited["王建国"][0]), str(invited["张伟"][0])]
    decided = _step(client, row.id, S.improving.value, "议事会同意", attended=came, **decision)
    assert decided.status_code == 302, as_text(decided)[-800:]
    assert {name: c for name, (_, c) in _invited(db_session, event_id).items()} == {
        "王建国": True, "李秀英": False, "张伟": True}
    resolved = _step(client, row.id, S.resolved.value, "花架已建成",
                     board_title="小花园搭建花架", result="花架已建成，种上紫藤")
    assert resolved.status_code == 302, as_text(resolved)[-800:]

    n = world.jiahong.neighbourhood.id
    with client.session_transaction() as session:
        session["locale"] = "en"
    board = as_text(client.get(f"/board/{n}"))
    assert "2 of the 3 residents" in board and "invited came to the meeting." in board
    data = client.get(f"/board/{n}.json").get_json()
    [entry] = [e for e in data["entries"] if e["title"] == "小花园搭建花架"]
    assert entry["council_attendance"] == {"attended": 2, "invited": 3}
    atom = as_text(client.get(f"/board/{n}.atom"))
    assert "2 of the 3 residents' representatives" in atom
    for public in (board, str(data), atom):
        assert not any(name in public for name in NAMES)
    fresh = db_session.get(ResidentRequest, row.id)
    mine = as_text(client.get(f"/requests/{fresh.follow_token}"))
    assert 'id="council-turnout"' in mine and "2 of the 3" in mine
    assert not any(name in mine for name in NAMES)


def test_another_neighbourhoods_meeting_is_out_of_reach(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    foreign = world.yongye.rows["residentrequest"]
    token = csrf_token_from(_handle(client, world.jiahong.rows["residentrequest"].id))
    scheduled = client.post(f"/admin/residentrequest/meeting/?id={foreign.id}", data={
        "csrf_token": token, "starts_at": "2027-05-08 19:00", "place": "会议室",
        "representatives": "王建国"})
    assert scheduled.status_code == 404
    stepped = client.post(f"/admin/residentrequest/handle/?id={foreign.id}", data={
        "csrf_token": token, "status": S.handling.value, "note": "", "attended": ["1"]})
    assert stepped.status_code == 404
    db_session.expire_all()
    assert db_session.scalar(select(CouncilAttendee.id)) is None


def _invite(client, row_id: int, names: str, token: str | None = None):
    if token is None:
        token = csrf_token_from(_handle(client, row_id))
    return client.post(f"/admin/residentrequest/meeting/invite/?id={row_id}",
                       data={"csrf_token": token, "representatives": names})


def test_representatives_can_be_added_until_the_decision(client, db_session, world) -> None:
    """A meeting's list grows on the handling page (POST, CSRF, scoped): names already on it are
    skipped, nothing new or no token changes nothing, another neighbourhood's request is not
    found, and once the decision is recorded the list is closed, for every request on the
    meeting's agenda."""
    quick_login(client, world.users["coordinator"])
    row = world.jiahong.rows["residentrequest"]
    before = _invite(client, row.id, "王建国")
    assert before.status_code == 409 and "only while the request is with the residents" \
        not in as_text(before)  # the page is in Chinese by default
    assert "只有在诉求提交居民议事会期间" in as_text(before)
    assert _step(client, row.id, S.handling.value).status_code == 302
    assert _step(client, row.id, S.council.value, "涉及底楼采光，提交议事会").status_code == 302
    no_meeting = _invite(client, row.id, "王建国")
    assert no_meeting.status_code == 409 and "请先安排议事会会议" in as_text(no_meeting)
    token = csrf_token_from(_handle(client, row.id))
    assert client.post(f"/admin/residentrequest/meeting/?id={row.id}", data={
        "csrf_token": token, "starts_at": "2027-05-08 19:00", "place": "佳虹居委会会议室",
        "representatives": "王建国\n李秀英"}).status_code == 302
    db_session.expire_all()
    event_id = db_session.get(ResidentRequest, row.id).council_event_id

    page = _handle(client, row.id)
    assert 'id="invite-form"' in page
    added = _invite(client, row.id, "李秀英、张伟\n赵敏")
    assert added.status_code == 302, as_text(added)[-800:]
    assert list(_invited(db_session, event_id)) == ["王建国", "李秀英", "张伟", "赵敏"]
    assert "已加邀 2 名居民代表：张伟、赵敏。" in _handle(client, row.id)

    for refused, status in ((_invite(client, row.id, "王建国\n张伟"), 422),
                            (_invite(client, row.id, "  "), 422),
                            (_invite(client, row.id, "钱七", token="forged"), 400),
                            (_invite(client, world.yongye.rows["residentrequest"].id,
                                     "钱七", token=token), 404)):
        assert refused.status_code == status, as_text(refused)[-500:]
    assert "填写的人都已在这次会议的邀请名单上" in as_text(
        _invite(client, row.id, "王建国\n张伟"))
    assert len(_invited(db_session, event_id)) == 4

    # A second request on the same meeting's agenda: once the first one's decision is
    # recorded (who came ticked), the list is closed for it too.
    second = f.make_resident_request(db_session, neighbourhood=world.jiahong.neighbourhood,
                                     status=S.council)
    second.council_event_id = event_id
    f.hold_meeting(db_session, event_id)
    invited = _invited(db_session, event_id)
    decided = _step(client, row.id, S.improving.value, "议事会同意",
                    attended=[str(invited["王建国"][0])],
                    council_decision="选用紫藤", option_label=["同意搭建花架", "不同意"],
                    option_votes=["1", "0"])
    assert decided.status_code == 302, as_text(decided)[-800:]
    closed = _invite(client, second.id, "钱七")
    assert closed.status_code == 409 and "决定已记录" in as_text(closed)
    assert len(_invited(db_session, event_id)) == 4
