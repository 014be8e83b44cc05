"""CSRF for pages anonymous visitors can cache, and their conditional answers (ETag, 304).

Flask-WTF keeps each visitor's token in the session, so every anonymous GET of a page with a
form set a session cookie, and no two visitors saw the same page: nothing could be cached.
For a visitor without a session cookie, the public event pages (ANONYMOUS_PAGES) carry an
*anonymous token* instead: signed with SECRET_KEY, the same for everyone within an hour, valid
for WTF_CSRF_TIME_LIMIT. It is accepted only by the two forms those pages post to
(ANONYMOUS_ENDPOINTS: the resident's sign-up, a resident's new request, its SMS code or
"me too", and the language switch), which act for nobody in
particular; every other POST (admin, portal, logout, cancel) still needs the session token.

Those pages then answer an anonymous GET with a strong ETag of the body and `Cache-Control:
no-cache` (browsers and proxies revalidate), and a 304 when the visitor's copy is current.
"""

from __future__ import annotations

import time

from flask import Flask, Response, current_app, g, request
from flask_wtf.csrf import CSRFProtect, _FlaskFormCSRF, generate_csrf
from itsdangerous import BadSignature, URLSafeSerializer

ANONYMOUS_PAGES = frozenset({"public.event_detail", "public.event_signup", "public.event_list",
                             "public.request_form", "public.request_submit",
                             "public.request_send_code",
                             "public.board_index", "public.board"})
ANONYMOUS_ENDPOINTS = frozenset({"public.event_signup", "public.request_submit",
                                 "public.request_send_code",
                                 "public.request_me_too", "main.set_language"})
_BUCKET_SECONDS = 3600
_SALT = "linli-anonymous-form"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def is_anonymous_visitor() -> bool:
    """No session cookie: nothing about this visitor is stored, so nothing needs storing."""
    return current_app.config["SESSION_COOKIE_NAME"] not in request.cookies


def anonymous_token() -> str:
    return _serializer().dumps(int(time.time() // _BUCKET_SECONDS))


def valid_anonymous_token(token: str | None) -> bool:
    if not token:
        return False
    try:
        bucket = int(_serializer().loads(token))
    except (BadSignature, TypeError, ValueError):
        return False
    age = time.time() - bucket * _BUCKET_SECONDS
    return 0 <= age <= current_app.config["WTF_CSRF_TIME_LIMIT"] + _BUCKET_SECONDS


def uses_anonymous_token() -> bool:
    return request.endpoint in ANONYMOUS_PAGES and is_anonymous_visitor()


def csrf_token() -> str:
    """The template global: the anonymous token on cacheable pages, else Flask-WTF's."""
    return anonymous_token() if uses_anonymous_token() else generate_csrf()


class AnonymousAwareCSRF(_FlaskFormCSRF):
    """For forms on ANONYMOUS_PAGES (`class Meta: csrf_class = AnonymousAwareCSRF`)."""

    def generate_csrf_token(self, csrf_token_field):  # type: ignore[no-untyped-def]
        return anonymous_token() if uses_anonymous_token() else super().generate_csrf_token(
            csrf_token_field)


class LinliCSRFProtect(CSRFProtect):
    def protect(self, apply_exemptions: bool = False) -> None:  # type: ignore[override]
        if (request.method in current_app.config["WTF_CSRF_METHODS"]
                and request.endpoint in ANONYMOUS_ENDPOINTS
                and valid_anonymous_token(self._get_csrf_token())):
            g.csrf_valid = True
            return
        super().protect(apply_exemptions)


CACHEABLE_PAGES = frozenset({"public.event_detail", "public.event_list", "public.request_form",
                             "public.board_index", "public.board"})


def _conditional_anonymous_get(response: Response) -> Response:
    if (request.method in {"GET", "HEAD"} and response.status_code in (200, 304)
            and request.endpoint in CACHEABLE_PAGES and is_anonymous_visitor()
            and "Set-Cookie" not in response.headers):
        response.headers["Cache-Control"] = "no-cache"
        response.vary.add("Accept-Language")
        if response.get_etag()[0] is None:
            response.add_etag()
        response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token
    # Flask-WTF also puts its own in every template context; this one, registered later, wins.
    app.context_processor(lambda: {"csrf_token": csrf_token})
    app.after_request(_conditional_anonymous_get)
