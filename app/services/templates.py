"""Stamping an event template onto a date: the low-code way to create a whole event."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.enums import EventStatus
from app.models import Event, EventTemplate, Neighbourhood, Shift, Slot, TemplateItem


class TemplateError(ValueError):
    """The template cannot be stamped; the message says why."""


def _item_window(
    template: EventTemplate, item: TemplateItem, day: date, zone: ZoneInfo
) -> tuple[datetime, datetime]:
    local_start = datetime.combine(
        day + timedelta(days=item.day_offset), template.start_time, tzinfo=zone
    ) + timedelta(minutes=item.start_offset_minutes)
    local_end = local_start + timedelta(minutes=item.duration_minutes)
    return local_start, local_end


def _slots_for(item: TemplateItem, start: datetime, end: datetime, zone: ZoneInfo) -> list[Slot]:
    """Cut an item's time into whole slots; a remainder shorter than a slot is not offered."""
    if not item.slot_minutes:
        return []
    length = timedelta(minutes=item.slot_minutes)
    slots = []
    slot_start = start
    while slot_start + length <= end:
        label = f"{item.title} {slot_start.astimezone(zone):%m-%d %H:%M}"
        # Places that follow the staffing start at none: nobody has confirmed yet.
        capacity = 0 if item.places_per_volunteer else item.slot_capacity
        slots.append(Slot(label=label, start_at=slot_start, end_at=slot_start + length,
                          capacity=capacity))
        slot_start += length
    return slots


def stamp_event(
    session: Session,
    template: EventTemplate,
    *,
    day: date,
    neighbourhood: Neighbourhood,
    zone: ZoneInfo,
    title: str | None = None,
) -> Event:
    """Create a draft event with one shift per template item (and its resident slots)."""
    if not template.items:
        raise TemplateError(_l("The template %(name)s has no stations or sessions.",
                               name=template.name))
    event = Event(
        neighbourhood=neighbourhood,
        kind=template.kind,
        title=title or template.title,
        description=template.description,
        place=template.place,
        is_public=template.is_public,
        status=EventStatus.draft,
        capacity=template.capacity,
        waitlist_enabled=template.waitlist_enabled,
        max_party_size=template.max_party_size,
        completion_sessions=template.completion_sessions,
        template=template,
    )
    for item in template.items:
        start, end = _item_window(template, item, day, zone)
        event.shifts.append(Shift(
            title=item.title, start_at=start, end_at=end, skill_id=item.skill_id,
            team_id=item.team_id, min_volunteers=item.min_volunteers,
            max_volunteers=item.max_volunteers, priority=item.priority,
            places_per_volunteer=item.places_per_volunteer,
        ))
        event.slots.extend(_slots_for(item, start, end, zone))
    if template.completion_sessions is not None and template.completion_sessions > len(
            event.slots):
        raise TemplateError(_l(
            "The template %(name)s is a course to complete by attending %(n)s sessions, but "
            "its items make only %(slots)s sessions (give each session item a slot length).",
            name=template.name, n=template.completion_sessions, slots=len(event.slots)))
    event.start_at = min(shift.start_at for shift in event.shifts)
    event.end_at = max(shift.end_at for shift in event.shifts)
    if template.registration_opens_days_before is not None:
        event.registration_opens_at = event.start_at - timedelta(
            days=template.registration_opens_days_before
        )
        event.registration_closes_at = event.start_at
    session.add(event)
    session.flush()
    return event
