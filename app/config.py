"""Configuration: defaults in code, the deployment's `instance/config.py`, then environment.

Environment variables win, so one build runs on SQLite on a laptop and on PostgreSQL and
Redis in a town's data centre with no code change.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import uuid
from pathlib import Path
from typing import Any

from flask import Config, Flask

DEFAULTS: dict[str, Any] = {
    #: The database (environment: DATABASE_URL). None: SQLite in the instance folder.
    "SQLALCHEMY_DATABASE_URI": None,
    #: Signs sessions, CSRF tokens and links. Written to instance/config.py on first start.
    "SECRET_KEY": None,
    "LINLI_TIMEZONE": "Asia/Shanghai",
    "LINLI_DEFAULT_LOCALE": "zh_CN",
    "LINLI_LOCALES": ["zh_CN", "en"],
    "LINLI_TOWN": "金桥镇",
    #: Where the town's kilometre grid (homes' and buildings' x_km, y_km) has its origin on
    #: the map, as [latitude, longitude]: patrol sites placed by their map coordinates are
    #: projected onto the grid to measure members' distances to them.
    "LINLI_MAP_ORIGIN": [31.2480, 121.5950],
    #: The CJK font embedded in certificates (a .ttf/.ttc path). None: the first found of
    #: Debian's fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk.
    "LINLI_CJK_FONT": None,
    #: Public base URL used in mails, feeds and CLI output (no trailing slash).
    "LINLI_EXTERNAL_URL": f"http://127.0.0.1:{os.environ.get('PORT', '5000')}",
    #: Calendar entries' UIDs end in it ("assignment-12@<id>"): random, written once to
    #: instance/config.py, so two deployments never collide and a new URL re-creates nothing.
    "LINLI_DEPLOYMENT_ID": "",
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
    #: A request's photo may have 5 MB (`app.services.requests.photos`), plus the form.
    "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
    #: SQLite only: how long a connection waits for another writer before giving up (a
    #: request then answers 503 with Retry-After).
    "SQLITE_BUSY_TIMEOUT_MS": 10000,
    #: PostgreSQL: connections each process keeps open (SQLAlchemy's pool). None: one per
    #: gunicorn thread (GUNICORN_THREADS, default 8), as a thread holds one at a time; so a
    #: host opens at most WEB_CONCURRENCY × (pool size + overflow), see the README.
    "LINLI_DB_POOL_SIZE": None,
    #: Connections opened beyond the pool size when every pooled one is busy (closed after
    #: use), and seconds a request waits for one before answering 503 with Retry-After.
    "LINLI_DB_MAX_OVERFLOW": 0,
    "LINLI_DB_POOL_TIMEOUT": 10,
    #: PostgreSQL: a pooled connection idle at least this many seconds is tested (a round trip)
    #: before a request gets it; one in steady use is not (see `server_pool_options`).
    "LINLI_DB_PING_AFTER_IDLE": 1.0,
    #: The task queue: "redis://…" for RedisHuey; None: SqliteHuey in the instance folder.
    "HUEY_URL": None,
    #: Queue name, so several deployments (or test runs) can share one Redis.
    "HUEY_NAME": "linli",
    #: A Redis for the rate limiter when HUEY_URL is not Redis (or not set).
    "REDIS_URL": None,
    #: Seconds every process trusts a personal feed's version kept in the Redis of HUEY_URL or
    #: REDIS_URL, answering an unchanged poll 304 without the database (app.services.feeds.
    #: shared); 0 turns it off. Without Redis every poll asks the database.
    "LINLI_FEED_SHARED_SECONDS": 60,
    #: Rate limiting on or off (environment: LINLI_RATELIMIT_ENABLED=false turns it off).
    "LINLI_RATELIMIT_ENABLED": True,
    #: Flask-Limiter storage. None: the Redis of HUEY_URL or REDIS_URL when there is one (so
    #: every gunicorn worker and host shares one budget), else "memory://" (one process).
    "LINLI_RATELIMIT_STORAGE_URI": None,
    #: X-RateLimit-* headers on every limited answer cost two reads of the limiter's storage
    #: each; off, a 429 alone carries Retry-After (app.ratelimits).
    "RATELIMIT_HEADERS_ENABLED": False,
    #: Sign-ups (pages and API) per client IP, and per mobile number (Flask-Limiter syntax).
    "LINLI_SIGNUP_RATE_LIMIT_IP": "30/minute;300/day",
    "LINLI_SIGNUP_RATE_LIMIT_PHONE": "5/minute;20/day",
    #: Residents' requests sent from the public form, per client IP.
    "LINLI_REQUEST_RATE_LIMIT_IP": "10/minute;100/day",
    #: Days after a request is resolved before its raiser is asked whether it stayed resolved
    #: (the questionnaire; 0 asks with the resolution message).
    "LINLI_SURVEY_AFTER_DAYS": 14,
    #: "Me too" on an open improvement from the public form, per client IP.
    "LINLI_ME_TOO_RATE_LIMIT_IP": "5/minute;30/day",
    #: Verification codes sent by SMS for a request from the API, per number and per client.
    "LINLI_REQUEST_VERIFY_RATE_LIMIT_PHONE": "1/minute;5/day",
    "LINLI_REQUEST_VERIFY_RATE_LIMIT_IP": "10/hour;50/day",
    #: Residents signing themselves in at a session with the sheet's code, per client IP (a
    #: class on the venue's Wi-Fi shares one address; the limit stops guessing codes).
    "LINLI_ATTEND_RATE_LIMIT_IP": "120/minute;2000/day",
    #: Residents looking up a reference code on the public page, per client IP (the limit
    #: stops guessing codes).
    "LINLI_LOOKUP_RATE_LIMIT_IP": "10/minute;100/day",
    #: Open311 clients looking requests up by reference code, per client IP: a dashboard or
    #: an app's server may follow many residents' requests (20 codes a call) from one address.
    "LINLI_OPEN311_LOOKUP_RATE_LIMIT_IP": "30/minute;1000/day",
    #: Behind a reverse proxy: how many proxies set each X-Forwarded-* header (werkzeug's
    #: ProxyFix). 0 (the default) trusts none, which is right when clients connect directly.
    "LINLI_PROXY_FIX_X_FOR": 0,
    "LINLI_PROXY_FIX_X_PROTO": 0,
    "LINLI_PROXY_FIX_X_HOST": 0,
    "LINLI_PROXY_FIX_X_PORT": 0,
    "LINLI_PROXY_FIX_X_PREFIX": 0,
    #: Log lines: "text" (one readable line) or "json" (one object per line); the level.
    "LINLI_LOG_FORMAT": "text",
    "LINLI_LOG_LEVEL": "INFO",
    #: Mail for residents' notices: SMTP when a host is set, else .eml files in the outbox
    #: folder (default `instance/outbox/`). LINLI_SMS_SENDER: "log", or "module:Class".
    "LINLI_MAIL_SENDER": "linli@localhost",
    "LINLI_MAIL_SMTP_HOST": None,
    "LINLI_MAIL_SMTP_PORT": 587,
    "LINLI_MAIL_SMTP_USERNAME": None,
    "LINLI_MAIL_SMTP_PASSWORD": None,
    "LINLI_MAIL_SMTP_STARTTLS": True,
    #: "starttls", "ssl" (implicit TLS, as on port 465) or "none"; None: "ssl" on port 465,
    #: else STARTTLS unless LINLI_MAIL_SMTP_STARTTLS is false.
    "LINLI_MAIL_SMTP_SECURITY": None,
    "LINLI_MAIL_OUTBOX": None,
    "LINLI_SMS_SENDER": "log",
    #: SMS provider: "aliyun", "tencent" or "log" (wins over LINLI_SMS_SENDER when set); its
    #: credentials, sign name and template codes: see README and app/services/notify/sms.py.
    "LINLI_SMS_PROVIDER": None,
    "LINLI_SMS_SIGN_NAME": None,
    "LINLI_SMS_ENDPOINT": None,
    "LINLI_SMS_TEMPLATES": {},
    #: Mail and SMS leave through the task queue (a consumer sends, with retries). Off only
    #: where no consumer runs and a message should be sent on the spot (most tests).
    "LINLI_NOTIFY_QUEUE": True,
    #: Scheduler: minimum minutes between two shifts of one volunteer; a run without a
    #: heartbeat for this many seconds is failed as stale.
    "LINLI_SCHEDULE_MIN_GAP_MINUTES": 0,
    "LINLI_RUN_STALE_SECONDS": 90,
    #: Benchmarks only: serve GET/POST /_baseline, a route that touches neither the database
    #: nor the session, so throughput ratios compare against the server itself.
    "LINLI_BENCHMARK_BASELINE": False,
}

#: Environment variables with names of their own; every `LINLI_*` variable is read too, as
#: the setting of the same name.
ENVIRONMENT_KEYS = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "HUEY_URL": "HUEY_URL",
    "HUEY_NAME": "HUEY_NAME",
    "SQLITE_BUSY_TIMEOUT_MS": "SQLITE_BUSY_TIMEOUT_MS",
    "REDIS_URL": "REDIS_URL",
    "RATELIMIT_STORAGE_URI": "LINLI_RATELIMIT_STORAGE_URI",
    "SECRET_KEY": "SECRET_KEY",
}

_BOOLEAN_SETTINGS = ("LINLI_RATELIMIT_ENABLED", "LINLI_MAIL_SMTP_STARTTLS", "LINLI_NOTIFY_QUEUE",
                     "LINLI_BENCHMARK_BASELINE")
_INTEGER_SETTINGS = (
    "LINLI_PROXY_FIX_X_FOR", "LINLI_PROXY_FIX_X_PROTO", "LINLI_PROXY_FIX_X_HOST",
    "LINLI_PROXY_FIX_X_PORT", "LINLI_PROXY_FIX_X_PREFIX", "LINLI_LOGIN_MAX_FAILURES",
    "LINLI_LOGIN_LOCK_MINUTES", "LINLI_MAIL_SMTP_PORT",
    "LINLI_SCHEDULE_MIN_GAP_MINUTES", "SQLITE_BUSY_TIMEOUT_MS", "LINLI_DB_MAX_OVERFLOW",
    "LINLI_DB_POOL_TIMEOUT", "LINLI_FEED_SHARED_SECONDS",
)

INSTANCE_CONFIG_TEMPLATE = '''\
# Linli deployment settings, written on first start. Not under version control.
# Every setting here can also be given as an environment variable (see README.md).
SECRET_KEY = {secret!r}
# Calendar entries' UIDs end in it; keep it for the life of the deployment.
LINLI_DEPLOYMENT_ID = {deployment!r}
# DATABASE_URL-style override, e.g. "postgresql+psycopg://linli@db/linli":
# SQLALCHEMY_DATABASE_URI = "sqlite:///..."
# HUEY_URL = "redis://127.0.0.1:6379/0"
'''


#: A deployment id: letters, digits, dot, dash, underscore (it ends every calendar UID).
DEPLOYMENT_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def new_deployment_id() -> str:
    return uuid.uuid4().hex


def ensure_instance_config(instance_path: Path) -> Path:
    """Write `instance/config.py` with a fresh random secret and deployment id if the
    deployment has none; an older file without a deployment id gets one appended, once."""
    instance_path.mkdir(parents=True, exist_ok=True)
    config_file = instance_path / "config.py"
    if not config_file.exists():
        config_file.write_text(INSTANCE_CONFIG_TEMPLATE.format(
            secret=secrets.token_hex(32), deployment=new_deployment_id()))
        config_file.chmod(0o600)
    elif "LINLI_DEPLOYMENT_ID" not in config_file.read_text(encoding="utf-8"):
        with config_file.open("a", encoding="utf-8") as out:
            out.write("# Calendar entries' UIDs end in it; keep it for the life of the "
                      f"deployment.\nLINLI_DEPLOYMENT_ID = {new_deployment_id()!r}\n")
    return config_file


def deployment_id(settings: dict[str, Any]) -> str:
    """The configured id; without one (a test app, an environment-only setup), one derived
    from SECRET_KEY, which every process of a deployment shares too."""
    configured = str(settings.get("LINLI_DEPLOYMENT_ID") or "").strip()
    if not configured:
        secret = str(settings.get("SECRET_KEY") or "")
        return hashlib.sha256(f"linli-deployment:{secret}".encode()).hexdigest()[:32]
    if not DEPLOYMENT_ID_RE.match(configured):
        raise RuntimeError(
            "LINLI_DEPLOYMENT_ID must be 8 to 64 letters, digits, dots, dashes or underscores")
    return configured


def default_database_uri(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'linli.db'}"


def _parse_env_value(value: str) -> Any:
    """Numbers, booleans and lists may be given as JSON; anything else is a string."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def parse_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in {"", "0", "false", "no", "off"}
    return bool(value)


def _from_environment(key: str, raw: str) -> Any:
    """An environment string as the type of the setting's default."""
    if key not in DEFAULTS:
        return _parse_env_value(raw)
    default = DEFAULTS[key]
    if isinstance(default, bool):
        return parse_bool(raw)
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, list | dict):
        return json.loads(raw)
    return raw


def instance_dir() -> Path:
    """The deployment's instance folder: `LINLI_INSTANCE_PATH`; else `instance/` at the root of
    a source checkout; else (an installed wheel) `instance/` in the working directory."""
    configured = os.environ.get("LINLI_INSTANCE_PATH")
    if configured:
        return Path(configured).resolve()
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").exists():
        return root / "instance"
    return Path.cwd().resolve() / "instance"


#: Flask-Limiter's own names, accepted in instance/config.py and overrides as aliases.
_ALIASES = {
    "RATELIMIT_ENABLED": "LINLI_RATELIMIT_ENABLED",
    "RATELIMIT_STORAGE_URI": "LINLI_RATELIMIT_STORAGE_URI",
}


def _apply_layer(settings: dict[str, Any], layer: dict[str, Any]) -> None:
    for key, value in layer.items():
        settings[_ALIASES.get(key, key)] = value


def shared_redis_url(settings: Any) -> str | None:
    """The Redis every process of the deployment shares (the queue's, else REDIS_URL)."""
    for key in ("HUEY_URL", "REDIS_URL"):
        url = settings.get(key)
        if isinstance(url, str) and url.startswith(("redis://", "rediss://", "unix://")):
            return url
    return None


def resolve_settings(
    instance_path: Path | None = None, overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Every setting, resolved: defaults, then `instance/config.py`, then the environment,
    then `overrides` (tests). The app (`load_config`) and the huey queue (`app.tasks.queue`) both
    read their settings here, so a setting means the same in the web and in the consumer."""
    instance_path = instance_path or instance_dir()
    settings: dict[str, Any] = dict(DEFAULTS)
    settings["SQLALCHEMY_DATABASE_URI"] = default_database_uri(instance_path)
    from_file = Config(str(instance_path))
    from_file.from_pyfile("config.py", silent=True)
    _apply_layer(settings, dict(from_file))
    environment: dict[str, Any] = {}
    for env_key, config_key in ENVIRONMENT_KEYS.items():
        if os.environ.get(env_key):
            environment[config_key] = os.environ[env_key]
    for env_key, value in os.environ.items():
        if env_key.startswith("LINLI_") and env_key != "LINLI_INSTANCE_PATH":
            environment[env_key] = _from_environment(env_key, value)
    _apply_layer(settings, environment)
    _apply_layer(settings, overrides or {})
    for key in _BOOLEAN_SETTINGS:
        settings[key] = parse_bool(settings[key])
    for key in _INTEGER_SETTINGS:
        settings[key] = int(settings[key])
    # Derived settings: the names the extensions read.
    settings["RATELIMIT_ENABLED"] = settings["LINLI_RATELIMIT_ENABLED"]
    settings["RATELIMIT_STORAGE_URI"] = (
        settings["LINLI_RATELIMIT_STORAGE_URI"] or shared_redis_url(settings) or "memory://"
    )
    # Deployments sharing one Redis keep separate budgets, as they keep separate queues.
    settings.setdefault("RATELIMIT_KEY_PREFIX", f"{settings['HUEY_NAME']}-limits")
    settings["LINLI_DEPLOYMENT_ID"] = deployment_id(settings)
    settings["BABEL_DEFAULT_LOCALE"] = settings["LINLI_DEFAULT_LOCALE"]
    settings["BABEL_DEFAULT_TIMEZONE"] = settings["LINLI_TIMEZONE"]
    if not settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        settings.setdefault("SQLALCHEMY_ENGINE_OPTIONS", server_pool_options(settings))
    return settings


#: gunicorn's threads per worker when GUNICORN_THREADS is not set (deploy/gunicorn.conf.py).
DEFAULT_THREADS = 8


def server_pool_options(settings: dict[str, Any]) -> dict[str, Any]:
    """The connection pool of a database server (PostgreSQL), sized from the deployment."""
    size = settings["LINLI_DB_POOL_SIZE"] or os.environ.get("GUNICORN_THREADS") or DEFAULT_THREADS
    # No `pool_pre_ping`: app.database tests only connections that sat idle (see there).
    return {
        "pool_size": int(size),
        "max_overflow": settings["LINLI_DB_MAX_OVERFLOW"],
        "pool_timeout": settings["LINLI_DB_POOL_TIMEOUT"],
    }


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    if overrides is None or "SECRET_KEY" not in overrides:
        ensure_instance_config(Path(app.instance_path))
    app.config.update(resolve_settings(Path(app.instance_path), overrides))
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not set; see instance/config.py or the README")
