"""Asking to drop or swap a confirmed shift from the portal, and taking the request back.

A POST with the CSRF token; a refusal says why in the volunteer's language and changes
nothing, and one for what was typed (the colleague's number, the reason) shows the form again
with it. The rules are `app.services.scheduler.swaps`'.

A swap's answer repeats the number the volunteer typed and never a name: whether the number
is a volunteer's, and whose, is for the coordinator (the form told both to anyone who typed
numbers into it). On an event that approves swaps automatically, a swap that is done at once
still shows that some volunteer who could take the shift has the number; finding that out
costs the asker their shift each time, and names nobody.
"""

from __future__ import annotations

from flask import abort, flash, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.enums import ShiftChangeStatus
from app.extensions import db
from app.models import Assignment, ShiftChangeRequest
from app.portal.views import (
    HeldChange,
    _require_volunteer,
    back_to_shift,
    portal_bp,
    render_index,
)
from app.services.scheduler import swaps

#: Refusals for what was typed: the form comes back with it, saying why, to be corrected.
TYPED_WRONG = frozenset({"phone", "self", "reason"})


@portal_bp.post("/assignments/<int:assignment_id>/change")
def ask_change(assignment_id: int) -> Response | tuple[str, int]:
    volunteer = _require_volunteer()
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.volunteer_id != volunteer.id:
        abort(404)
    swap = request.form.get("kind") == "swap"
    typed_phone = request.form.get("colleague_phone", "")
    reason = request.form.get("reason", "")
    phone = typed_phone if swap else ""
    try:
        if swap and not phone.strip():
            raise swaps.SwapError("phone", _("Please enter your colleague's 11-digit mobile "
                                             "number."))
        change = swaps.ask(db.session, assignment, colleague_phone=phone, reason=reason)
    except swaps.SwapError as error:
        if error.code not in TYPED_WRONG:  # nothing to type again: the shift's state says why
            flash(error.message, "danger")
            return back_to_shift(assignment_id)
        held = HeldChange(assignment_id, typed_phone, reason, error.message)
        return render_index(volunteer, held), 400
    if change.status == ShiftChangeStatus.approved:  # the event approves them automatically
        if change.is_swap:
            flash(_("Done: the shift is handed over to your colleague with the number "
                    "%(phone)s, who has been asked to confirm. You are no longer on it.",
                    phone=change.colleague_phone), "success")
        else:
            flash(_("Done: you are no longer on this shift; the seat is offered to other "
                    "volunteers."), "success")
    elif change.is_swap:
        flash(_("Asked: if %(phone)s is the number of a volunteer who can take this shift, the "
                "coordinator decides whether they take it over; you get a message either way. "
                "Until then you are still on it.", phone=change.colleague_phone), "success")
    else:
        flash(_("Asked: the coordinator decides whether you may drop this shift. Until then "
                "you are still on it."), "success")
    return back_to_shift(assignment_id)


@portal_bp.post("/changes/<int:change_id>/withdraw")
def withdraw_change(change_id: int) -> Response:
    volunteer = _require_volunteer()
    change = db.session.get(ShiftChangeRequest, change_id)
    if change is None or change.volunteer_id != volunteer.id:
        abort(404)
    try:
        swaps.withdraw(db.session, change, volunteer.id)
    except swaps.SwapError as error:
        flash(error.message, "danger")
        return back_to_shift(change.assignment_id)
    flash(_("Your request has been withdrawn; you stay on the shift."), "success")
    return back_to_shift(change.assignment_id)
