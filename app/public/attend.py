"""Residents sign themselves in at a session: the printed sheet's code opens this page on their
phone, and they type the reference code of their sign-up. The code of one course marks nobody
at another; the sheet's code names its session and works only around its time. The page shows
the masked name only."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l

from app.enums import AttendanceMethod
from app.extensions import db
from app.i18n import local_datetime
from app.models import Event
from app.public.limits import attend_limits
from app.public.views import public_bp
from app.services import courses, links


@public_bp.route("/attend/<token>", methods=["GET", "POST"])
@attend_limits
def sheet_attend(token: str) -> str | tuple[str, int]:
    found = links.read_session_sheet_token(token)
    event = db.session.get(Event, found.event_id) if found is not None else None
    if found is None or event is None:
        abort(404)
    try:
        slot = courses.session_of(event, found.slot_key)
    except courses.AttendanceRefused:
        abort(404)
    context = {"event": event, "slot": slot, "token": token}
    if not found.current:
        opens, closes = courses.sheet_window(event, slot)
        return render_template("public/attend.html", **context, error=_l(
            "This sign-in code works from %(opens)s to %(closes)s only.",
            opens=local_datetime(opens), closes=local_datetime(closes)), closed=True), 409
    if request.method == "GET":
        return render_template("public/attend.html", **context)
    code = request.form.get("code", "")
    registration = courses.find_by_code(db.session, event, code)
    if registration is None:
        return render_template("public/attend.html", **context, code=code[:20], error=_l(
            "No sign-up for this event has the code %(code)s. It is on your confirmation "
            "(8 letters and digits).", code=code[:20])), 422
    try:
        marked = courses.mark_present(db.session, event, registration, slot,
                                      method=AttendanceMethod.sheet_qr)
    except courses.AttendanceRefused as refused:
        return render_template("public/attend.html", **context, code=code[:20],
                               error=str(refused)), 409
    return render_template("public/attend.html", **context, marked=marked)
