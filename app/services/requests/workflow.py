"""The life of a request: which step may follow which, and the record each step leaves.

    received ──► handling ──► explained ───────────────► resolved
                     │                                    ▲  │
                     ├──────► improving ──────────────────┤  │ reopened
                     │            ▲                       │  ▼
                     └──────► council ──► (improving, explained or resolved)
                                                        handling

Every step is a `RequestChange` row: who (the staff member, or nobody for the resident), when,
from which state to which, and the note — what was said to the resident, who reads it on their
private page. Steps that answer the resident (an explanation, a referral to the council, the
resolution, reopening) need a note. The step is a conditional update on the state the caller
saw, so two coordinators acting at once cannot both move the same request.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session

from app.enums import RequestStatus
from app.i18n import deployment_zone
from app.models import RequestAnswer, RequestChange, ResidentRequest, User, utcnow
from app.models.requests import new_survey_token
from app.services.requests import council, council_vote, follow_up, notices
from app.services.requests.board import (
    clean_board_text,
    on_postable_path,
    people_named,
    refuse_personal_data,
)
from app.services.requests.errors import RequestError
from app.services.requests.history import clean_note, record_change

S = RequestStatus

#: From each state, the states a coordinator may move a request to.
TRANSITIONS: dict[RequestStatus, tuple[RequestStatus, ...]] = {
    S.received: (S.handling,),
    S.handling: (S.explained, S.improving, S.council),
    S.explained: (S.resolved,),
    S.improving: (S.resolved,),
    S.council: (S.improving, S.explained, S.resolved),
    S.resolved: (S.handling,),
    #: Closed: handled, and answered, with the request it was merged into (`merging`).
    S.merged: (),
}

#: Steps that answer the resident: the note (what was said) is required.
NOTE_REQUIRED = frozenset({S.explained, S.council, S.resolved})

def allowed_steps(status: RequestStatus) -> tuple[RequestStatus, ...]:
    return TRANSITIONS[status]


def step_label(to_status: RequestStatus, from_status: RequestStatus | None = None) -> Any:
    """The name of a step as a button says it (not the state's name)."""
    if from_status == S.resolved and to_status == S.handling:
        return _l("Reopen")
    return {
        S.received: _l("Raised"),
        S.handling: _l("Take it in hand"),
        S.explained: _l("Answer with an explanation"),
        S.improving: _l("Carry out as an improvement"),
        S.council: _l("Refer to the residents' council"),
        S.resolved: _l("Mark resolved"),
        S.merged: _l("Merge into another request"),
    }[to_status]


def update_unless_changed(session: Session, request: ResidentRequest, conditions: tuple,
                          values: dict[str, Any], changed: Any) -> None:
    """Write `values` to `request` in one UPDATE that holds only while `conditions` do, so a
    step another user took in between is refused with nothing written: then the request is
    reloaded and `changed(request)` (the message saying what it is now) is raised."""
    moved = session.execute(
        update(ResidentRequest)
        .where(ResidentRequest.id == request.id, *conditions)
        .values(**values)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        session.refresh(request)
        raise RequestError("changed", changed(request))


def changed_state_message(request: ResidentRequest) -> str:
    return _l("Someone changed this request meanwhile: it is now “%(now)s”. Nothing was "
              "changed; look at it again.", now=request.status.label)


def _clean_decision(text: str | None, names: list[str]) -> str | None:
    """What the coordinator adds to the option adopted (public: posted with it)."""
    decision = clean_note(text, "council_decision")
    refuse_personal_data(decision, "council_decision", names)
    return decision


def _ask_merged_raisers(session: Session, request: ResidentRequest) -> None:
    """The raisers of the requests merged into `request` who left a phone or e-mail and have
    not answered are asked too (`notices` sends them the link)."""
    R = ResidentRequest
    for merged in session.scalars(
            select(R).where(R.merged_into_id == request.id, R.status == S.merged,
                            R.survey_token.is_(None), or_(R.phone.is_not(None),
                                                          R.email.is_not(None)),
                            ~exists().where(RequestAnswer.request_id == R.id))):
        merged.survey_token = new_survey_token()


def change_status(session: Session, request: ResidentRequest, to_status: RequestStatus | str,
                  *, user: User | None, note: str | None = None,
                  expected: RequestStatus | str | None = None,
                  board_title: str | None = None, result: str | None = None,
                  council_decision: str | None = None,
                  attended: Collection[str] | None = None,
                  vote: council_vote.VoteInput | None = None,
                  follow_up_on: date | None = None) -> RequestChange:
    """Move `request` to `to_status`, recording who, when and the note; flush only.

    `expected` is the state the user saw: if the request has moved since, nothing changes and
    `RequestError("changed")` says so. A step the workflow does not allow, or a missing note
    where one is required, is refused the same way, with nothing changed.

    Resolving an improvement or a council matter may post it on the notice board: give the
    entry's `board_title` and public `result` (both, or neither). Reopening takes it down.
    Leaving the residents' council needs the meeting's `vote` (the options, their votes, the
    abstentions: `council_vote`) and, when its meeting has an invitation list, the ids of the
    representatives who came (`attended`; the others are marked absent; the votes cannot
    outnumber them). The decision posted with the result is the option adopted followed by
    `council_decision`, the coordinator's words (conditions; how a tie was settled). An
    explanation plans the follow-up contact with the raiser on `follow_up_on` (default:
    `follow_up.DEFAULT_DAYS` ahead).
    """
    try:
        target = RequestStatus(to_status)
    except ValueError:
        raise RequestError("invalid", _l("Choose one of the steps offered."), "status") from None
    current = request.status
    if expected is not None and RequestStatus(expected) != current:
        raise RequestError("changed", _l(
            "Someone changed this request meanwhile: it is now “%(now)s”. Nothing was changed; "
            "look at it again.", now=current.label))
    if target not in TRANSITIONS[current]:
        allowed = "、".join(str(s.label) for s in TRANSITIONS[current])
        raise RequestError("not_allowed", _l(
            "A request that is “%(now)s” cannot become “%(to)s”. Possible next steps: "
            "%(allowed)s.", now=current.label, to=target.label, allowed=allowed), "status")
    text = clean_note(note)
    if target in NOTE_REQUIRED and not text:
        raise RequestError("invalid", _l(
            "Please write what was decided or said: the resident reads this note."), "note")
    decision = None
    turnout = None
    tally = None
    # The public texts may not name the request's people (read only when there are some).
    names = people_named(session, request) if (
        current == S.council or board_title or result) else []
    if current == S.council:
        council.require_held_meeting(session, request)
        turnout = council.attendance_plan(session, request, attended)
        words = _clean_decision(council_decision, names)
        tally = council_vote.check_vote(
            vote or council_vote.VoteInput(), note=words, names=names,
            present=None if turnout is None else sum(turnout.values()))
        decision = council_vote.decision_text(tally, words)
    zone = deployment_zone()
    follow_up_day = (follow_up.check_day(follow_up_on, utcnow().astimezone(zone).date())
                     if target == S.explained else None)
    board = clean_board_text(board_title, result, names)
    posts = target == S.resolved and on_postable_path(session, request)
    if board is not None and not posts:
        raise RequestError("invalid", _l(
            "Only a resolved improvement or council decision goes on the notice board; a "
            "personal matter answered with an explanation stays private."), "result")
    if posts and board is None:
        raise RequestError("invalid", _l(
            "An improvement or a council decision is posted on the notice board when it is "
            "resolved: write its title and result for everyone to read."), "board_title")
    now = utcnow()
    values: dict[str, Any] = {"status": target, "updated_at": now,
                              "resolved_at": now if target == S.resolved else None}
    if decision is not None:
        values.update(council_decision=decision, council_decided_at=now)
    if board is not None:
        values.update(board_title=board[0], result=board[1], posted_at=now)
    elif current == S.resolved:
        values["posted_at"] = None  # reopened: off the board until resolved again
    if target == S.resolved and (request.phone or request.email) and not session.scalar(
            select(exists().where(RequestAnswer.request_id == request.id))):
        # The raiser is asked once whether it is resolved (`survey`).
        values["survey_token"] = request.survey_token or new_survey_token()
    if target == S.resolved:
        _ask_merged_raisers(session, request)
    update_unless_changed(session, request, (ResidentRequest.status == current,), values,
                          changed_state_message)
    session.refresh(request, list(values))
    for person, came in (turnout or {}).items():
        person.attended = came
    change = record_change(session, request, current, target, user=user, note=text)
    if tally is not None:
        council_vote.record_vote(session, change, tally)
    if follow_up_day is not None:
        follow_up.schedule(session, request, follow_up_day, zone=zone)
    session.flush()
    notices.tell(session, request, change)
    return change
