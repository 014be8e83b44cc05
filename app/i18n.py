"""Languages and time zones: Simplified Chinese first, English complete."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel import Locale, dates
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, format_datetime, get_locale, get_timezone
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

TRANSLATIONS_DIR = "translations"
LANGUAGE_NAMES = {"zh_CN": "简体中文", "en": "English"}


def supported_locales() -> list[str]:
    return list(current_app.config["LINLI_LOCALES"])


def select_locale() -> str:
    """The user's explicit choice, then their profile, then the deployment's language.

    Pages do not follow the browser's Accept-Language: Linli serves Chinese cities, where
    the default is Simplified Chinese whatever the device says, and the language switch on
    every page remembers an explicit choice. API clients state the language of each request.
    Outside a request (a command, a task) it is the deployment's language.
    """
    if not has_request_context():
        return current_app.config["LINLI_DEFAULT_LOCALE"]
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


def current_locale() -> str:
    """The language of this request or forced context, as Linli names it (zh_CN or en)."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh_CN"


def localised(chinese: str, english: str | None, locale: str | None = None) -> str:
    """A name kept in both languages, in `locale` (default: the current one); the Chinese
    name stands in when there is no English one."""
    if (locale or current_locale()) == "en" and english:
        return english
    return chinese


def deployment_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["LINLI_TIMEZONE"])


def local_day_start(day: date) -> datetime:
    """Midnight of a local calendar day in the deployment's zone."""
    return datetime.combine(day, time(0), tzinfo=deployment_zone())


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
    return _formatted_time(value, fmt, get_locale(), get_timezone())


@lru_cache(maxsize=4096)
def _formatted_time(value: datetime, fmt: str, locale: Locale, zone: tzinfo) -> str:
    # What flask_babel.format_datetime does, remembered: a round's review page shows
    # thousands of times on a few hundred half-hour marks.
    return format_datetime(value, fmt)


def local_date(value: datetime | date | None, fmt: str = "short") -> str:
    """The local calendar day of a time (or a day), in the user's language."""
    if value is None:
        return ""
    day = to_local(value).date() if isinstance(value, datetime) else value
    return _formatted_day(day, fmt, get_locale())


@lru_cache(maxsize=4096)
def _formatted_day(day: date, fmt: str, locale: Locale) -> str:
    # Babel's formatting costs far more than a lookup, and a list of hundreds of rows (the
    # due list) holds a few dozen distinct days.
    return dates.format_date(day, fmt, locale=locale)


def language_return_path() -> str:
    """Where the language switch brings the user back to: this page if it was a plain GET,
    else the page the form was sent from (a failed sign-up is shown at its POST address,
    which a GET would answer with 405). An error page returns to the start page: its address
    may be anything a visitor typed."""
    if g.get("error_page"):
        return ""
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


def init_app(app: Flask, babel: Babel) -> None:
    # The extension is passed in: models use this module, and `app.extensions` imports them.
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=TRANSLATIONS_DIR,
    )
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["language_return_path"] = language_return_path
