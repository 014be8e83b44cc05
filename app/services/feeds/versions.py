"""One cheap query per poll: a key that changes whenever a feed's rows change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, join, select, update
from sqlalchemy.orm import Session

from app.enums import EventStatus
from app.models import (
    Assignment,
    Event,
    FeedTombstone,
    Neighbourhood,
    Shift,
    Team,
    UTCDateTime,
    Visit,
    VisitRound,
    Volunteer,
)
from app.services.feeds.base import (
    CANCELLED_VISIBLE,
    FEED_STATUSES,
    FETCH_RECORD_INTERVAL,
    HISTORY,
    TOKEN_RE,
    FeedKind,
    FeedSettings,
    FeedVersion,
    as_utc,
    assignment_window,
    event_visible,
    latest,
    public_event_filter,
    visit_window,
)
from app.services.feeds.shared import NOT_A_FEED_CHANGE

# -- versions: one cheap query per poll --------------------------------------------------------


def _volunteer_version_query() -> Any:
    rows = join(Assignment, Shift, Assignment.shift_id == Shift.id).join(
        Event, Shift.event_id == Event.id
    )
    history_cutoff = bindparam("history_cutoff", type_=UTCDateTime())
    window = assignment_window(bindparam("cancel_cutoff", type_=UTCDateTime()), history_cutoff)
    # The member's contacts (visit rounds), as correlated subqueries on the indexed
    # visits.volunteer_id: how many, and when one or its round last changed.
    mine = and_(Visit.volunteer_id == Volunteer.id, visit_window(history_cutoff))
    visits = (select(func.count(Visit.id), func.max(Visit.updated_at),
                     func.max(VisitRound.updated_at))
              .select_from(Visit).outerjoin(VisitRound, VisitRound.id == Visit.round_id)
              .where(mine).correlate(Volunteer))
    # Entries whose row is gone (tombstones of the last 30 days).
    removed = select(func.count(FeedTombstone.id)).where(
        FeedTombstone.volunteer_id == Volunteer.id,
        FeedTombstone.removed_at > bindparam("cancel_cutoff", type_=UTCDateTime()),
    ).correlate(Volunteer)
    return (
        select(
            Volunteer.id, Volunteer.locale, Volunteer.feed_fetched_at,
            func.count(Assignment.id), func.sum(Assignment.sequence),
            func.max(Assignment.updated_at), func.max(Shift.updated_at),
            func.max(Event.updated_at),
            visits.with_only_columns(func.count(Visit.id)).scalar_subquery(),
            visits.with_only_columns(func.max(Visit.updated_at)).scalar_subquery(),
            visits.with_only_columns(func.max(VisitRound.updated_at)).scalar_subquery(),
            removed.scalar_subquery(),
            removed.with_only_columns(func.max(FeedTombstone.removed_at)).scalar_subquery(),
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
    (vid, locale, fetched_at, count, seq, a_max, s_max, e_max, v_count, v_max, r_max,
     t_count, t_max) = row
    stamps = (as_utc(a_max), as_utc(s_max), as_utc(e_max), as_utc(v_max), as_utc(r_max),
              as_utc(t_max))
    return FeedVersion(
        owner_id=vid, locale=locale, key=(count, seq, v_count, t_count, *stamps),
        last_modified=latest(*stamps), fetched_at=as_utc(fetched_at),
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
               event_visible(now), Shift.end_at > now - HISTORY)
    ).one()
    t_count, t_max = _tombstones(session, FeedTombstone.team_id == team.id, now)
    stamps = (*(as_utc(v) for v in row[2:]), t_max)
    return FeedVersion(
        owner_id=team.id, locale=team.locale or settings.default_locale,
        key=(row[0], row[1], t_count, *stamps), last_modified=latest(*stamps),
    )


def _tombstones(session: Session, owner: Any, now: datetime) -> tuple[int, datetime | None]:
    """How many entries left the feed in the last 30 days, and when the last one did."""
    count, last = session.execute(
        select(func.count(FeedTombstone.id), func.max(FeedTombstone.removed_at))
        .where(owner, FeedTombstone.removed_at > now - CANCELLED_VISIBLE)
    ).one()
    return int(count or 0), as_utc(last)


def public_feed_version(session: Session, kind: FeedKind, owner_id: int, now: datetime,
                        locale: str) -> FeedVersion | None:
    """Version of an event's or a neighbourhood's public feed; None when there is none."""
    if kind == FeedKind.event:
        condition = and_(Event.id == owner_id, public_event_filter(now))
        removed = and_(FeedTombstone.event_id == owner_id,
                       FeedTombstone.neighbourhood_id.is_not(None))
    else:
        exists = session.scalar(select(Neighbourhood.id).where(Neighbourhood.id == owner_id))
        if exists is None:
            return None
        condition = and_(Event.neighbourhood_id == owner_id, public_event_filter(now))
        removed = FeedTombstone.neighbourhood_id == owner_id
    count, last = session.execute(
        select(func.count(Event.id), func.max(Event.updated_at)).where(condition)
    ).one()
    t_count, t_max = _tombstones(session, removed, now)
    if kind == FeedKind.event and not count and not t_count:
        return None
    stamp = latest(as_utc(last), t_max)
    return FeedVersion(owner_id=owner_id, locale=locale, key=(count, t_count, stamp),
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
        .execution_options(synchronize_session=False, **{NOT_A_FEED_CHANGE: True})
    )
    return True


