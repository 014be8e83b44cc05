"""Personal feed versions every server process shares, so a calendar app's poll of an unchanged
feed is answered 304 without the database.

Calendar apps poll often and almost always find nothing new. With Redis configured (the one
the queue or the limiter uses), a process that has looked a feed up in the database leaves
its ETag and Last-Modified in Redis under a hash of the secret link, stamped with the
**generation**: a counter that every commit touching rows a feed shows raises (the session
listeners in `app.database` call `changed` after such a commit, in the web and in the task
consumers alike). A conditional GET whose stored generation is still the current one, whose
ETag matches and whose fetch need not be recorded yet is answered from one Redis round trip.

Why a single counter and not one per feed: which feeds a change reaches (every member of a
moved shift, every household of a round) is the very query this avoids; a change anywhere
only sends each feed's next poll to the database once. Entries expire after
`LINLI_FEED_SHARED_SECONDS`, so what no generation covers (a window of days moving on with
the clock; a write outside the ORM) shows as late as that, and a Redis that is down only
means every poll goes to the database as before.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import ORMExecuteState, Session

from app.models import (
    Assignment,
    Event,
    FeedTombstone,
    Household,
    Neighbourhood,
    Shift,
    Skill,
    Team,
    Visit,
    VisitRound,
    Volunteer,
)
from app.services.feeds.base import FETCH_RECORD_INTERVAL, RenderedFeed

log = logging.getLogger(__name__)

#: Where the app keeps its `SharedFeedVersions` (`app.extensions`), when Redis is configured.
EXTENSION = "linli_feed_versions"
#: Rows a personal feed shows or is decided by: a change to any of them raises the generation.
FEED_ROWS = (Assignment, Event, FeedTombstone, Household, Neighbourhood, Shift, Skill, Team,
             Visit, VisitRound, Volunteer)
FEED_TABLES = frozenset(model.__table__ for model in FEED_ROWS)
#: Execution option of a statement that writes a feed's table but changes no feed (the fetch
#: bookkeeping).
NOT_A_FEED_CHANGE = "linli_not_a_feed_change"


@dataclass(frozen=True)
class KnownFeed:
    """What the last lookup of a feed found, as every process may trust it."""

    etag: str
    last_modified: datetime | None
    fetched_at: datetime | None


class SharedFeedVersions:
    """The generation and the known feeds, in Redis under `prefix`."""

    def __init__(self, client: Any, *, prefix: str, seconds: int) -> None:
        self.client = client
        self.seconds = seconds
        self._generation_key = f"{prefix}:generation"
        self._prefix = prefix

    @classmethod
    def from_url(cls, url: str, *, prefix: str, seconds: int) -> SharedFeedVersions:
        import redis  # the `prod` / `redis` extra: present whenever a Redis URL is configured

        client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        return cls(client, prefix=prefix, seconds=seconds)

    def _key(self, token: str) -> str:
        # The secret link itself never becomes a key: whoever reads Redis must not learn it.
        return f"{self._prefix}:v:{hashlib.sha256(token.encode()).hexdigest()[:40]}"

    def lookup(self, token: str) -> tuple[int | None, KnownFeed | None]:
        """(current generation, the feed as last seen if still current); one round trip.
        (None, None) when Redis does not answer: the caller goes to the database."""
        try:
            generation, stored = self.client.mget(self._generation_key, self._key(token))
        except Exception:
            log.warning("shared feed versions: Redis did not answer", exc_info=True)
            return None, None
        current = int(generation or 0)
        try:
            seen, etag, modified, fetched = stored.decode().split("|")
            known = KnownFeed(etag, _time(modified), _time(fetched))
        except (AttributeError, ValueError):  # none, or written by another version: ask again
            return current, None
        return current, known if int(seen) == current else None

    def remember(self, token: str, generation: int | None, feed: RenderedFeed,
                 fetched_at: datetime | None) -> None:
        """Keep what the database said at `generation` (read before it was asked)."""
        if generation is None:
            return
        value = "|".join((str(generation), feed.etag, _stamp(feed.last_modified),
                          _stamp(fetched_at)))
        try:
            self.client.set(self._key(token), value, ex=self.seconds)
        except Exception:
            log.warning("shared feed versions: Redis did not answer", exc_info=True)

    def changed(self) -> None:
        """A commit changed rows feeds show: every stored version is stale from now on."""
        try:
            self.client.incr(self._generation_key)
        except Exception:
            # Entries expire on their own; until then a poll may miss this change.
            log.warning("shared feed versions: could not raise the generation", exc_info=True)


def needs_database(known: KnownFeed | None, now: datetime) -> bool:
    """Whether a poll must go to the database although the feed is known: its fetch is due to
    be recorded (`record_feed_fetch`)."""
    if known is None:
        return True
    return known.fetched_at is None or now - known.fetched_at >= FETCH_RECORD_INTERVAL


def flush_changes_feeds(session: Session) -> bool:
    """Whether the pending flush writes rows a feed shows."""
    return any(isinstance(row, FEED_ROWS)
               for rows in (session.new, session.dirty, session.deleted) for row in rows)


def statement_changes_feeds(state: ORMExecuteState) -> bool:
    """Whether a bulk INSERT, UPDATE or DELETE statement writes rows a feed shows."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return False
    if state.execution_options.get(NOT_A_FEED_CHANGE):
        return False
    table = getattr(state.statement, "table", None)
    return table in FEED_TABLES


def _stamp(value: datetime | None) -> str:
    return value.astimezone(UTC).isoformat() if value is not None else ""


def _time(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
