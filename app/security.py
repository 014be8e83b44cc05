"""Login sessions, password hashing and the HTTP security headers every response carries."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import csrf as anonymous_csrf
from app.extensions import csrf, db, login_manager
from app.models import User

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Session ids are `user id:session version`; bumping the version ends old sessions."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.scalar(select(User).where(User.id == int(user_id)))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


#: Our pages load scripts from files only. The admin's pages come from Flask-Admin's
#: templates, which carry inline scripts: there (only) inline scripts stay allowed.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self'{inline}; frame-ancestors 'none'; form-action 'self'; base-uri 'self'")
HSTS = "max-age=31536000; includeSubDomains"


def _security_headers(response: Response) -> Response:
    from flask import current_app, request

    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    inline = " 'unsafe-inline'" if request.path.startswith("/admin/") else ""
    response.headers.setdefault("Content-Security-Policy", CSP.format(inline=inline))
    if current_app.config.get("LINLI_HTTPS"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def configure_https(app: Flask) -> None:
    """LINLI_HTTPS=true for a deployment served over HTTPS only: cookies are sent over HTTPS
    only, links are built with https, and browsers are told (HSTS) never to use plain HTTP."""
    if app.config.get("LINLI_HTTPS"):
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True,
                          PREFERRED_URL_SCHEME="https")


def _refuse_control_characters() -> Response | tuple[str, int] | None:
    """Control characters (a NUL byte above all) in a query or a posted text: refused with a
    message before any view sees them. The admin checks its forms field by field instead, and
    the API validates its documented inputs itself (answers it documents: 422)."""
    from flask import render_template, request

    from app.services.text_input import control_characters_message, has_control_characters

    if request.path.startswith("/api/"):
        return None
    values = list(request.args.values())
    if not request.path.startswith("/admin/"):
        values += [v for k, v in request.form.items(multi=True) if k != "password"]
    if not any(has_control_characters(value) for value in values):
        return None
    return render_template("public/message.html", status=400,
                           message=control_characters_message()), 400


def init_app(app: Flask) -> None:
    configure_https(app)
    app.before_request(_refuse_control_characters)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    anonymous_csrf.init_app(app)
    app.after_request(_security_headers)
