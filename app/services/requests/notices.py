"""Telling the resident who raised a request what became of it, at each step: received, every
change of state (with what was said, and the council's decision), resolved (with the notice
board when posted). The raisers of requests merged into it are told when it is resolved.
Through the notification service, so each message is recorded and sent after commit by e-mail
or SMS; an anonymous request has nobody to tell."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import RequestStatus
from app.i18n import localised
from app.models import Notification, RequestChange, ResidentRequest
from app.services import links, notify
from app.services.requests.wording import next_step, state_label

#: The message telling the raiser another group has their request (`tell_rerouted`).
REROUTED = "requests/rerouted"


def template_for(to_status: RequestStatus) -> str:
    if to_status == RequestStatus.received:
        return "requests/received"
    if to_status == RequestStatus.resolved:
        return "requests/resolved"
    return "requests/progress"


def tell(session: Session, request: ResidentRequest,
         change: RequestChange) -> Notification | None:
    """Record (and, after commit, send) the message for one step of the request; on its
    resolution, also to the raisers of the requests merged into it."""
    if change.to_status == RequestStatus.resolved:
        for merged in session.scalars(
                select(ResidentRequest)
                .where(ResidentRequest.merged_into_id == request.id,
                       ResidentRequest.status == RequestStatus.merged)
                .order_by(ResidentRequest.id)):
            _tell_one(session, merged, change, outcome_of=request)
    return _tell_one(session, request, change)


def _context(request: ResidentRequest, handled: ResidentRequest,
             state: object | None = None) -> dict[str, object]:
    """What every message about `handled` says to `request`'s raiser, in their language:
    the code, their page, the committee, the state (`state`, else the request's own) and what
    happens next."""
    locale = notify.recipient_locale(request.locale)
    with force_locale(locale):
        return {
            "code": request.reference_code,
            "url": links.request_url(request.follow_token),
            "committee": localised(request.neighbourhood.name, request.neighbourhood.name_en,
                                   "en" if locale == "en" else "zh_CN"),
            "state": str(state if state is not None else state_label(handled)),
            "next": str(next_step(handled)),
        }


def _tell_one(session: Session, request: ResidentRequest, change: RequestChange,
              outcome_of: ResidentRequest | None = None) -> Notification | None:
    """The message to `request`'s raiser about `change`, a step of `outcome_of` (the
    request it was merged into) or of the request itself."""
    if not request.email and not request.phone:
        return None
    handled = outcome_of or request
    context = _context(request, handled, None if change.to_status == handled.status
                       else change.to_status.label)
    if outcome_of is not None:
        context["together_with"] = outcome_of.reference_code
    if change.note:
        context["note"] = change.note
    if change.from_status == RequestStatus.council and handled.council_decision:
        context["decision"] = handled.council_decision
    if change.to_status == RequestStatus.resolved and handled.posted_at is not None:
        context["board_url"] = links.board_url(handled.neighbourhood_id)
    if (change.to_status == RequestStatus.resolved and request.survey_token
            and request.answer is None and request.survey_sent_at is None):
        if survey_after_days() == 0:
            context["survey_url"] = links.survey_url(request.survey_token)
            request.survey_sent_at = change.at
        else:
            context["survey_in_days"] = survey_after_days()
    return notify.to_requester(session, request, template_for(change.to_status), **context)


def tell_rerouted(session: Session, request: ResidentRequest,
                  change: RequestChange) -> Notification | None:
    """Tell the raiser that another service group has their request now (a re-routing), and
    why; None when they left no contact (an anonymous request). Only a number proved theirs
    (or given on a call, with consent) is kept on a request, so the SMS reaches its owner."""
    if not request.email and not request.phone:
        return None
    context = _context(request, request)
    context["group"] = request.service_group.name if request.service_group else ""
    if change.note:
        context["note"] = change.note
    return notify.to_requester(session, request, REROUTED, **context)


def survey_after_days() -> int:
    """Days after resolution before the raiser is asked whether it stayed resolved."""
    return max(0, int(current_app.config["LINLI_SURVEY_AFTER_DAYS"]))


def ask_whether_resolved(session: Session, request: ResidentRequest, *,
                         outcome_of: ResidentRequest | None = None) -> Notification | None:
    """The questionnaire to `request`'s raiser (`survey`): the short link, about
    `outcome_of` when their request was merged into it. Flushes; sent after commit."""
    context = _context(request, outcome_of or request)
    return notify.to_requester(session, request, "requests/survey",
                               survey_url=links.survey_url(request.survey_token), **context)
