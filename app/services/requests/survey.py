"""The questionnaire after resolution: the resident who raised a request, if they left a
phone or e-mail, gets a short link with the resolution message and says whether it is resolved
(satisfied, partly, not), with a comment if they like. One answer per request, kept; "not
resolved" reopens the request with their words, as FixMyStreet's questionnaire does. The
answers are the satisfaction figure of `flask requests stats` (`stats.request_stats`).
The raiser of a request merged into the resolved one is asked too: the answer is kept on their
own request (it counts like any other) and "not resolved" reopens the request that was handled,
with a note that does not repeat their words (its own raiser reads that history).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.enums import RequestStatus, SatisfactionAnswer
from app.models import RequestAnswer, ResidentRequest
from app.services.requests.errors import RequestError
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
