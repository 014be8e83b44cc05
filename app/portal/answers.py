"""Confirming or declining a shift that awaits the volunteer's answer, from the portal's list
of their shifts: the same answer as the link in their message (`seats.respond`), a POST with
the CSRF token, and the page says what happened.

A shift already confirmed is left through a drop or swap request instead (`app.portal.swaps`),
so a coordinator decides and the shift never loses a volunteer unnoticed.
"""

from __future__ import annotations

from flask import abort, flash
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.enums import AssignmentStatus
from app.extensions import db
from app.models import Assignment
from app.portal.views import _require_volunteer, back_to_shift, portal_bp
from app.services.scheduler import seats, text


@portal_bp.post("/assignments/<int:assignment_id>/<any(confirm, decline):action>")
def answer(assignment_id: int, action: str) -> Response:
    volunteer = _require_volunteer()
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.volunteer_id != volunteer.id:
        abort(404)
    if action == "decline" and assignment.status == AssignmentStatus.confirmed:
        flash(_("You have confirmed this shift; if you cannot come, ask to drop or swap it "
                "(under the shift)."), "warning")
        return back_to_shift(assignment_id)
    outcome = seats.respond(db.session, assignment.id, action)
    flash(text.answer_message(outcome),
          "success" if outcome in ("confirmed", "declined") else "info")
    return back_to_shift(assignment_id)
