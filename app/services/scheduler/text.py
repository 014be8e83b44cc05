"""How a shift is written for people: in the run's review, and in mails and answer pages."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask_babel import gettext as _

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


#: The outcome codes of a volunteer's answer (`seats.respond`, `seats.accept_help`).
ANSWER_OUTCOMES = frozenset({"confirmed", "declined", "already_confirmed", "already_declined",
                             "confirmed_ask_to_drop", "cancelled", "missing", "accepted",
                             "taken", "already"})


def answer_message(outcome: str) -> str:
    """What a volunteer's answer did, for the page that follows it (the link in their message
    or the portal); `outcome` is one of `ANSWER_OUTCOMES`."""
    return {
        "confirmed": _("Thank you! Your shift is confirmed."),
        "declined": _("You have declined this shift. The coordinator sees it and will find "
                      "someone else."),
        "already_confirmed": _("This shift was already confirmed."),
        "already_declined": _("You had already declined this shift."),
        "confirmed_ask_to_drop": _(
            "You have confirmed this shift, so it cannot be declined here; it stays yours. If "
            "you cannot come, ask to drop or swap it on your page, under the shift: the "
            "coordinator decides, and until then you are still on it."),
        "cancelled": _("This shift is no longer assigned to you."),
        "missing": _("This shift no longer exists."),
        "accepted": _("Thank you! The seat is yours; it is now in your schedule."),
        "taken": _("Thank you — someone else has already taken this seat."),
        "already": _("You already have this shift."),
    }[outcome]
