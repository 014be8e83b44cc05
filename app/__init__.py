"""Linli 邻里: the Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import database, errors, feeds, i18n, logs, ratelimits, security, tasks, unavailable
from app.api import init_api
from app.auth import auth_bp
from app.cli import register_cli
from app.config import instance_dir, load_config
from app.extensions import babel, limiter
from app.ids import IdConverter
from app.main import main_bp
from app.portal import portal_bp
from app.public import public_bp, staff_bp
from app.respond import respond_bp


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(instance_dir()), instance_relative_config=True)
    load_config(app, config)
    # Before any route exists: every `<int:…>` in a URL is bounded to the ids a row can have.
    app.url_map.converters["int"] = IdConverter
    _trust_proxies(app)
    logs.init_app(app)
    database.init_app(app)
    unavailable.init_app(app)
    i18n.init_app(app, babel)
    security.init_app(app)
    errors.init_app(app)
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    feeds.init_app(app)
    app.register_blueprint(portal_bp)
    app.register_blueprint(respond_bp)
    limiter.init_app(app)
    ratelimits.init_app(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(staff_bp)
    init_api(app)
    # The admin depends on the app, not the other way round; importing it here, when the
    # factory runs, keeps `import admin` from re-entering a half-initialised `app` package.
    from admin import init_admin

    init_admin(app)
    register_cli(app)
    tasks.init_app(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind a reverse proxy, take the client's address (rate limits, logs) and scheme from
    the X-Forwarded-* headers, for as many proxies as configured (none by default)."""
    hops = {
        name: app.config[f"LINLI_PROXY_FIX_X_{name.upper()}"]
        for name in ("for", "proto", "host", "port", "prefix")
    }
    if any(hops.values()):
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=hops["for"], x_proto=hops["proto"], x_host=hops["host"],
            x_port=hops["port"], x_prefix=hops["prefix"],
        )
