"""How a shift is written for people: in the run's review, and in mails and answer pages."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from app.models import Shift


def shift_label(shift: Shift, tz: ZoneInfo) -> str:
    """Short, for lists in the admin: "event · shift (12-01 09:00–11:00)"."""
    start, end = shift.start_at.astimezone(tz), shift.end_at.astimezone(tz)
    return f"{shift.event.title} · {shift.title} ({start:%m-%d %H:%M}–{end:%H:%M})"


def shift_line(shift: Shift, tz: ZoneInfo) -> str:
    """Complete, for a volunteer: date, time, what and where."""
    start = shift.start_at.astimezone(tz)
    end = shift.end_at.astimezone(tz)
    place = shift.event.place or ""
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}  {shift.event.title} · {shift.title}" + (
        f"  ({place})" if place else ""
    )
