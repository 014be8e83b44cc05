"""Confirm / decline / accept-help pages.

A GET only shows the shift and the buttons; the change is a POST form with a CSRF token, so a
mail scanner that follows every link changes nothing. The link declines only a shift awaiting
the answer: a confirmed one is left through the portal's drop or swap request, and the page
says so. The link itself is the credential: an
`itsdangerous` signature with the app's secret, carrying the assignment (or help request and
volunteer) id, that expires after 14 days.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from app.enums import AssignmentStatus
from app.extensions import db
from app.i18n import deployment_zone
from app.models import Assignment, HelpRequest, Volunteer
from app.services import links
from app.services.scheduler import seats, text

respond_bp = Blueprint("respond", __name__, url_prefix="/respond")


@respond_bp.after_request
def _private(response: Response) -> Response:
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _assignment_or_404(token: str) -> Assignment:
    assignment_id = links.read_assignment_token(token)
    if assignment_id is None:
        abort(404)
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        abort(404)
    return assignment


@respond_bp.get("/a/<token>")
def assignment_page(token: str) -> str:
    assignment = _assignment_or_404(token)
    return render_template(
        "respond/assignment.html", assignment=assignment, token=token,
        line=text.shift_line(assignment.shift, deployment_zone()),
        # A confirmed shift is left by a drop or swap request the coordinator decides, never
        # by this link: the page says how instead of offering to decline.
        ask_to_drop=(text.answer_message("confirmed_ask_to_drop")
                     if assignment.status == AssignmentStatus.confirmed else None),
    )


def _outcome_message(outcome: str) -> str:
    """The message of one known outcome code; 404 for anything else."""
    # A fixed set: the address is typed by anyone, its text is never shown as ours.
    if outcome not in text.ANSWER_OUTCOMES:
        abort(404)
    return text.answer_message(outcome)


@respond_bp.post("/a/<token>/<action>")
def assignment_answer(token: str, action: str) -> Response | str:
    if action not in ("confirm", "decline"):
        abort(404)
    assignment_id = links.read_assignment_token(token)
    if assignment_id is None:
        abort(404)
    outcome = seats.respond(db.session, assignment_id, action)
    return redirect(url_for("respond.done", outcome=outcome))


@respond_bp.get("/done/<outcome>")
def done(outcome: str) -> str:
    return render_template("respond/done.html", message=_outcome_message(outcome),
                           outcome=outcome)


@respond_bp.get("/help/<token>")
def help_page(token: str) -> str:
    data = links.read_help_token(token)
    if data is None:
        abort(404)
    help_request = db.session.get(HelpRequest, data[0])
    volunteer = db.session.get(Volunteer, data[1])
    if help_request is None or volunteer is None:
        abort(404)
    return render_template(
        "respond/help.html", help_request=help_request, volunteer=volunteer, token=token,
        line=text.shift_line(help_request.shift, deployment_zone()),
        full=help_request.taken >= help_request.seats,
    )


@respond_bp.post("/help/<token>")
def help_accept(token: str) -> Response:
    data = links.read_help_token(token)
    if data is None:
        abort(404)
    # The service's first statement is the conditional update: read nothing before it.
    outcome = seats.accept_help(db.session, data[0], data[1])
    return redirect(url_for("respond.done", outcome=outcome))
