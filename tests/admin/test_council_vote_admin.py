"""The council's vote on the handling page: the coordinator writes the options and the votes
each got with who came; bad counts come back refused in the user's language with everything
typed kept and nothing written; the vote recorded shows in the request's history and, as
counts only, on the notice board (page, JSON, Atom) next to a decision recorded as free text
before votes were; another neighbourhood's request is not found."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.enums import RequestStatus
from app.models import CouncilVote, ResidentRequest, utcnow
from app.services.requests import attendees
from tests import factories as f
from tests.admin.conftest import as_text, quick_login
from tests.admin.test_requests_admin import _english
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration

S = RequestStatus
INVITED = ("王建国", "李秀英", "张伟", "赵敏", "钱七")
PROPOSAL = "同意搭建葡萄架，种植爬藤植物"


def _page(client, row_id: int) -> str:
    page = client.get(f"/admin/residentrequest/handle/?id={row_id}")
    assert page.status_code == 200
    return as_text(page)


def _decide(client, row: ResidentRequest, came: list[str], votes: tuple[str, str],
            abstentions: str = "", adopted: str = "", token: str | None = None, **extra):
    return client.post(f"/admin/residentrequest/handle/?id={row.id}", data={
        "csrf_token": token or csrf_token_from(_page(client, row.id)),
        "status": S.improving.value, "expected": S.council.value, "note": "议事会同意搭建",
        "attended": came, "option_label": [PROPOSAL, "不同意", "", "", "", ""],
        "option_votes": [votes[0], votes[1], "", "", "", ""], "abstentions": abstentions,
        "adopted": adopted, **extra})


def _votes(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(CouncilVote))


def _with_council(db_session, world) -> tuple[ResidentRequest, list[str]]:
    row = world.jiahong.rows["residentrequest"]
    row.status = S.council
    event = f.make_council_meeting(db_session, row, invited=INVITED)
    came = [str(a.id) for a in attendees(db_session, event.id)][:4]
    return row, came


def test_bad_counts_come_back_as_typed_and_change_nothing(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    row, came = _with_council(db_session, world)
    page = _page(client, row.id)
    assert page.count('name="option_label"') == 6 and 'name="abstentions"' in page

    negative = _decide(client, row, came, ("-2", "1"))
    assert negative.status_code == 422
    body = as_text(negative)
    assert "票数只能填 0 或正整数：“同意搭建葡萄架，种植爬藤植物”填的是“-2”。" in body
    # What was typed is on the page again: the options, the counts, who came.
    assert f'value="{PROPOSAL}"' in body and 'value="-2"' in body
    assert all(f'value="{i}" id="attended-{i}" checked' in body for i in came)

    too_many = _decide(client, row, came, ("3", "1"), abstentions="1")
    assert too_many.status_code == 422
    assert "但到会居民代表只有 4 人" in as_text(too_many)

    _english(client)
    tied = _decide(client, row, came, ("2", "2"))
    assert tied.status_code == 422
    assert "The vote is tied between “同意搭建葡萄架，种植爬藤植物”、“不同意”" in as_text(tied)
    unsettled = _decide(client, row, came, ("2", "2"), adopted="1")
    assert "say in the decision how the council settled it" in as_text(unsettled)

    forged = _decide(client, row, came, ("3", "1"), token="forged")
    assert forged.status_code == 400
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, row.id)
    assert fresh.status == S.council and fresh.council_decision is None
    assert _votes(db_session) == 0


def test_the_vote_goes_to_the_history_and_the_board_as_counts(client, db_session,
                                                              world) -> None:
    quick_login(client, world.users["coordinator"])
    row, came = _with_council(db_session, world)
    # A matter the council decided before votes were recorded: its free text still shows.
    older = f.make_resident_request(db_session, neighbourhood=world.jiahong.neighbourhood,
                                    status=S.resolved, resolved_at=utcnow(),
                                    posted_at=utcnow(), board_title="不设收费停车位",
                                    result="维持现状", council_decision="12票反对、5票赞成")
    older.changes[0].to_status = S.council  # it went through the council
    db_session.flush()

    decided = _decide(client, row, came, ("3", "0"), abstentions="1",
                      council_decision="选用紫藤和凌霄")
    assert decided.status_code == 302, as_text(decided)[-600:]
    history = _page(client, row.id).split('id="request-history"')[1].split("</table>")[0]
    assert (f"议事会表决：{PROPOSAL} 3 票（通过） · 不同意 0 票 · 弃权 1 票") in history
    resolved = client.post(f"/admin/residentrequest/handle/?id={row.id}", data={
        "csrf_token": csrf_token_from(_page(client, row.id)), "status": S.resolved.value,
        "expected": S.improving.value, "note": "葡萄架已建成",
        "board_title": "小花园搭起葡萄架", "result": "葡萄架已建成，种上紫藤和凌霄"})
    assert resolved.status_code == 302, as_text(resolved)[-600:]

    n = world.jiahong.neighbourhood.id
    board = as_text(client.get(f"/board/{n}"))
    entry = board.split("小花园搭起葡萄架")[1].split("</li>")[0]
    assert "议事会表决结果" in entry and "3 票" in entry and "通过" in entry
    assert "同意搭建葡萄架，种植爬藤植物。选用紫藤和凌霄" in entry
    assert "12票反对、5票赞成" in board  # the free-text decision is still on the board
    data = client.get(f"/board/{n}.json").get_json()
    by_title = {e["title"]: e for e in data["entries"]}
    assert by_title["小花园搭起葡萄架"]["council_vote"] == {
        "options": [{"option": PROPOSAL, "votes": 3, "adopted": True},
                    {"option": "不同意", "votes": 0, "adopted": False}],
        "abstentions": 1}
    assert by_title["不设收费停车位"]["council_vote"] is None
    assert by_title["不设收费停车位"]["council_decision"] == "12票反对、5票赞成"
    _english(client)
    atom = as_text(client.get(f"/board/{n}.atom"))
    assert (f"The council's vote: {PROPOSAL}: 3 votes (adopted) · 不同意: 0 votes · "
            "abstentions: 1") in atom
    mine = as_text(client.get(f"/requests/{row.follow_token}"))
    assert 'id="council-vote"' in mine and "The council's vote" in mine
    for public in (board, str(data), atom, mine):
        assert not any(name in public for name in INVITED)


def test_another_neighbourhoods_vote_is_out_of_reach(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    foreign = world.yongye.rows["residentrequest"]
    foreign.status = S.council
    f.make_council_meeting(db_session, foreign)
    mine, _came = _with_council(db_session, world)
    token = csrf_token_from(_page(client, mine.id))
    refused = _decide(client, foreign, [], ("3", "1"), token=token)
    assert refused.status_code == 404
    db_session.expire_all()
    assert db_session.get(ResidentRequest, foreign.id).status == S.council
    assert _votes(db_session) == 0
