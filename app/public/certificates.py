"""The public check of a certificate: whoever holds the paper (a school, a party branch, an
employer) scans its QR code or types its code and sees the certified figures — the name
masked, nothing else about the person. Hours certificates and course completion certificates
share the page and the code's form. A course's participant downloads their completion
certificate from the link of their sign-up."""

from __future__ import annotations

import io

from flask import abort, render_template, request, send_file
from werkzeug.wrappers import Response

from app.extensions import db
from app.public.views import public_bp
from app.services import courses, signup
from app.services.attendance import certificates, hours
from app.services.attendance.certificates import CertificateError
from app.services.signup import mask_name


@public_bp.get("/verify/")
@public_bp.get("/verify/<code>")
def verify_certificate(code: str | None = None) -> tuple[str, int] | str:
    code = code or request.args.get("code", "")
    if not code:
        return render_template("public/verify.html", certificate=None, code="")
    certificate = certificates.find(db.session, code)
    if certificate is not None:
        return render_template("public/verify.html", certificate=certificate, code=code,
                               name=mask_name(certificate.volunteer_name),
                               hours=hours.hours_text(certificate.minutes))
    completion = courses.find_certificate(db.session, code)
    if completion is not None:
        return render_template("public/verify.html", completion=completion, code=code,
                               name=mask_name(completion.resident_name))
    return render_template("public/verify.html", certificate=None, code=code), 404


@public_bp.post("/r/<token>/certificate")
def course_certificate(token: str) -> Response | tuple[str, int]:
    """A participant who completed a course downloads the completion certificate (the same
    one each time) from the link of their sign-up."""
    registration = signup.find_by_token(db.session, token)
    if registration is None:
        abort(404)
    try:
        certificate, pdf = courses.make_certificate(db.session, registration, issued_by_id=None)
    except CertificateError as error:
        return render_template("public/message.html", status=409, message=str(error)), 409
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=courses.certificate_file_name(certificate))
