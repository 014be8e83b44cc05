"""Configuration: defaults in code, the deployment's `instance/config.py`, then environment.

Environment variables win, so one build runs on SQLite on a laptop and on PostgreSQL and
Redis in a town's data centre with no code change.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "LINLI_TIMEZONE": "Asia/Shanghai",
    "LINLI_DEFAULT_LOCALE": "zh_CN",
    "LINLI_LOCALES": ["zh_CN", "en"],
    "LINLI_TOWN": "金桥镇",
    #: Public base URL used in mails, feeds and CLI output (no trailing slash).
    "LINLI_EXTERNAL_URL": f"http://127.0.0.1:{os.environ.get('PORT', '5000')}",
    #: Failed logins allowed per username and client IP before that pair must wait
    #: LOGIN_LOCK_MINUTES (the account itself is never locked for everybody).
    "LINLI_LOGIN_MAX_FAILURES": 5,
    "LINLI_LOGIN_LOCK_MINUTES": 15,
    #: Login attempts (POST /login) per client IP, whatever the usernames.
    "LINLI_LOGIN_RATE_LIMIT_IP": "10/minute;60/hour",
    #: Served over HTTPS only (behind a TLS proxy): secure cookies and HSTS.
    "LINLI_HTTPS": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
    "HUEY_URL": None,
    #: Flask-Limiter storage: in memory for one process; "redis://…" for several workers.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    #: Sign-ups (pages and API) per client IP, and per mobile number (Flask-Limiter syntax).
    "LINLI_SIGNUP_RATE_LIMIT_IP": "30/minute;300/day",
    "LINLI_SIGNUP_RATE_LIMIT_PHONE": "5/minute;20/day",
    #: Mail for residents' notices: SMTP when a host is set, else .eml files in the outbox
    #: folder (default `instance/outbox/`). LINLI_SMS_SENDER: "log", or "module:Class".
    "LINLI_MAIL_SENDER": "linli@localhost",
    "LINLI_MAIL_SMTP_HOST": None,
    "LINLI_MAIL_SMTP_PORT": 587,
    "LINLI_MAIL_OUTBOX": None,
    "LINLI_SMS_SENDER": "log",
}

#: Environment variables read directly (any other `LINLI_*` variable is read too).
ENVIRONMENT_KEYS = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "HUEY_URL": "HUEY_URL",
    "RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "LINLI_TIMEZONE": "LINLI_TIMEZONE",
    "LINLI_DEFAULT_LOCALE": "LINLI_DEFAULT_LOCALE",
    "LINLI_EXTERNAL_URL": "LINLI_EXTERNAL_URL",
}

INSTANCE_CONFIG_TEMPLATE = '''\
# Linli deployment settings, written on first start. Not under version control.
# Every setting here can also be given as an environment variable (see README.md).
SECRET_KEY = {secret!r}
# DATABASE_URL-style override, e.g. "postgresql+psycopg://linli@db/linli":
# SQLALCHEMY_DATABASE_URI = "sqlite:///..."
# HUEY_URL = "redis://127.0.0.1:6379/0"
'''


def ensure_instance_config(instance_path: Path) -> Path:
    """Write `instance/config.py` with a fresh random secret if the deployment has none."""
    instance_path.mkdir(parents=True, exist_ok=True)
    config_file = instance_path / "config.py"
    if not config_file.exists():
        config_file.write_text(INSTANCE_CONFIG_TEMPLATE.format(secret=secrets.token_hex(32)))
        config_file.chmod(0o600)
    return config_file


def default_database_uri(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'linli.db'}"


def _parse_env_value(value: str) -> Any:
    """Numbers, booleans and lists may be given as JSON; anything else is a string."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def instance_dir() -> Path:
    """The deployment's instance folder: `LINLI_INSTANCE_PATH`, else `instance/` at the root."""
    configured = os.environ.get("LINLI_INSTANCE_PATH")
    if configured:
        return Path(configured).resolve()
    return Path(__file__).resolve().parent.parent / "instance"


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = default_database_uri(Path(app.instance_path))
    if overrides is None or "SECRET_KEY" not in overrides:
        ensure_instance_config(Path(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    for env_key, config_key in ENVIRONMENT_KEYS.items():
        if os.environ.get(env_key):
            app.config[config_key] = os.environ[env_key]
    for env_key, value in os.environ.items():
        if env_key.startswith("LINLI_") and env_key not in ENVIRONMENT_KEYS:
            app.config[env_key] = _parse_env_value(value)
    if overrides:
        app.config.update(overrides)
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A server connection can die between requests; a SQLite file cannot, so the extra
        # round trip is spent only where it buys something.
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["LINLI_DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["LINLI_TIMEZONE"]
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not set; see instance/config.py or the README")
