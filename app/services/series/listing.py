"""What a coordinator checks before and after saving a series: the rule refused in words when
it cannot work, the next occurrences with the holidays skipped named, and the series list of
`flask series list`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.enums import EventStatus, SeriesFrequency
from app.models import Event, EventSeries
from app.models.events import PRIVATE_KINDS
from app.services.holidays import calendar_between
from app.services.series.rules import CALENDAR_REACH, FAR, Expansion, Rule, next_days
from app.services.series.wording import rule_text


class SeriesError(ValueError):
    pass


def check_series(series: EventSeries) -> None:
    """Refuse a rule that cannot work, saying why (the database would refuse it without a
    word)."""
    if not series.weekdays_mask:
        raise SeriesError(gettext("Tick at least one weekday."))
    if series.frequency == SeriesFrequency.monthly and series.month_position is None:
        raise SeriesError(gettext(
            "A monthly series needs which of the month's days it falls on (first, second, "
            "third, fourth or last)."))
    if series.starts_on is None:
        raise SeriesError(gettext("Give the day the series starts."))
    if series.ends_on is not None and series.occurrences is not None:
        raise SeriesError(gettext("End the series on a day or after a number of times, not "
                                  "both."))
    if series.ends_on is not None and series.ends_on < series.starts_on:
        raise SeriesError(gettext("The series ends before it starts."))
    if series.on_makeup_days and not Rule.of(series).is_weekday_series:
        raise SeriesError(gettext(
            "Make-up working days apply only to a weekly series on working weekdays (Monday "
            "to Friday)."))
    if (series.min_volunteers or 0) > (series.max_volunteers or 0):
        raise SeriesError(gettext("The minimum of volunteers is above the maximum."))
    if series.is_public and series.kind in PRIVATE_KINDS:
        raise SeriesError(gettext("Care visits are never public: untick “Public”."))
    if series.frequency == SeriesFrequency.weekly:
        series.month_position = None


def called_off_days(session: Session, series_id: int | None, start: date) -> set[str]:
    """Days from `start` whose occurrence was called off on its own (an exception the series
    keeps: it is never made again), as ISO dates."""
    if series_id is None:
        return set()
    return {day.isoformat() for day in session.scalars(
        select(Event.series_day).where(
            Event.series_id == series_id, Event.series_detached.is_(True),
            Event.status == EventStatus.cancelled, Event.series_day >= start))
        if day is not None}


def preview(session: Session, series: EventSeries, today: date, n: int = 8, *,
            series_id: int | None = None) -> Expansion:
    """The next `n` occurrences from `today`, and the holidays skipped or moved (or make-up days
    added) before the last of them, named. The days removed or called off one by one are left
    out: they are not coming. `series_id` names the saved series of an edited copy (the edit
    form's preview), else the series' own."""
    start = max(today, series.starts_on)
    calendar = calendar_between(session, min(series.starts_on, start),
                                start + FAR + CALENDAR_REACH)
    removed = set(series.skipped_days or ()) | called_off_days(
        session, series_id if series_id is not None else series.id, start)
    found = next_days(Rule.of(series), calendar, start, n + len(removed))
    days = [d for d in found.days if d.isoformat() not in removed][:n]
    last = days[-1] if days else start
    return Expansion(days, [s for s in found.skipped if s.day <= last],
                     [a for a in found.added if a.day <= last],
                     [m for m in found.moved if m.to in days])


@dataclass(frozen=True)
class SeriesLine:
    id: int
    neighbourhood: str
    title: str
    rule: str
    volunteer: str | None
    #: Occurrences made from `today` on (the rolling horizon), and the next days due.
    ahead: int
    next_days: list[date]

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "neighbourhood": self.neighbourhood, "title": self.title,
                "rule": self.rule, "volunteer": self.volunteer, "occurrences_ahead": self.ahead,
                "next_days": [d.isoformat() for d in self.next_days]}


def series_lines(session: Session, today: date, n: int = 3) -> list[SeriesLine]:
    ahead: dict[int, int] = dict(session.execute(
        select(Event.series_id, func.count(Event.id))
        .where(Event.series_id.is_not(None), Event.series_day >= today)
        .group_by(Event.series_id)).tuples().all())
    out = []
    for series in session.scalars(
            select(EventSeries).options(joinedload(EventSeries.neighbourhood),
                                        joinedload(EventSeries.volunteer))
            .order_by(EventSeries.id)):
        out.append(SeriesLine(
            series.id, str(series.neighbourhood), series.title, rule_text(series),
            series.volunteer.name if series.volunteer else None, ahead.get(series.id, 0),
            preview(session, series, today, n).days))
    return out
