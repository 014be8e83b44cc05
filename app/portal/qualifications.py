"""The volunteer's own qualifications and their scans. A scan is served to her (here) and to
the coordinators of her neighbourhood (the admin), never publicly and never cached by a shared
cache."""

from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from app.extensions import db
from app.models import Qualification, QualificationScan
from app.portal.views import _require_volunteer, portal_bp
from app.services import qualification_scans


def scan_response(scan: QualificationScan) -> Response:
    """A kept scan as a private response: an image shown inline, a PDF downloaded (a PDF
    viewer in the page would run the file's own scripts), sandboxed either way."""
    response = Response(scan.data, mimetype=scan.content_type)
    kind = "attachment" if scan.content_type == qualification_scans.PDF else "inline"
    response.headers["Content-Disposition"] = (
        f'{kind}; filename="{qualification_scans.file_name(scan)}"')
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@portal_bp.get("/qualifications")
def qualifications_page() -> str:
    volunteer = _require_volunteer()
    rows = db.session.scalars(
        select(Qualification).where(Qualification.volunteer_id == volunteer.id)
        .options(joinedload(Qualification.skill), joinedload(Qualification.scan))
        .order_by(Qualification.valid_until, Qualification.id)).unique().all()
    return render_template("portal/qualifications.html", volunteer=volunteer,
                           qualifications=rows)


@portal_bp.get("/qualifications/<int:qualification_id>/scan")
def qualification_scan(qualification_id: int) -> Response:
    volunteer = _require_volunteer()
    scan = qualification_scans.scan_of_volunteer(db.session, qualification_id, volunteer.id)
    if scan is None:
        abort(404)
    return scan_response(scan)
