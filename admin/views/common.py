"""Small helpers shared by the model views."""

from __future__ import annotations

from typing import Any

from babel.dates import get_day_names
from flask_babel import LazyString, get_locale
from wtforms.fields.choices import SelectChoice


def _weekday_name(day: int) -> str:
    return get_day_names("wide", locale=get_locale() or "zh_CN")[day]


#: Monday first, as stored (ISO weekday minus one); names in the user's language.
WEEKDAY_CHOICES = [SelectChoice(day, LazyString(_weekday_name, day)) for day in range(7)]


def weekday_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    value = getattr(model, name)
    return "" if value is None else _weekday_name(value)


LOCALE_CHOICES = [SelectChoice("zh_CN", "简体中文"), SelectChoice("en", "English")]


def locale_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    value = getattr(model, name)
    return dict((c.value, c.label) for c in LOCALE_CHOICES).get(value, value or "")
