from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.i18n import answers_get
from app.urls import landing_url, safe_next_url

main_bp = Blueprint("main", __name__)


@main_bp.route("/")
def index() -> Response:
    return redirect(landing_url(current_user))


@main_bp.get("/healthz")
def healthz() -> Response:
    """Liveness for load balancers (and the feed benchmark's baseline): no database."""
    return jsonify(status="ok")


@main_bp.route("/language", methods=["POST"])
def set_language() -> Response:
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LINLI_LOCALES"]:
        abort(400)
    session["locale"] = locale
    if current_user.is_authenticated:
        current_user.locale = locale
    target = safe_next_url(request.form.get("next"))
    if target is None or not answers_get(target):
        target = url_for("main.index")
    return redirect(target)
