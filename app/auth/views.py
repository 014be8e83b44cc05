from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from limits import RateLimitItemPerMinute
from werkzeug.wrappers import Response

from app.auth.forms import LoginForm
from app.extensions import db, limiter
from app.services.accounts import authenticate, end_sessions
from app.urls import landing_url, safe_next_url

auth_bp = Blueprint("auth", __name__)


def _ip_limit() -> str:
    return current_app.config["LINLI_LOGIN_RATE_LIMIT_IP"]


def _failures() -> tuple[RateLimitItemPerMinute, str]:
    """Failed logins are counted per username *and* client IP: an attacker who guesses
    from one address throttles only themselves, never the real user (or the town admin)."""
    config = current_app.config
    item = RateLimitItemPerMinute(config["LINLI_LOGIN_MAX_FAILURES"],
                                  config["LINLI_LOGIN_LOCK_MINUTES"])
    return item, f"{(request.form.get('username') or '').strip().lower()}|{get_remote_address()}"


@auth_bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_ip_limit, key_func=get_remote_address, methods=["POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        item, key = _failures()
        throttled = not limiter.limiter.test(item, "login-failures", key)
        result = authenticate(db.session, form.username.data or "", form.password.data or "",
                              throttled=throttled)
        if result.failed:
            limiter.limiter.hit(item, "login-failures", key)
        elif result.user is not None:
            limiter.limiter.clear(item, "login-failures", key)
        if result.user is None:
            # The failure counter must be saved even though the answer is a refusal.
            db.session.commit()
            flash(result.error or _("Wrong username or password."), "danger")
            return render_template("auth/login.html", form=form), 401
        locale = session.get("locale")
        # A fresh session on login, so a session id planted before login is worthless.
        session.clear()
        if locale:
            session["locale"] = locale
        login_user(result.user)
        return redirect(safe_next_url(request.args.get("next")) or landing_url(result.user))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@auth_bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    # A server-side version in the session id: a copy of this cookie stops working too.
    end_sessions(db.session, current_user._get_current_object())
    db.session.commit()
    logout_user()
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))
