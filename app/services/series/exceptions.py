"""One occurrence on its own (an exception the series keeps): edited, it is detached and no
series edit touches it again; deleted, its day is remembered so it is never made again.

An edit by any path counts (the events admin, the shifts page, `flask events reschedule`,
a cancellation): `detach_changed_occurrences` runs before every flush, except while the
series itself brings its occurrences in line (`series_at_work`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from app.enums import EventStatus
from app.models import Event, EventSeries, Shift

#: What makes an occurrence differ from its series when changed by hand. A status change
#: counts only as a cancellation: publishing a drafted occurrence keeps it in the series.
OWN_FIELDS = ("start_at", "end_at", "place", "title", "description", "capacity",
              "is_public", "kind", "contact")
OWN_SHIFT_FIELDS = ("start_at", "end_at", "title", "skill_id", "team_id", "min_volunteers",
                    "max_volunteers")

_AT_WORK = "linli_series_at_work"


@contextmanager
def series_at_work(session: Session) -> Iterator[None]:
    """The series changes its own occurrences here: they stay in the series."""
    depth = session.info.get(_AT_WORK, 0)
    session.info[_AT_WORK] = depth + 1
    try:
        yield
    finally:
        session.info[_AT_WORK] = depth


def _changed(obj: object, names: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return state.persistent and any(state.attrs[n].history.has_changes() for n in names)


def _cancelled_by_hand(event: Event) -> bool:
    history = inspect(event).attrs.status.history
    return history.has_changes() and event.status == EventStatus.cancelled


def detach_if_changed(event: Event) -> bool:
    """Mark an occurrence edited on its own as an exception; call before the flush."""
    if event.series_id is None or event.series_detached or not inspect(event).persistent:
        return False
    if _changed(event, OWN_FIELDS) or _cancelled_by_hand(event):
        event.series_detached = True
        return True
    return False


def detach_changed_occurrences(session: Session) -> None:
    """Before a flush: every occurrence changed by hand, or whose shift was, is detached."""
    if session.info.get(_AT_WORK):
        return
    for obj in list(session.dirty):
        if isinstance(obj, Event):
            detach_if_changed(obj)
        elif isinstance(obj, Shift) and _changed(obj, OWN_SHIFT_FIELDS):
            event = obj.event
            if event is not None and event.series_id is not None:
                event.series_detached = True


def forget_occurrence(session: Session, event: Event) -> None:
    """An occurrence deleted on its own: its day stays out of the series."""
    if event.series_id is None or event.series_day is None:
        return
    series = session.get(EventSeries, event.series_id)
    if series is None:
        return
    day = event.series_day.isoformat()
    if day not in (series.skipped_days or []):
        # A new list, so the JSON column sees the change.
        series.skipped_days = sorted([*(series.skipped_days or []), day])
