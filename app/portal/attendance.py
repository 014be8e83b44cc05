"""Check-in and check-out on the phone, the volunteer's own service hours and certificate.

The station's QR code opens a page that names the shift and asks for one tap: a GET changes
nothing, the tap is a POST with the CSRF token. The time is the server's.
"""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.extensions import db
from app.i18n import deployment_zone
from app.models import Assignment, Shift, utcnow
from app.portal.forms import CertificateForm
from app.portal.views import _require_volunteer, portal_bp
from app.services import links
from app.services.attendance import certificates, hours, recording


def _station_shift(token: str) -> Shift:
    shift_id = links.read_checkin_token(token)
    shift = db.session.get(Shift, shift_id) if shift_id is not None else None
    if shift is None:
        flash(_("This check-in code is not valid now. Check-in opens an hour before the shift "
                "and closes when it ends; ask the coordinator at the station."), "danger")
        abort(redirect(url_for("portal.index")))
    return shift


@portal_bp.get("/checkin/<token>")
def checkin(token: str) -> str:
    volunteer = _require_volunteer()
    shift = _station_shift(token)
    return render_template("portal/checkin.html", volunteer=volunteer, shift=shift, token=token)


@portal_bp.post("/checkin/<token>")
def checkin_confirm(token: str) -> Response | tuple[str, int]:
    volunteer = _require_volunteer()
    shift = _station_shift(token)
    try:
        assignment = recording.assignment_for_checkin(db.session, shift.id, volunteer.id)
        attendance = recording.check_in(db.session, assignment, zone=deployment_zone())
    except recording.AttendanceError as error:
        flash(str(error), "danger")
        return render_template("portal/checkin.html", volunteer=volunteer, shift=shift,
                               token=token), 400
    if attendance.late_minutes:
        flash(_("Checked in, %(n)s minutes late. Thank you for coming!",
                n=attendance.late_minutes), "success")
    else:
        flash(_("Checked in. Thank you for coming!"), "success")
    return redirect(url_for("portal.index"))


@portal_bp.post("/checkout/<int:assignment_id>")
def checkout(assignment_id: int) -> Response:
    volunteer = _require_volunteer()
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.volunteer_id != volunteer.id:
        abort(404)
    try:
        attendance = recording.check_out(db.session, assignment, zone=deployment_zone())
    except recording.AttendanceError as error:
        flash(str(error), "danger")
        return redirect(url_for("portal.index"))
    flash(_("Checked out: %(hours)s hours added to your service record.",
            hours=hours.hours_text(attendance.credited_minutes)), "success")
    return redirect(url_for("portal.hours_page"))


@portal_bp.get("/hours")
def hours_page() -> str:
    volunteer = _require_volunteer()
    today = utcnow().astimezone(deployment_zone()).date()
    year_start = today.replace(month=1, day=1)
    return render_template(
        "portal/hours.html", volunteer=volunteer,
        total=hours.volunteer_minutes(db.session, volunteer.id),
        this_year=hours.volunteer_minutes(db.session, volunteer.id, start=year_start),
        entries=hours.entries(db.session, volunteer.id, limit=200),
        hours_text=hours.hours_text, year=today.year,
        certificate_form=CertificateForm(starts_on=year_start, ends_on=today))


@portal_bp.post("/hours/certificate")
def hours_certificate() -> Response:
    """The volunteer's own certificate over the period they chose: issued, then downloaded."""
    volunteer = _require_volunteer()
    form = CertificateForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(str(errors[0]), "danger")
        return redirect(url_for("portal.hours_page"))
    try:
        certificate, pdf = certificates.make(db.session, volunteer, form.starts_on.data,
                                             form.ends_on.data, issued_by_id=None)
    except certificates.CertificateError as error:
        db.session.rollback()
        flash(str(error), "danger")
        return redirect(url_for("portal.hours_page"))
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=certificates.file_name(certificate))
