"""The questionnaire after resolution: the resident who raised a request, if they left a
phone or e-mail, gets a short link some days after it was resolved (LINLI_SURVEY_AFTER_DAYS,
two weeks by default; `send_due_questionnaires`, a daily task), as FixMyStreet asks weeks later
whether a report stayed fixed, and says whether it is resolved (satisfied, partly, not), with a
comment if they like. It goes once; the resolution message says when it will come. One
answer per request, kept; "not resolved" reopens the request with their words, as
FixMyStreet's questionnaire does. The answers are the satisfaction figure of
`flask requests stats` (`stats.request_stats`).
The raiser of a request merged into the resolved one is asked too: the answer is kept on their
own request (it counts like any other) and "not resolved" reopens the request that was handled,
with a note that does not repeat their words (its own raiser reads that history).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from app.enums import RequestStatus, SatisfactionAnswer
from app.models import RequestAnswer, ResidentRequest
from app.services.requests.errors import RequestError
from app.services.requests.notices import ask_whether_resolved, survey_after_days
from app.services.requests.workflow import change_status
from app.services.text_input import control_characters_message, has_control_characters

MAX_COMMENT = 1000


def find_by_survey_token(session: Session, token: str) -> ResidentRequest | None:
    if not token or len(token) > 16:
        return None
    return session.scalars(
        select(ResidentRequest).where(ResidentRequest.survey_token == token)).first()


def answer_survey(session: Session, request: ResidentRequest, answer: str | None,
                  comment: str | None) -> RequestAnswer:
    """Record the raiser's answer; flush only. Refused, with nothing written, for an unknown
    answer, a comment too long, or a request already answered. "Not resolved" on a resolved
    request reopens it, the comment being what the resident said."""
    try:
        chosen = SatisfactionAnswer(answer or "")
    except ValueError:
        raise RequestError("invalid", _l("Please choose one of the answers."),
                           "answer") from None
    if has_control_characters(comment):
        raise RequestError("invalid", control_characters_message(), "comment")
    text = (comment or "").strip() or None
    if text and len(text) > MAX_COMMENT:
        raise RequestError("invalid", _l("At most %(n)s characters, please.", n=MAX_COMMENT),
                           "comment")
    if request.answer is not None:
        raise RequestError("not_allowed", _l(
            "This questionnaire has already been answered. Thank you."))
    row = RequestAnswer(request_id=request.id, answer=chosen, comment=text)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise RequestError("not_allowed", _l(
            "This questionnaire has already been answered. Thank you.")) from None
    session.expire(request, ["answer"])
    if chosen != SatisfactionAnswer.not_satisfied:
        return row
    if request.status == RequestStatus.resolved:
        change_status(session, request, RequestStatus.handling, user=None,
                      note=text or str(_l("The resident says it is not resolved.")),
                      expected=RequestStatus.resolved)
    elif (request.status == RequestStatus.merged and request.merged_into is not None
          and request.merged_into.status == RequestStatus.resolved):
        change_status(session, request.merged_into, RequestStatus.handling, user=None,
                      note=str(_l("A resident who raised the same matter (request %(code)s) "
                                  "says it is not resolved.", code=request.reference_code)),
                      expected=RequestStatus.resolved)
    return row


def send_due_questionnaires(session: Session, now: datetime) -> int:
    """Ask every raiser whose request (or the request theirs was merged into) has been resolved
    for LINLI_SURVEY_AFTER_DAYS and who was not asked yet; returns how many messages were
    recorded (each is sent after commit; the notification log says what became of it).
    Flushes only. A request reopened meanwhile is not resolved, so not asked until it is
    again."""
    R = ResidentRequest
    survivor = aliased(ResidentRequest)
    cutoff = now - timedelta(days=survey_after_days())
    waiting = (R.survey_token.is_not(None), R.survey_sent_at.is_(None),
               ~exists().where(RequestAnswer.request_id == R.id))
    own = session.scalars(
        select(R).where(R.status == RequestStatus.resolved, R.resolved_at <= cutoff, *waiting)
        .order_by(R.id)).all()
    merged = session.execute(
        select(R, survivor).join(survivor, survivor.id == R.merged_into_id)
        .where(R.status == RequestStatus.merged, survivor.status == RequestStatus.resolved,
               survivor.resolved_at <= cutoff, *waiting)
        .order_by(R.id)).all()
    asked = 0
    for request, outcome_of in [(r, None) for r in own] + [tuple(row) for row in merged]:
        if ask_whether_resolved(session, request, outcome_of=outcome_of) is not None:
            asked += 1
        request.survey_sent_at = now
    session.flush()
    return asked
