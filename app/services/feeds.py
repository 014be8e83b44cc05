"""Calendar feeds: the volunteer's, the team's, an event's and a neighbourhood's iCalendar.

Everything here is a plain function of a session and explicit settings; the feed views only
wrap the result in HTTP. Three properties matter to calendar apps and are kept on purpose:

- **Deterministic bytes.** Nothing reads the clock while rendering: DTSTAMP and LAST-MODIFIED
  come from the rows' `updated_at`, UIDs from their ids. The `now` parameter only decides which
  rows are in the feed (cancelled events stay 30 days), so two fetches with no change in
  between give the same bytes and the same ETag.
- **Cheap polling.** `*_version` answers, in one small query, a key that changes whenever the
  feed's rows change; `FeedCache` keeps the rendered bytes per feed and version.
- **Change tracking.** `Assignment.sequence` is raised by a `before_flush` listener whenever the
  shift's time or the event's place or status changes, whichever code path changed it (admin
  form, scheduler, CLI): a calendar app then replaces its copy instead of ignoring the update.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Alarm, Calendar, Timezone
from icalendar import Event as VEvent
from sqlalchemy import and_, bindparam, func, inspect, join, or_, select, update
from sqlalchemy.orm import Session, joinedload

from app.enums import AssignmentStatus, EventStatus
from app.i18n import localised
from app.models import Assignment, Event, Neighbourhood, Shift, Team, UTCDateTime, Volunteer
from app.models.volunteers import new_feed_token

PRODID = "-//Linli 邻里//Linli calendar feeds 1.0//ZH"
#: Cancelled events stay visible (as STATUS:CANCELLED) this long after the cancellation.
CANCELLED_VISIBLE = timedelta(days=30)
#: Shifts and events that ended longer ago than this leave the feeds.
HISTORY = timedelta(days=90)
#: Assignment statuses a volunteer sees in their calendar, and how.
FEED_STATUSES = {
    AssignmentStatus.pending: "TENTATIVE",
    AssignmentStatus.confirmed: "CONFIRMED",
}
#: No longer the volunteer's: kept as CANCELLED for a while, so every client removes it (a
#: client that only sees an entry vanish may keep it).
WITHDRAWN = (AssignmentStatus.cancelled, AssignmentStatus.declined)
#: `feed_fetched_at` is rewritten at most this often, so polling does not write every time.
FETCH_RECORD_INTERVAL = timedelta(minutes=10)
REFRESH = timedelta(hours=1)
ALARM_BEFORE = timedelta(hours=1)
#: Token shape accepted in URLs (`secrets.token_urlsafe`); anything else is a 404 unqueried.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
#: Phone-like digit runs, removed from free text shown in public feeds.
_PHONE_RE = re.compile(r"\+?\d[\d\s-]{5,}\d")


class FeedKind(StrEnum):
    volunteer = "volunteer"
    team = "team"
    event = "event"
    neighbourhood = "neighbourhood"


@dataclass(frozen=True)
class FeedSettings:
    external_url: str
    timezone: str = "Asia/Shanghai"
    default_locale: str = "zh_CN"

    @property
    def host(self) -> str:
        return urlsplit(self.external_url).hostname or "linli.invalid"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_config(cls, config: Any) -> FeedSettings:
        return cls(
            external_url=str(config["LINLI_EXTERNAL_URL"]).rstrip("/"),
            timezone=config["LINLI_TIMEZONE"],
            default_locale=config["LINLI_DEFAULT_LOCALE"],
        )


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    etag: str
    last_modified: datetime | None


@dataclass(frozen=True)
class FeedVersion:
    """What identifies a feed's content without rendering it."""

    owner_id: int
    locale: str
    key: tuple[Any, ...]
    last_modified: datetime | None
    fetched_at: datetime | None = None


# -- links -----------------------------------------------------------------------------------


def rotate_volunteer_token(session: Session, volunteer: Volunteer) -> str:
    """Replace the secret link; the old one answers 404 from the next request on."""
    volunteer.feed_token = new_feed_token()
    volunteer.feed_fetched_at = None
    session.flush()
    return volunteer.feed_token


def rotate_team_token(session: Session, team: Team) -> str:
    team.feed_token = new_feed_token()
    session.flush()
    return team.feed_token


# -- the window of rows in a feed -------------------------------------------------------------


def _event_visible(now: datetime) -> Any:
    """Not cancelled, or cancelled less than 30 days ago (then shown as CANCELLED)."""
    return or_(
        Event.status != EventStatus.cancelled,
        func.coalesce(Event.cancelled_at, Event.updated_at) > now - CANCELLED_VISIBLE,
    )


def _public_event_filter(now: datetime) -> Any:
    return and_(
        Event.shown_publicly,
        Event.status.in_([EventStatus.published, EventStatus.cancelled]),
        _event_visible(now),
        Event.end_at > now - HISTORY,
    )


def _assignment_filter(now: datetime) -> Any:
    return _assignment_window(now - CANCELLED_VISIBLE, now - HISTORY)


def _assignment_window(cancel_cutoff: Any, history_cutoff: Any) -> Any:
    """Assignments in a personal feed; the cut-offs are values or bind parameters."""
    return and_(
        or_(Assignment.status.in_(list(FEED_STATUSES)),
            and_(Assignment.status.in_(WITHDRAWN), Assignment.updated_at > cancel_cutoff)),
        Event.status != EventStatus.draft,
        or_(Event.status != EventStatus.cancelled,
            func.coalesce(Event.cancelled_at, Event.updated_at) > cancel_cutoff),
        Shift.end_at > history_cutoff,
    )


def _latest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _as_utc(value: Any) -> datetime | None:
    """Aggregates come back as strings on SQLite and naive or aware datetimes elsewhere."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


# -- versions: one cheap query per poll --------------------------------------------------------


def _volunteer_version_query() -> Any:
    rows = join(Assignment, Shift, Assignment.shift_id == Shift.id).join(
        Event, Shift.event_id == Event.id
    )
    window = _assignment_window(bindparam("cancel_cutoff", type_=UTCDateTime()),
                                bindparam("history_cutoff", type_=UTCDateTime()))
    return (
        select(
            Volunteer.id, Volunteer.locale, Volunteer.feed_fetched_at,
            func.count(Assignment.id), func.sum(Assignment.sequence),
            func.max(Assignment.updated_at), func.max(Shift.updated_at),
            func.max(Event.updated_at),
        )
        .select_from(Volunteer)
        .outerjoin(rows, and_(Assignment.volunteer_id == Volunteer.id, window))
        .where(Volunteer.feed_token == bindparam("token"), Volunteer.active.is_(True))
        .group_by(Volunteer.id, Volunteer.locale, Volunteer.feed_fetched_at)
    )


#: Built once: building and cache-keying this statement cost more than running it.
_VOLUNTEER_VERSION = _volunteer_version_query()


def volunteer_feed_version(session: Session, token: str, now: datetime) -> FeedVersion | None:
    """The active volunteer owning `token` and the version of their feed, in one query."""
    if not TOKEN_RE.match(token):
        return None
    row = session.connection().execute(_VOLUNTEER_VERSION, {
        "token": token, "cancel_cutoff": now - CANCELLED_VISIBLE,
        "history_cutoff": now - HISTORY,
    }).one_or_none()
    if row is None:
        return None
    vid, locale, fetched_at, count, seq, a_max, s_max, e_max = row
    stamps = (_as_utc(a_max), _as_utc(s_max), _as_utc(e_max))
    return FeedVersion(
        owner_id=vid, locale=locale, key=(count, seq, *stamps),
        last_modified=_latest(*stamps), fetched_at=_as_utc(fetched_at),
    )


def team_feed_version(session: Session, token: str, now: datetime,
                      settings: FeedSettings) -> FeedVersion | None:
    if not TOKEN_RE.match(token):
        return None
    team = session.execute(
        select(Team.id, Volunteer.locale, Volunteer.active)
        .outerjoin(Volunteer, Volunteer.id == Team.lead_id)
        .where(Team.feed_token == token)
    ).one_or_none()
    if team is None or team.active is False:
        return None
    shifts = join(Shift, Event, Shift.event_id == Event.id).outerjoin(
        Assignment,
        and_(Assignment.shift_id == Shift.id, Assignment.status.in_(list(FEED_STATUSES))),
    )
    row = session.execute(
        select(
            func.count(func.distinct(Shift.id)), func.count(Assignment.id),
            func.max(Shift.updated_at), func.max(Event.updated_at),
            func.max(Assignment.updated_at),
        )
        .select_from(shifts)
        .where(Shift.team_id == team.id, Event.status != EventStatus.draft,
               _event_visible(now), Shift.end_at > now - HISTORY)
    ).one()
    stamps = tuple(_as_utc(v) for v in row[2:])
    return FeedVersion(
        owner_id=team.id, locale=team.locale or settings.default_locale,
        key=(row[0], row[1], *stamps), last_modified=_latest(*stamps),
    )


def public_feed_version(session: Session, kind: FeedKind, owner_id: int, now: datetime,
                        locale: str) -> FeedVersion | None:
    """Version of an event's or a neighbourhood's public feed; None when there is none."""
    if kind == FeedKind.event:
        condition = and_(Event.id == owner_id, _public_event_filter(now))
    else:
        exists = session.scalar(select(Neighbourhood.id).where(Neighbourhood.id == owner_id))
        if exists is None:
            return None
        condition = and_(Event.neighbourhood_id == owner_id, _public_event_filter(now))
    count, latest = session.execute(
        select(func.count(Event.id), func.max(Event.updated_at)).where(condition)
    ).one()
    if kind == FeedKind.event and not count:
        return None
    stamp = _as_utc(latest)
    return FeedVersion(owner_id=owner_id, locale=locale, key=(count, stamp),
                       last_modified=stamp)


def record_feed_fetch(session: Session, version: FeedVersion, now: datetime) -> bool:
    """Note that a calendar app fetched the personal feed, at most every 10 minutes.

    A column-only UPDATE that keeps `updated_at`: the fetch is bookkeeping, not a change of
    the volunteer, and must not look like one to anything that watches `updated_at`.
    """
    if version.fetched_at is not None and now - version.fetched_at < FETCH_RECORD_INTERVAL:
        return False
    session.execute(
        update(Volunteer)
        .where(Volunteer.id == version.owner_id)
        .values(feed_fetched_at=now, updated_at=Volunteer.updated_at)
        .execution_options(synchronize_session=False)
    )
    return True


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
        .where(Assignment.volunteer_id == volunteer.id, _assignment_filter(now))
        .options(joinedload(Assignment.shift).joinedload(Shift.event),
                 joinedload(Assignment.shift).joinedload(Shift.skill))
        .order_by(Shift.start_at, Assignment.id)
    ).unique().all()
    locale = volunteer.locale if volunteer.locale in ("zh_CN", "en") else settings.default_locale
    with force_locale(locale):
        cal = _calendar(_("Linli shifts · %(name)s", name=volunteer.name), settings)
        for assignment in assignments:
            cal.add_component(_assignment_vevent(assignment, locale, settings))
        return _serialise(cal)


def _assignment_vevent(assignment: Assignment, locale: str, settings: FeedSettings) -> VEvent:
    shift = assignment.shift
    ev = shift.event
    withdrawn = assignment.status in WITHDRAWN
    cancelled = ev.status == EventStatus.cancelled or withdrawn
    vevent = VEvent()
    changed = max(assignment.updated_at, shift.updated_at, ev.updated_at)
    _stamp(vevent, f"assignment-{assignment.id}@{settings.host}", changed,
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
    url = f"{settings.external_url}/portal/#assignment-{assignment.id}"
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
               _event_visible(now), Shift.end_at > now - HISTORY)
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
            _stamp(vevent, f"team-shift-{shift.id}@{settings.host}", max(stamps),
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
        return _serialise(cal)


def _public_text(value: str | None) -> str | None:
    if not value:
        return value
    return _PHONE_RE.sub("…", value)


def _public_vevent(ev: Event, settings: FeedSettings) -> VEvent:
    cancelled = ev.status == EventStatus.cancelled
    vevent = VEvent()
    _stamp(vevent, f"event-{ev.id}@{settings.host}", ev.updated_at, ev.created_at, ev.sequence)
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
        condition = and_(Event.id == owner_id, _public_event_filter(now))
    else:
        condition = and_(Event.neighbourhood_id == owner_id, _public_event_filter(now))
    events = session.scalars(
        select(Event).where(condition).order_by(Event.start_at, Event.id)
    ).all()
    with force_locale(locale):
        if kind == FeedKind.event:
            name = events[0].title if events else _("Linli event")
        else:
            hood = session.get(Neighbourhood, owner_id)
            label = localised(hood.name, hood.name_en, locale) if hood else ""
            name = _("Linli · %(neighbourhood)s", neighbourhood=label)
        cal = _calendar(_public_text(name) or "", settings)
        for ev in events:
            cal.add_component(_public_vevent(ev, settings))
        return _serialise(cal)


# -- the cache ---------------------------------------------------------------------------------


class FeedCache:
    """Rendered feeds per (kind, owner, locale), each kept with the version it was built from.

    A poll compares the stored version with the fresh one: equal means the bytes are still
    right. Bounded (least recently used goes first) and thread-safe. Entries also expire after
    `ttl` seconds, so a change no version sees (a skill renamed) shows within that time; since
    rendering is deterministic, a re-render with unchanged data gives the same ETag anyway.
    """

    def __init__(self, max_entries: int = 4096, ttl: float = 900.0) -> None:
        self._entries: OrderedDict[tuple[Any, ...], tuple[tuple[Any, ...], float, RenderedFeed]]
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.ttl = ttl
        self.hits = 0
        self.misses = 0

    def get(self, ident: tuple[Any, ...], version: tuple[Any, ...]) -> RenderedFeed | None:
        with self._lock:
            entry = self._entries.get(ident)
            if entry is None or entry[0] != version or time.monotonic() - entry[1] > self.ttl:
                self.misses += 1
                return None
            self._entries.move_to_end(ident)
            self.hits += 1
            return entry[2]

    def put(self, ident: tuple[Any, ...], version: tuple[Any, ...], feed: RenderedFeed) -> None:
        with self._lock:
            self._entries[ident] = (version, time.monotonic(), feed)
            self._entries.move_to_end(ident)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _cached(cache: FeedCache, kind: FeedKind, version: FeedVersion, render: Any) -> RenderedFeed:
    ident = (kind, version.owner_id, version.locale)
    feed = cache.get(ident, version.key)
    if feed is None:
        rendered: RenderedFeed = render()
        feed = RenderedFeed(rendered.body, rendered.etag, version.last_modified)
        cache.put(ident, version.key, feed)
    return feed


def volunteer_feed(session: Session, token: str, *, now: datetime, settings: FeedSettings,
                   cache: FeedCache) -> RenderedFeed | None:
    """The personal feed behind a secret link, or None (unknown token, inactive volunteer)."""
    version = volunteer_feed_version(session, token, now)
    if version is None:
        return None
    feed = _cached(cache, FeedKind.volunteer, version, lambda: build_volunteer_feed(
        session, session.get_one(Volunteer, version.owner_id), now=now, settings=settings))
    record_feed_fetch(session, version, now)
    return feed


def team_feed(session: Session, token: str, *, now: datetime, settings: FeedSettings,
              cache: FeedCache) -> RenderedFeed | None:
    version = team_feed_version(session, token, now, settings)
    if version is None:
        return None
    return _cached(cache, FeedKind.team, version, lambda: build_team_feed(
        session, session.get_one(Team, version.owner_id), now=now, settings=settings,
        locale=version.locale))


def public_feed(session: Session, kind: FeedKind, owner_id: int, *, now: datetime,
                settings: FeedSettings, cache: FeedCache, locale: str) -> RenderedFeed | None:
    version = public_feed_version(session, kind, owner_id, now, locale)
    if version is None:
        return None
    return _cached(cache, kind, version, lambda: build_public_feed(
        session, kind, owner_id, now=now, settings=settings, locale=locale))


# -- SEQUENCE ----------------------------------------------------------------------------------

#: Changes a volunteer's calendar must treat as a new version of the entry (RFC 5546 §2.1.4).
SHIFT_FIELDS = ("start_at", "end_at")
EVENT_FIELDS = ("place", "status")


def _changed(obj: Any, fields: Iterable[str]) -> bool:
    state = inspect(obj)
    for name in fields:
        history = state.attrs[name].history
        if history.added and list(history.added) != list(history.deleted or ()):
            return True
    return False


def bump_sequences(session: Session, *, shift_ids: Sequence[int] = (),
                   event_ids: Sequence[int] = ()) -> int:
    """Raise SEQUENCE of every assignment of these shifts and of these events' shifts.

    Called by the flush listener below; callable directly too (e.g. after a bulk UPDATE that
    bypassed the ORM). Each assignment is raised once, however many of its fields changed.
    Returns the number of assignments raised.
    """
    conditions = []
    if shift_ids:
        conditions.append(Assignment.shift_id.in_(list(shift_ids)))
    if event_ids:
        conditions.append(
            Assignment.shift_id.in_(select(Shift.id).where(Shift.event_id.in_(list(event_ids))))
        )
    if not conditions:
        return 0
    with session.no_autoflush:
        assignments = session.scalars(select(Assignment).where(or_(*conditions))).all()
    for assignment in assignments:
        assignment.sequence = (assignment.sequence or 0) + 1
    return len(assignments)


def bump_sequences_for_changes(session: Session) -> int:
    """Find shifts whose time and events whose place or status is about to change, and shifts
    whose people change: their own SEQUENCE (team and public feeds) and their assignments'
    (personal feeds) go up."""
    moved_shifts = [
        obj for obj in session.dirty
        if isinstance(obj, Shift) and obj.id is not None and _changed(obj, SHIFT_FIELDS)
    ]
    events = [
        obj for obj in session.dirty
        if isinstance(obj, Event) and obj.id is not None
        and _changed(obj, (*EVENT_FIELDS, *SHIFT_FIELDS))
    ]
    shifts = {id(s): s for s in moved_shifts}
    with session.no_autoflush:
        for obj in (*session.new, *session.dirty, *session.deleted):
            if isinstance(obj, Assignment) and (
                obj in session.new or obj in session.deleted or _changed(obj, ("status",))
            ):
                shift = obj.shift if obj.shift is not None else session.get(Shift, obj.shift_id)
                if shift is not None:
                    shifts.setdefault(id(shift), shift)
    # An assignment whose status changes is a new version of its entry (unless the change
    # already raised it).
    restated = [
        obj for obj in session.dirty
        if isinstance(obj, Assignment) and _changed(obj, ("status",))
        and not _changed(obj, ("sequence",))
    ]
    for obj in [*shifts.values(), *events, *restated]:
        obj.sequence = (obj.sequence or 0) + 1
    return bump_sequences(session, shift_ids=[s.id for s in moved_shifts],
                          event_ids=[e.id for e in events if _changed(e, EVENT_FIELDS)])

