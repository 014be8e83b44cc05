from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import text
from werkzeug.wrappers import Response

from app.extensions import csrf, db
from app.i18n import answers_get
from app.tasks.queue import huey
from app.urls import landing_url, safe_next_url

main_bp = Blueprint("main", __name__)
log = logging.getLogger(__name__)


@main_bp.route("/")
def index() -> Response:
    return redirect(landing_url(current_user))


@main_bp.get("/healthz")
def healthz() -> Response | tuple[Response, int]:
    """For load balancers and monitoring: the database and the task queue answer. 503 with
    the failing part named when either is down (the details go to the log, not the client)."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:
        log.exception("health check: database")
        db.session.rollback()
        checks["database"] = "unavailable"
    try:
        huey.storage.queue_size()
        checks["queue"] = "ok"
    except Exception:
        log.exception("health check: queue")
        checks["queue"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    body = jsonify(status="ok" if healthy else "unavailable", checks=checks)
    return body if healthy else (body, 503)


@main_bp.route("/_baseline", methods=["GET", "POST"])
@csrf.exempt
def baseline() -> Response:
    """The benchmarks' yardstick: the whole server stack (gunicorn, middleware, Flask) with
    no database, session or template. Off unless LINLI_BENCHMARK_BASELINE is set."""
    if not current_app.config["LINLI_BENCHMARK_BASELINE"]:
        abort(404)
    return jsonify(ok=True)


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
