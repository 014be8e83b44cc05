"""A series' rule in words the coordinator reads ("每周一 09:00，跳过法定节假日", "每月第一个
工作日 14:00，共10次"), in the current language."""

from __future__ import annotations

from typing import Any

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.enums import SeriesFrequency, SeriesOnHoliday
from app.services.packages.wording import NTH_WORDS

#: Monday to Friday: said as "working day" ("the first working day of the month").
WORKING_WEEK = 0b0011111


def _days(series: Any) -> str:
    if series.weekdays_mask == WORKING_WEEK:
        return str(_l("working day"))
    names = get_day_names("wide", locale=get_locale() or "zh_CN")
    return str(_l(", ")).join(names[d] for d in series.weekdays)


def _when(series: Any) -> str:
    days, at, n = _days(series), series.start_time.strftime("%H:%M"), series.repeat_interval
    if series.frequency == SeriesFrequency.monthly:
        nth = NTH_WORDS.get(series.month_position or 1, "")
        if n == 1:
            return str(_l("The %(nth)s %(weekday)s of each month at %(time)s",
                          nth=nth, weekday=days, time=at))
        return str(_l("The %(nth)s %(days)s of every %(n)s months at %(time)s",
                      nth=nth, days=days, n=n, time=at))
    if n == 1:
        return str(_l("Every %(weekday)s at %(time)s", weekday=days, time=at))
    if n == 2:
        return str(_l("Every other %(weekday)s at %(time)s", weekday=days, time=at))
    return str(_l("Every %(n)s weeks on %(days)s at %(time)s", n=n, days=days, time=at))


def rule_text(series: Any) -> str:
    """The whole rule as one line: when, how long it runs, what it does on holidays."""
    parts = [_when(series)]
    if series.ends_on is not None:
        parts.append(str(_l("until %(day)s", day=series.ends_on.isoformat())))
    elif series.occurrences is not None:
        parts.append(str(_l("%(n)s times in all", n=series.occurrences)))
    if series.on_holiday == SeriesOnHoliday.skip:
        parts.append(str(_l("public holidays skipped")))
    elif series.on_holiday == SeriesOnHoliday.move:
        parts.append(str(_l("public holidays moved to the next working day")))
    if series.on_makeup_days:
        parts.append(str(_l("also on make-up working days")))
    return str(_l("; ")).join(parts)
