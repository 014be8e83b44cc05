"""The public page where a resident types a reference code (of a request or of a sign-up)
and sees its state: for whoever has the code but not the private link (lost, or the code was
read out to them). It shows only what `reference_codes` allows; a POST with the CSRF token,
counted against its own rate limit, so codes cannot be tried one after another."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext
from werkzeug.wrappers import Response

from app.enums import RegistrationStatus
from app.extensions import db
from app.public.limits import lookup_limits
from app.public.views import public_bp
from app.services import reference_codes

#: The longest input shown back (the field's own limit; codes are 8 characters).
MAX_TYPED = 20


@public_bp.get("/lookup")
def reference_lookup() -> str:
    return render_template("public/lookup.html", code="")


@public_bp.post("/lookup")
@lookup_limits
def reference_lookup_submit() -> Response:
    code = (request.form.get("code") or "")[:MAX_TYPED]
    error, status, found = None, 200, None
    if not code.strip():
        error, status = gettext("Type the reference code."), 422
    else:
        found = reference_codes.look_up(db.session, code)
        if found is None:
            error, status = gettext(
                "No request or sign-up has the code %(code)s. Check it on your message or "
                "page: a request's code is Q and seven letters and digits, a sign-up's is "
                "eight letters and digits.", code=code.strip()), 404
    body = render_template(
        "public/lookup.html", code=code, error=error, statuses=RegistrationStatus,
        request_state=found if isinstance(found, reference_codes.RequestState) else None,
        signup_state=found if isinstance(found, reference_codes.SignupState) else None)
    response = Response(body, status=status, mimetype="text/html")
    # The answer is about one person's request or sign-up: never kept by a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
