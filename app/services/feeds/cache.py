"""Rendered feeds kept per feed and version; the entry points the views call."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.models import Team, Volunteer
from app.services.feeds.base import (
    TOKEN_RE,
    FeedKind,
    FeedSettings,
    FeedVersion,
    RenderedFeed,
)
from app.services.feeds.render import build_public_feed, build_team_feed, build_volunteer_feed
from app.services.feeds.shared import KnownFeed, SharedFeedVersions, needs_database
from app.services.feeds.versions import (
    public_feed_version,
    record_feed_fetch,
    team_feed_version,
    volunteer_feed_version,
)

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


def known_volunteer_feed(shared: SharedFeedVersions, token: str,
                         now: datetime) -> tuple[int | None, KnownFeed | None]:
    """(generation, the personal feed's version as every process knows it); the version only
    when a poll may be answered from it, without the database."""
    if not TOKEN_RE.match(token):
        return None, None
    generation, known = shared.lookup(token)
    return generation, None if needs_database(known, now) else known


def volunteer_feed(session: Session, token: str, *, now: datetime, settings: FeedSettings,
                   cache: FeedCache, shared: SharedFeedVersions | None = None,
                   generation: int | None = None) -> RenderedFeed | None:
    """The personal feed behind a secret link, or None (unknown token, inactive volunteer).
    With `shared`, its version is left there for every process, stamped with `generation`
    (read by `known_volunteer_feed` before this looked at the database)."""
    version = volunteer_feed_version(session, token, now)
    if version is None:
        return None
    feed = _cached(cache, FeedKind.volunteer, version, lambda: build_volunteer_feed(
        session, session.get_one(Volunteer, version.owner_id), now=now, settings=settings))
    recorded = record_feed_fetch(session, version, now)
    if shared is not None:
        shared.remember(token, generation, feed, now if recorded else version.fetched_at)
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


