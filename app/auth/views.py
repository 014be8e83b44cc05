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
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.auth.forms import LoginForm
from app.extensions import db
from app.services.accounts import authenticate
from app.urls import landing_url, safe_next_url

auth_bp = Blueprint("auth", __name__)


@auth_bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        result = authenticate(
            db.session,
            form.username.data or "",
            form.password.data or "",
            max_failures=current_app.config["LINLI_LOGIN_MAX_FAILURES"],
            lock_minutes=current_app.config["LINLI_LOGIN_LOCK_MINUTES"],
        )
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
    logout_user()
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))
