"""Error pages in the site's layout and the user's language: 400, 403, 404, 405 and 500.

Pages under /admin get the admin's layout (its menu, language switch and logout), every other
page the public one. The API answers its own errors as JSON (`app.api`), so its paths keep
the plain response.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import Forbidden, HTTPException, InternalServerError

from app.api.problems import from_http_exception
from app.extensions import db

TITLES = {
    400: _l("The request could not be understood"),
    403: _l("No access"),
    404: _l("Page not found"),
    405: _l("This page cannot be opened this way"),
    500: _l("Something went wrong"),
}

EXPLANATIONS = {
    400: _l("The form may have expired. Please go back, reload the page and try again."),
    403: _l("Your account may not open this page. If you need it, ask the town "
            "administrator."),
    404: _l("The address may be mistyped, or the page was removed."),
    405: _l("Please go back to the previous page and use its buttons."),
    500: _l("Nothing was saved. Please try again in a moment; if it happens again, tell the "
            "town administrator."),
}


class RefusedWithReason(Forbidden):
    """A 403 whose page says why (instead of the general explanation)."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


def error_page(error: HTTPException) -> Any:
    code = error.code or 500
    if request.path.startswith("/api/"):  # raised before the API's own handlers could run
        return from_http_exception(error)
    if code >= 500:
        db.session.rollback()
    g.error_page = True
    context = {"code": code, "title": TITLES.get(code, TITLES[500]),
               "explanation": EXPLANATIONS.get(code, EXPLANATIONS[500])}
    if isinstance(error, RefusedWithReason):
        context["explanation"] = error.reason
    headers = error.get_headers() if code == 405 else None
    if request.path.startswith("/admin"):
        index = current_app.extensions["admin"][0].index_view
        body = index.render("linli_admin/error.html", **context)
    else:
        body = render_template("errors/error.html", **context)
    response = current_app.make_response((body, code))
    if headers:
        response.headers.extend([(k, v) for k, v in headers if k.lower() == "allow"])
    return response


def init_app(app: Flask) -> None:
    for code in (400, 403, 404, 405):
        app.register_error_handler(code, error_page)
    app.register_error_handler(InternalServerError, error_page)
