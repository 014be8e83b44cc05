"""What every feed shares: kinds, settings, versions, the rows a feed shows, link rotation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, EventStatus, RoundStatus
from app.models import Assignment, Event, Shift, Team, Visit, VisitRound, Volunteer
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
PHONE_RE = re.compile(r"\+?\d[\d\s-]{5,}\d")


class FeedKind(StrEnum):
    volunteer = "volunteer"
    team = "team"
    event = "event"
    neighbourhood = "neighbourhood"


@dataclass(frozen=True)
class FeedSettings:
    external_url: str
    #: Every UID ends in it (`LINLI_DEPLOYMENT_ID`), not in the URL's host: two deployments
    #: never collide, and moving to a new address re-creates no calendar entry.
    deployment_id: str
    timezone: str = "Asia/Shanghai"
    default_locale: str = "zh_CN"
    #: Signs the portal link in each entry of a personal feed (the app's SECRET_KEY); without
    #: it the entries link to the portal's login.
    link_key: str = field(default="", repr=False)

    def uid(self, local: str) -> str:
        """"assignment-12" → "assignment-12@<deployment id>"."""
        return f"{local}@{self.deployment_id}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_config(cls, config: Any) -> FeedSettings:
        return cls(
            external_url=str(config["LINLI_EXTERNAL_URL"]).rstrip("/"),
            deployment_id=config["LINLI_DEPLOYMENT_ID"],
            timezone=config["LINLI_TIMEZONE"],
            default_locale=config["LINLI_DEFAULT_LOCALE"],
            link_key=str(config.get("SECRET_KEY") or ""),
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


def event_visible(now: datetime) -> Any:
    """Not cancelled, or cancelled less than 30 days ago (then shown as CANCELLED)."""
    return or_(
        Event.status != EventStatus.cancelled,
        func.coalesce(Event.cancelled_at, Event.updated_at) > now - CANCELLED_VISIBLE,
    )


def public_event_filter(now: datetime) -> Any:
    return and_(
        Event.shown_publicly,
        Event.status.in_([EventStatus.published, EventStatus.cancelled]),
        event_visible(now),
        Event.end_at > now - HISTORY,
    )


def assignment_filter(now: datetime) -> Any:
    return assignment_window(now - CANCELLED_VISIBLE, now - HISTORY)


def assignment_window(cancel_cutoff: Any, history_cutoff: Any) -> Any:
    """Assignments in a personal feed; the cut-offs are values or bind parameters."""
    return and_(
        or_(Assignment.status.in_(list(FEED_STATUSES)),
            and_(Assignment.status.in_(WITHDRAWN), Assignment.updated_at > cancel_cutoff)),
        Event.status != EventStatus.draft,
        or_(Event.status != EventStatus.cancelled,
            func.coalesce(Event.cancelled_at, Event.updated_at) > cancel_cutoff),
        Shift.end_at > history_cutoff,
    )


def visit_window(history_cutoff: Any) -> Any:
    """A member's contacts in her personal feed (outer-joined with their round): those of
    published rounds and the follow-ups of explained requests (no round), planned or
    recorded, that are not older than the feed's history."""
    return and_(or_(VisitRound.status == RoundStatus.published, Visit.follow_up_of_id.is_not(None)),
                Visit.visited_at > history_cutoff)


def latest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def as_utc(value: Any) -> datetime | None:
    """Aggregates come back as strings on SQLite and naive or aware datetimes elsewhere."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


