"""Languages and time zones: Simplified Chinese first, English complete."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, session
from flask_babel import format_datetime, get_locale
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from app.extensions import babel

TRANSLATIONS_DIR = "translations"
LANGUAGE_NAMES = {"zh_CN": "简体中文", "en": "English"}


def supported_locales() -> list[str]:
    return list(current_app.config["LINLI_LOCALES"])


def select_locale() -> str:
    """The user's explicit choice, then their profile, then the deployment's language.

    Pages do not follow the browser's Accept-Language: Linli serves Chinese cities, where
    the default is Simplified Chinese whatever the device says, and the language switch on
    every page remembers an explicit choice. API clients state the language of each request.
    """
    locales = supported_locales()
    chosen = session.get("locale")
    if chosen in locales:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in locales:
        return current_user.locale
    if request.path.startswith("/api/"):
        best = request.accept_languages.best_match(
            [*locales, "zh", "zh-CN", "zh-Hans", "en-US", "en-GB"]
        )
        if best:
            return "en" if best.startswith("en") else "zh_CN"
    return current_app.config["LINLI_DEFAULT_LOCALE"]


def deployment_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["LINLI_TIMEZONE"])


def to_local(value: datetime) -> datetime:
    return value.astimezone(deployment_zone())


def local_datetime(value: datetime | None, fmt: str = "short") -> str:
    if value is None:
        return ""
    return format_datetime(value, fmt)


def language_return_path() -> str:
    """Where the language switch brings the user back to: this page if it was a plain GET,
    else the page the form was sent from (a failed sign-up is shown at its POST address,
    which a GET would answer with 405)."""
    if request.method in ("GET", "HEAD"):
        return request.full_path if request.query_string else request.path
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc and referrer.netloc != request.host:
        return ""
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def answers_get(path: str) -> bool:
    """Whether a same-site path is a page a GET may open (used before redirecting to it)."""
    adapter = current_app.url_map.bind(request.host, script_name=request.script_root)
    try:
        adapter.match(urlsplit(path).path, method="GET")
    except RequestRedirect:
        return True
    except HTTPException:
        return False
    return True


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=TRANSLATIONS_DIR,
    )
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["language_return_path"] = language_return_path
