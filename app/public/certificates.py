"""The public check of an hours certificate: whoever holds the paper (a school, a party
branch) scans its QR code or types its code and sees the certified figures — the name masked,
nothing else about the volunteer."""

from __future__ import annotations

from flask import render_template, request

from app.extensions import db
from app.public.views import public_bp
from app.services.attendance import certificates, hours
from app.services.signup import mask_name


@public_bp.get("/verify/")
@public_bp.get("/verify/<code>")
def verify_certificate(code: str | None = None) -> tuple[str, int] | str:
    code = code or request.args.get("code", "")
    if not code:
        return render_template("public/verify.html", certificate=None, code="")
    certificate = certificates.find(db.session, code)
    page = render_template("public/verify.html", certificate=certificate, code=code,
                           name=mask_name(certificate.volunteer_name) if certificate else "",
                           hours=hours.hours_text(certificate.minutes) if certificate else "")
    return page if certificate is not None else (page, 404)
