"""Languages and time zones: Simplified Chinese first, English complete."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, session
from flask_babel import format_datetime, get_locale
from flask_login import current_user

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


#: The calendar days a date filter accepts (pages, API, admin lists). Beyond them a local
#: midnight has no UTC equivalent (year 1 east of Greenwich) or the next day does not exist
#: (9999-12-31); nothing Linli keeps is that far away.
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def day_in_range(day: date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


def to_local(value: datetime) -> datetime:
    return value.astimezone(deployment_zone())


def local_datetime(value: datetime | None, fmt: str = "short") -> str:
    if value is None:
        return ""
    return format_datetime(value, fmt)


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=TRANSLATIONS_DIR,
    )
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["get_locale"] = get_locale
