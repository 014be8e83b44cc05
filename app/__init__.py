"""Linli 邻里: the Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app import database, errors, feeds, i18n, security
from app.api import init_api
from app.auth import auth_bp
from app.cli import register_cli
from app.config import instance_dir, load_config
from app.extensions import limiter
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
    database.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    feeds.init_app(app)
    app.register_blueprint(portal_bp)
    app.register_blueprint(respond_bp)
    limiter.init_app(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(staff_bp)
    init_api(app)
    # The admin depends on the app, not the other way round; importing it here, when the
    # factory runs, keeps `import admin` from re-entering a half-initialised `app` package.
    from admin import init_admin

    init_admin(app)
    register_cli(app)
    return app
