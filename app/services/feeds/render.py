"""Rendering a feed to iCalendar bytes: deterministic, from rows only (no clock)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Timezone
from icalendar import Event as VEvent
from sqlalchemy import and_, select
from sqlalchemy.orm import Session, joinedload

from app.enums import AssignmentStatus, EventStatus, VisitKind, VisitOutcome
from app.i18n import localised
from app.models import (
    Assignment,
    Event,
    FeedTombstone,
    Household,
    Neighbourhood,
    Shift,
    Team,
    Visit,
    VisitRound,
    Volunteer,
)
from app.services.feeds.base import (
    ALARM_BEFORE,
    FEED_STATUSES,
    HISTORY,
    PHONE_RE,
    PRODID,
    REFRESH,
    WITHDRAWN,
    FeedKind,
    FeedSettings,
    RenderedFeed,
    assignment_filter,
    event_visible,
    public_event_filter,
    visit_window,
)
from app.services.feeds.tombstones import visible_tombstones
from app.services.links import feed_portal_token
from app.services.visits.bridge import VISIT_MINUTES

# -- rendering ---------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _vtimezone(tzid: str) -> Timezone:
    """The zone's VTIMEZONE, built once: it is the same for every feed (and read-only)."""
    return Timezone.from_tzid(tzid)


def _calendar(name: str, settings: FeedSettings) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.timezone)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    cal.add_component(_vtimezone(settings.timezone))
    return cal


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=0)


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone).replace(microsecond=0)


def _stamp(vevent: VEvent, uid: str, changed: datetime, created: datetime | None,
           sequence: int) -> None:
    vevent.add("uid", uid)
    vevent.add("dtstamp", _utc(changed))
    vevent.add("last-modified", _utc(changed))
    if created is not None:
        vevent.add("created", _utc(created))
    vevent.add("sequence", sequence)


def _alarm(vevent: VEvent, text: str) -> None:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", text)
    alarm.add("trigger", -ALARM_BEFORE)
    vevent.add_component(alarm)


def _serialise(cal: Calendar) -> RenderedFeed:
    body = cal.to_ical()
    return RenderedFeed(body=body, etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"',
                        last_modified=None)


def _skill_name(shift: Shift, locale: str) -> str | None:
    if shift.skill is None:
        return None
    return localised(shift.skill.name_zh, shift.skill.name_en, locale)


def build_volunteer_feed(session: Session, volunteer: Volunteer, *, now: datetime,
                         settings: FeedSettings) -> RenderedFeed:
    """The volunteer's own calendar: awaiting-confirmation and confirmed assignments."""
    assignments = session.scalars(
        select(Assignment)
        .join(Shift, Assignment.shift_id == Shift.id)
        .join(Event, Shift.event_id == Event.id)
        .where(Assignment.volunteer_id == volunteer.id, assignment_filter(now))
        .options(joinedload(Assignment.shift).joinedload(Shift.event),
                 joinedload(Assignment.shift).joinedload(Shift.skill))
        .order_by(Shift.start_at, Assignment.id)
    ).unique().all()
    visits = session.scalars(
        select(Visit)
        .outerjoin(VisitRound, VisitRound.id == Visit.round_id)
        .where(Visit.volunteer_id == volunteer.id, visit_window(now - HISTORY))
        .options(joinedload(Visit.household).joinedload(Household.building))
        .order_by(Visit.visited_at, Visit.id)
    ).unique().all()
    locale = volunteer.locale if volunteer.locale in ("zh_CN", "en") else settings.default_locale
    portal = portal_link(volunteer, settings)
    with force_locale(locale):
        cal = _calendar(_("Linli shifts · %(name)s", name=volunteer.name), settings)
        for assignment in assignments:
            cal.add_component(_assignment_vevent(assignment, locale, settings, portal=portal))
        for visit in visits:
            cal.add_component(_visit_vevent(visit, settings, portal=portal))
        live = [f"assignment-{a.id}" for a in assignments]
        for stone in visible_tombstones(session, FeedTombstone.volunteer_id == volunteer.id,
                                        now, live):
            cal.add_component(_tombstone_vevent(
                stone, settings, _("You are no longer on this shift.")))
        return _serialise(cal)


def _tombstone_vevent(stone: FeedTombstone, settings: FeedSettings, reason: str,
                      *, public: bool = False) -> VEvent:
    """An entry whose row is gone: CANCELLED, one SEQUENCE above its last version."""
    vevent = VEvent()
    _stamp(vevent, settings.uid(stone.uid), stone.removed_at, None, stone.sequence)
    vevent.add("dtstart", _local(stone.start_at, settings.zone))
    vevent.add("dtend", _local(stone.end_at, settings.zone))
    title = (_public_text(stone.summary) if public else stone.summary) or ""
    vevent.add("summary", _("Cancelled: %(title)s", title=title))
    if stone.place:
        vevent.add("location", _public_text(stone.place) if public else stone.place)
    vevent.add("description", reason)
    vevent.add("status", "CANCELLED")
    vevent.add("transp", "TRANSPARENT")
    return vevent


def build_assignment_file(volunteer: Volunteer, assignments: list[Assignment], *,
                          settings: FeedSettings) -> str:
    """A calendar file of some of the volunteer's assignments, to go with a message: the same
    entries (UID, SEQUENCE, status) as in their feed, so a calendar that imports the file and
    also subscribes keeps one entry, and an imported copy is updated or cancelled by the next
    file."""
    locale = volunteer.locale if volunteer.locale in ("zh_CN", "en") else settings.default_locale
    portal = portal_link(volunteer, settings)
    with force_locale(locale):
        cal = _calendar(_("Linli shifts · %(name)s", name=volunteer.name), settings)
        for assignment in sorted(assignments, key=lambda a: (a.shift.start_at, a.id)):
            cal.add_component(_assignment_vevent(assignment, locale, settings, portal=portal))
        return cal.to_ical().decode()


def portal_link(volunteer: Volunteer, settings: FeedSettings) -> str:
    """The volunteer's portal, opened without a login from their own feed (a signed link
    without a timestamp, so the feed's bytes do not change; ended when the feed link is
    replaced). Without a key, the portal's address (it asks to log in)."""
    if not settings.link_key:
        return f"{settings.external_url}/portal/"
    token = feed_portal_token(settings.link_key, volunteer.id, volunteer.feed_token)
    return f"{settings.external_url}/portal/?f={token}"


def _visit_vevent(visit: Visit, settings: FeedSettings, *, portal: str | None = None) -> VEvent:
    """A contact of a published visit round, in the member's own feed: whom to visit and
    where (the household's contact name and address), never its phone, categories or notes;
    those stay behind the portal's login or link."""
    household = visit.household
    planned = visit.outcome == VisitOutcome.planned
    vevent = VEvent()
    # Visits keep no SEQUENCE column: the seconds between creation and the last change rise
    # with every change (a recorded outcome moves the entry to when it happened).
    sequence = max(0, int((visit.updated_at - visit.created_at).total_seconds()))
    _stamp(vevent, settings.uid(f"visit-{visit.id}"), visit.updated_at, visit.created_at,
           sequence)
    start = _local(visit.visited_at, settings.zone)
    vevent.add("dtstart", start)
    vevent.add("dtend", start + timedelta(minutes=VISIT_MINUTES))
    title = _("%(kind)s · %(name)s", kind=VisitKind(visit.kind).label,
              name=household.contact_name)
    if not planned:
        title = _("%(outcome)s: %(title)s", outcome=VisitOutcome(visit.outcome).label,
                  title=title)
    vevent.add("summary", title)
    vevent.add("location", household.address)
    url = (f"{portal}&to=visits#visit-{visit.id}" if portal and "?" in portal
           else f"{settings.external_url}/portal/visits#visit-{visit.id}")
    lines = [VisitKind(visit.kind).label,
             _("Status: %(status)s", status=VisitOutcome(visit.outcome).label), url]
    vevent.add("description", "\n".join(lines))
    vevent.add("url", url)
    vevent.add("status", "CONFIRMED")
    vevent.add("transp", "OPAQUE" if planned else "TRANSPARENT")
    if planned:
        _alarm(vevent, title)
    return vevent


def _assignment_vevent(assignment: Assignment, locale: str, settings: FeedSettings, *,
                       portal: str | None = None) -> VEvent:
    shift = assignment.shift
    ev = shift.event
    withdrawn = assignment.status in WITHDRAWN
    cancelled = ev.status == EventStatus.cancelled or withdrawn
    vevent = VEvent()
    changed = max(assignment.updated_at, shift.updated_at, ev.updated_at)
    _stamp(vevent, settings.uid(f"assignment-{assignment.id}"), changed,
           assignment.created_at, assignment.sequence)
    vevent.add("dtstart", _local(shift.start_at, settings.zone))
    vevent.add("dtend", _local(shift.end_at, settings.zone))
    title = _("%(shift)s · %(event)s", shift=shift.title, event=ev.title)
    if cancelled:
        title = _("Cancelled: %(title)s", title=title)
    elif assignment.status == AssignmentStatus.pending:
        title = _("Please confirm: %(title)s", title=title)
    vevent.add("summary", title)
    if ev.place:
        vevent.add("location", ev.place)
    lines = _station_lines(shift, locale)
    if ev.description:
        lines.append(ev.description)
    if ev.contact:
        lines.append(_("Coordinator: %(contact)s", contact=ev.contact))
    lines.append(_("Status: %(status)s", status=assignment.status.label))
    if withdrawn:
        lines.append(_("You are no longer on this shift."))
    elif cancelled:
        lines.append(_("This event has been cancelled."))
    url = f"{portal or settings.external_url + '/portal/'}#assignment-{assignment.id}"
    lines.append(url)
    vevent.add("description", "\n".join(lines))
    vevent.add("url", url)
    vevent.add("status", "CANCELLED" if cancelled else FEED_STATUSES[assignment.status])
    vevent.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    if not cancelled:
        _alarm(vevent, title)
    return vevent


def _station_lines(shift: Shift, locale: str) -> list[str]:
    lines = [_("Station: %(station)s", station=shift.title)]
    skill = _skill_name(shift, locale)
    if skill:
        lines.append(_("Required skill: %(skill)s", skill=skill))
    return lines


def build_team_feed(session: Session, team: Team, *, now: datetime, settings: FeedSettings,
                    locale: str) -> RenderedFeed:
    """The team's shifts, for its lead: who is on each (names only, no phone numbers)."""
    shifts = session.scalars(
        select(Shift)
        .join(Event, Shift.event_id == Event.id)
        .where(Shift.team_id == team.id, Event.status != EventStatus.draft,
               event_visible(now), Shift.end_at > now - HISTORY)
        .options(joinedload(Shift.event), joinedload(Shift.skill),
                 joinedload(Shift.assignments).joinedload(Assignment.volunteer))
        .order_by(Shift.start_at, Shift.id)
    ).unique().all()
    with force_locale(locale):
        cal = _calendar(_("Linli team · %(name)s", name=team.name), settings)
        for shift in shifts:
            ev = shift.event
            cancelled = ev.status == EventStatus.cancelled
            people = sorted(
                (a for a in shift.assignments if a.status in FEED_STATUSES),
                key=lambda a: a.volunteer.name,
            )
            stamps = [shift.updated_at, ev.updated_at, *(a.updated_at for a in people)]
            vevent = VEvent()
            _stamp(vevent, settings.uid(f"team-shift-{shift.id}"), max(stamps),
                   shift.created_at, shift.sequence)
            vevent.add("dtstart", _local(shift.start_at, settings.zone))
            vevent.add("dtend", _local(shift.end_at, settings.zone))
            title = _("%(shift)s · %(event)s", shift=shift.title, event=ev.title)
            vevent.add("summary", _("Cancelled: %(title)s", title=title) if cancelled else title)
            if ev.place:
                vevent.add("location", ev.place)
            lines = _station_lines(shift, locale)
            names = ", ".join(
                a.volunteer.name + ("" if a.status == AssignmentStatus.confirmed else " (?)")
                for a in people
            )
            lines.append(_("Volunteers (%(n)d of %(max)d): %(names)s", n=len(people),
                           max=shift.max_volunteers, names=names or "–"))
            if ev.description:
                lines.append(ev.description)
            if ev.contact:
                lines.append(_("Coordinator: %(contact)s", contact=ev.contact))
            vevent.add("description", "\n".join(lines))
            vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
            cal.add_component(vevent)
        live = [f"team-shift-{shift.id}" for shift in shifts]
        for stone in visible_tombstones(session, FeedTombstone.team_id == team.id, now, live):
            cal.add_component(_tombstone_vevent(
                stone, settings, _("This shift is no longer the team's.")))
        return _serialise(cal)


def _public_text(value: str | None) -> str | None:
    if not value:
        return value
    return PHONE_RE.sub("…", value)


def _public_vevent(ev: Event, settings: FeedSettings) -> VEvent:
    cancelled = ev.status == EventStatus.cancelled
    vevent = VEvent()
    _stamp(vevent, settings.uid(f"event-{ev.id}"), ev.updated_at, ev.created_at, ev.sequence)
    vevent.add("dtstart", _local(ev.start_at, settings.zone))
    vevent.add("dtend", _local(ev.end_at, settings.zone))
    title = _public_text(ev.title) or ""
    vevent.add("summary", _("Cancelled: %(title)s", title=title) if cancelled else title)
    if ev.place:
        vevent.add("location", _public_text(ev.place))
    lines = [ev.kind.label]
    if ev.description:
        lines.append(_public_text(ev.description) or "")
    if cancelled:
        lines.append(_("This event has been cancelled."))
    vevent.add("description", "\n".join(lines))
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    vevent.add("transp", "TRANSPARENT")
    return vevent


def build_public_feed(session: Session, kind: FeedKind, owner_id: int, *, now: datetime,
                      settings: FeedSettings, locale: str) -> RenderedFeed:
    """Public events only: no contacts, no household, phone numbers removed from free text.

    Cancelled events stay as CANCELLED for 30 days; events with a household (care visits)
    never appear, whatever their flags say.
    """
    if kind == FeedKind.event:
        condition = and_(Event.id == owner_id, public_event_filter(now))
        removed = and_(FeedTombstone.event_id == owner_id,
                       FeedTombstone.neighbourhood_id.is_not(None))
    else:
        condition = and_(Event.neighbourhood_id == owner_id, public_event_filter(now))
        removed = FeedTombstone.neighbourhood_id == owner_id
    events = session.scalars(
        select(Event).where(condition).order_by(Event.start_at, Event.id)
    ).all()
    stones = visible_tombstones(session, removed, now, [f"event-{ev.id}" for ev in events])
    with force_locale(locale):
        if kind == FeedKind.event:
            titles = [ev.title for ev in events] + [stone.summary for stone in stones]
            name = titles[0] if titles else _("Linli event")
        else:
            hood = session.get(Neighbourhood, owner_id)
            label = localised(hood.name, hood.name_en, locale) if hood else ""
            name = _("Linli · %(neighbourhood)s", neighbourhood=label)
        cal = _calendar(_public_text(name) or "", settings)
        for ev in events:
            cal.add_component(_public_vevent(ev, settings))
        for stone in stones:
            cal.add_component(_tombstone_vevent(
                stone, settings, _("This event has been cancelled."), public=True))
        return _serialise(cal)


