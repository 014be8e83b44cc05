"""The residents' council's vote: the options put to the meeting and their votes are kept with
the step that leaves the council, the option with the most votes is adopted (a tie only by the
coordinator's choice with a note), and every bad count is refused saying why, with nothing
written — no step, no vote, nobody ticked."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.enums import RequestStatus
from app.models import CouncilAttendee, CouncilVote, CouncilVoteOption, ResidentRequest
from app.services import requests
from app.services.requests import VoteInput
from tests import factories as f
from tests.helpers import in_english

pytestmark = pytest.mark.integration

S = RequestStatus
INVITED = ("王建国", "李秀英", "张伟", "赵敏", "钱七")


def _with_council(db_session: Session) -> tuple[ResidentRequest, list[str]]:
    """A request with the council, its meeting held, five invited; the ids of four who came."""
    req = f.make_resident_request(db_session, status=S.council)
    event = f.make_council_meeting(db_session, req, invited=INVITED)
    came = [str(a.id) for a in requests.attendees(db_session, event.id)][:4]
    return req, came


def _votes(db_session: Session) -> int:
    return db_session.scalar(select(func.count()).select_from(CouncilVote))


def test_a_proposal_voted_for_and_against_is_kept_with_the_step(app: Flask,
                                                                 db_session: Session) -> None:
    req, came = _with_council(db_session)
    with app.test_request_context():
        change = requests.change_status(
            db_session, req, S.improving, user=None, note="议事会同意", attended=came,
            council_decision="选用紫藤，离底楼窗户三米以上",
            vote=VoteInput(rows=[("同意搭建葡萄架", "３"), ("不同意", "0"), ("", "")],
                           abstentions="1"))
    assert req.status == S.improving
    # The adopted option leads the decision posted; the coordinator's words follow.
    assert req.council_decision == "同意搭建葡萄架。选用紫藤，离底楼窗户三米以上"
    vote = change.council_vote
    assert vote.abstentions == 1
    assert [(o.position, o.label, o.votes, o.adopted) for o in vote.options] == [
        (1, "同意搭建葡萄架", 3, True), (2, "不同意", 0, False)]  # full-width ３ read as 3
    with in_english(app):
        assert requests.tally_text(requests.latest_tallies(db_session, [req.id])[req.id]) == (
            "同意搭建葡萄架: 3 votes (adopted) · 不同意: 0 votes · abstentions: 1")


def test_a_choice_among_plans_and_a_tie_settled_by_the_coordinator(
        app: Flask, db_session: Session) -> None:
    req, came = _with_council(db_session)
    plans = [("方案一：葡萄架", "2"), ("方案二：紫藤廊", "2"), ("方案三：不搭建", "0")]
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.change_status(db_session, req, S.improving, user=None, note="同意",
                               attended=came, vote=VoteInput(rows=plans))
    assert caught.value.field == "adopted" and "tied between" in str(caught.value.message)
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.change_status(db_session, req, S.improving, user=None, note="同意",
                               attended=came, vote=VoteInput(rows=plans, adopted="2"))
    assert caught.value.field == "council_decision"
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.change_status(db_session, req, S.improving, user=None, note="同意",
                               attended=came, council_decision="主持人再次征求意见",
                               vote=VoteInput(rows=plans, adopted="3"))
    assert caught.value.field == "adopted" and "most votes" in str(caught.value.message)
    assert req.status == S.council and _votes(db_session) == 0
    with app.test_request_context():
        change = requests.change_status(
            db_session, req, S.improving, user=None, note="同意", attended=came,
            council_decision="票数相同，经再次协商，底楼住户代表同意方案二",
            vote=VoteInput(rows=plans, adopted="2"))
    assert [o.adopted for o in change.council_vote.options] == [False, True, False]
    assert req.council_decision.startswith("方案二：紫藤廊。票数相同")


BAD = [
    # (rows, abstentions, adopted, field, what the message says)
    ([("同意", "-1"), ("不同意", "0")], "", "", "options", "whole numbers"),
    ([("同意", "三"), ("不同意", "0")], "", "", "options", "whole numbers"),
    ([("同意", "2.5"), ("不同意", "0")], "", "", "options", "whole numbers"),
    ([("同意", "2"), ("不同意", "1")], "x", "", "abstentions", "whole numbers"),
    ([("同意", "3"), ("", "")], "", "", "options", "at least two"),
    ([("同意", "3"), ("不同意", "")], "", "", "options", "0 if none"),
    ([("同意", "3"), ("", "1")], "", "", "options", "Row 2 has votes but no option"),
    ([("同意", "1"), ("同意", "1")], "", "", "options", "put twice"),
    ([("同意", "0"), ("不同意", "0")], "0", "", "options", "Nobody voted"),
    # Five invited, four ticked as present: five votes cannot have been cast.
    ([("同意", "3"), ("不同意", "1")], "1", "", "options", "4 representatives came"),
    ([("同意", "3"), ("不同意", "1")], "", "7", "adopted", "among those written"),
    ([("同意，联系王老伯13800138000", "3"), ("不同意", "1")], "", "", "options",
     "personal data"),
    ([(f"选项{i}", "0") for i in range(6)] + [("第七个", "1")], "", "", "options",
     "At most 6 options"),
]


@pytest.mark.parametrize(("rows", "abstentions", "adopted", "field", "says"), BAD)
def test_bad_counts_are_refused_and_change_nothing(app: Flask, db_session: Session, rows,
                                                   abstentions, adopted, field,
                                                   says) -> None:
    req, came = _with_council(db_session)
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.change_status(db_session, req, S.improving, user=None, note="同意",
                               attended=came, vote=VoteInput(rows=rows,
                                                             abstentions=abstentions,
                                                             adopted=adopted))
    assert caught.value.field == field and says in str(caught.value.message)
    db_session.expire_all()
    assert req.status == S.council and req.council_decision is None
    assert _votes(db_session) == 0
    assert not db_session.scalar(select(func.count()).select_from(CouncilAttendee).where(
        CouncilAttendee.attended.is_(True)))
    assert len(req.changes) == 1


def test_the_message_is_in_the_users_language(app: Flask, db_session: Session) -> None:
    req, came = _with_council(db_session)
    with app.test_request_context():  # Chinese, the default language
        with pytest.raises(requests.RequestError) as caught:
            requests.change_status(db_session, req, S.improving, user=None, note="同意",
                                   attended=came, vote=VoteInput(rows=[("同意", "-1"),
                                                                       ("不同意", "0")]))
        assert str(caught.value.message) == "票数只能填 0 或正整数：“同意”填的是“-1”。"


def test_a_second_council_round_gets_its_own_vote(app: Flask, db_session: Session) -> None:
    """Reopened and sent back to the council, the request is decided again: both votes stay in
    its history, the board shows the last."""
    req = f.make_resident_request(db_session, status=S.council)
    f.make_council_meeting(db_session, req)  # no invitation list: no one ticked, no bound
    with app.test_request_context():
        requests.change_status(db_session, req, S.resolved, user=None, note="不搭建",
                               vote=f.council_vote(4, 9), board_title="花架", result="不搭建")
        requests.change_status(db_session, req, S.handling, user=None, note="居民又提出")
        requests.change_status(db_session, req, S.council, user=None, note="再议")
        requests.change_status(db_session, req, S.resolved, user=None, note="同意",
                               vote=f.council_vote(11, 2), board_title="花架", result="已建")
    assert [c.council_vote.options[0].votes for c in req.changes if c.council_vote] == [4, 11]
    [entry] = requests.board_entries(db_session, req.neighbourhood_id)
    assert [o.votes for o in entry.vote.options] == [11, 2]
    assert entry.council_decision == "同意搭建花架"


def test_the_database_keeps_counts_whole_and_one_option_adopted(app: Flask,
                                                                db_session: Session) -> None:
    req = f.make_resident_request(db_session, status=S.council)
    f.make_council_meeting(db_session, req)
    with app.test_request_context():
        change = requests.change_status(db_session, req, S.explained, user=None,
                                        note="未通过", vote=f.council_vote(1, 5))
    vote_id = change.council_vote.id
    for row in (CouncilVoteOption(vote_id=vote_id, position=3, label="弃权", votes=-1),
                CouncilVoteOption(vote_id=vote_id, position=3, label="再议", votes=0,
                                  adopted=True),
                CouncilVoteOption(vote_id=vote_id, position=3, label="", votes=0),
                CouncilVote(change_id=req.changes[0].id, abstentions=-2)):
        with db_session.begin_nested(), pytest.raises(IntegrityError):
            db_session.add(row)
            db_session.flush()
