"""One occurrence on its own (an exception the series keeps): edited, it is detached and no
series edit touches it again; deleted, its day is remembered so it is never made again."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from app.models import Event, EventSeries

#: What makes an occurrence differ from its series when changed by hand.
OWN_FIELDS = ("start_at", "end_at", "place", "title", "description", "status", "capacity",
              "is_public", "kind", "contact")


def detach_if_changed(event: Event) -> bool:
    """Mark an occurrence edited on its own as an exception; call before the flush."""
    if event.series_id is None or event.series_detached:
        return False
    state = inspect(event)
    if not state.persistent:
        return False
    if any(state.attrs[name].history.has_changes() for name in OWN_FIELDS):
        event.series_detached = True
        return True
    return False


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
