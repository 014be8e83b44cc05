"""When an item comes, in words the elderly person and the coordinator read ("每星期二
09:30", "每月第一个星期三 14:00"), in the current language."""

from __future__ import annotations

from typing import Any

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.enums import PackageCadence
from app.services.packages.cadence import Cadence

NTH_WORDS = {1: _l("first"), 2: _l("second"), 3: _l("third"), 4: _l("fourth"),
             -1: _l("last")}


def _day(weekday: int) -> str:
    return get_day_names("wide", locale=get_locale() or "zh_CN")[weekday]


def when(item: Any) -> str:
    """The item's cadence and time of day as a sentence, saying when public holidays move it."""
    text = _cadence_words(item)
    if item.skip_holidays:
        return str(_l("%(when)s (on a public holiday: the next day)", when=text))
    return text


def _cadence_words(item: Any) -> str:
    cadence = Cadence(PackageCadence(item.cadence), item.weekday, item.nth, item.weekdays_mask)
    at = item.time_of_day.strftime("%H:%M")
    if cadence.kind == PackageCadence.weekdays:
        days = str(_l(", ")).join(_day(d) for d in cadence.weekdays())
        return str(_l("Every %(weekdays)s at %(time)s", weekdays=days, time=at))
    if cadence.kind == PackageCadence.monthly:
        return str(_l("The %(nth)s %(weekday)s of each month at %(time)s",
                      nth=NTH_WORDS.get(cadence.nth or 1, ""), weekday=_day(cadence.weekday),
                      time=at))
    if cadence.kind == PackageCadence.fortnightly:
        return str(_l("Every other %(weekday)s at %(time)s", weekday=_day(cadence.weekday),
                      time=at))
    return str(_l("Every %(weekday)s at %(time)s", weekday=_day(cadence.weekday), time=at))
