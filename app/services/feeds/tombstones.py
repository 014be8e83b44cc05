"""Entries whose row is gone stay in their feed as CANCELLED for 30 days.

A calendar app that subscribes to a feed and sees an entry vanish may keep its copy (several
do, and an If-Modified-Since client is not even told something changed). So when a row that a
feed shows is deleted, or moves out of that feed (an assignment given to someone else, a shift
moved to another team), a `FeedTombstone` is written in the same flush, whatever code path did
it (admin, scheduler, CLI). A DELETE statement run through the session (a bulk delete, which
skips the flush, and the rows the database then removes by ON DELETE CASCADE) is seen by
`record_bulk_tombstones` before it runs. The feed then shows it as STATUS:CANCELLED with its
SEQUENCE raised by one, and its version (ETag, Last-Modified) moves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, inspect, select
from sqlalchemy.orm import Session

from app.enums import EventStatus
from app.models import Assignment, Event, FeedTombstone, Shift, utcnow
from app.services.feeds.base import CANCELLED_VISIBLE, FEED_STATUSES, HISTORY, WITHDRAWN

# -- writing: the flush listener -----------------------------------------------------------------


def _old_value(obj: Any, column: str, relation: str) -> int | None:
    """The committed id of a foreign key that is about to change (column or relationship)."""
    state = inspect(obj)
    history = state.attrs[column].history
    if history.deleted and history.added and history.deleted[0] != history.added[0]:
        return history.deleted[0]
    rel = state.attrs[relation].history
    if rel.deleted and rel.added:
        before, after = rel.deleted[0], rel.added[0]
        before_id = getattr(before, "id", None)
        if before_id is not None and before_id != getattr(after, "id", None):
            return before_id
    return None


def _event_in_feeds(ev: Event | None, now: datetime) -> bool:
    if ev is None or ev.status == EventStatus.draft:
        return False
    if ev.status == EventStatus.cancelled:
        return (ev.cancelled_at or ev.updated_at or now) > now - CANCELLED_VISIBLE
    return True


def _shift_of(session: Session, assignment: Assignment) -> Shift | None:
    if assignment.shift is not None:
        return assignment.shift
    return session.get(Shift, assignment.shift_id) if assignment.shift_id else None


def _assignment_in_feed(assignment: Assignment, shift: Shift, now: datetime) -> bool:
    status = assignment.status
    shown = status in FEED_STATUSES or (
        status in WITHDRAWN and (assignment.updated_at or now) > now - CANCELLED_VISIBLE)
    return shown and shift.end_at > now - HISTORY and _event_in_feeds(shift.event, now)


def _from_assignment(session: Session, assignment: Assignment, volunteer_id: int | None,
                     now: datetime) -> FeedTombstone | None:
    shift = _shift_of(session, assignment)
    if volunteer_id is None or shift is None or not _assignment_in_feed(assignment, shift, now):
        return None
    return FeedTombstone(
        uid=f"assignment-{assignment.id}", volunteer_id=volunteer_id,
        summary=f"{shift.title} · {shift.event.title}"[:500], place=shift.event.place,
        start_at=shift.start_at, end_at=shift.end_at,
        sequence=(assignment.sequence or 0) + 1, removed_at=now)


def _from_shift(shift: Shift, team_id: int | None, now: datetime) -> FeedTombstone | None:
    if team_id is None or shift.end_at <= now - HISTORY or not _event_in_feeds(shift.event, now):
        return None
    return FeedTombstone(
        uid=f"team-shift-{shift.id}", team_id=team_id,
        summary=f"{shift.title} · {shift.event.title}"[:500], place=shift.event.place,
        start_at=shift.start_at, end_at=shift.end_at,
        sequence=(shift.sequence or 0) + 1, removed_at=now)


def _from_event(ev: Event, now: datetime) -> FeedTombstone | None:
    if not ev.shown_publicly or ev.end_at <= now - HISTORY or not _event_in_feeds(ev, now):
        return None
    return FeedTombstone(
        uid=f"event-{ev.id}", neighbourhood_id=ev.neighbourhood_id, event_id=ev.id,
        summary=ev.title[:500], place=ev.place, start_at=ev.start_at, end_at=ev.end_at,
        sequence=(ev.sequence or 0) + 1, removed_at=now)


def record_tombstones(session: Session, now: datetime | None = None) -> int:
    """Before a flush: a tombstone for every entry about to leave a feed. Returns how many."""
    now = now or utcnow()
    stones: list[FeedTombstone | None] = []
    with session.no_autoflush:
        for obj in list(session.deleted):
            if isinstance(obj, Assignment) and obj.id is not None:
                stones.append(_from_assignment(session, obj, obj.volunteer_id, now))
            elif isinstance(obj, Shift) and obj.id is not None:
                stones.append(_from_shift(obj, obj.team_id, now))
            elif isinstance(obj, Event) and obj.id is not None:
                stones.append(_from_event(obj, now))
        for obj in list(session.dirty):
            if isinstance(obj, Assignment) and obj.id is not None:
                previous = _old_value(obj, "volunteer_id", "volunteer")
                if previous is not None:
                    stones.append(_from_assignment(session, obj, previous, now))
            elif isinstance(obj, Shift) and obj.id is not None:
                previous = _old_value(obj, "team_id", "team")
                if previous is not None:
                    stones.append(_from_shift(obj, previous, now))
                    # Its entry in the new team's feed must be newer than the tombstone, in
                    # case it moves back.
                    obj.sequence = (obj.sequence or 0) + 1
    written = [stone for stone in stones if stone is not None]
    session.add_all(written)
    return len(written)


# -- writing: bulk and cascading deletes ---------------------------------------------------------

#: Tables whose rows feeds show, by name: a DELETE on one of them removes feed entries, and the
#: database's ON DELETE CASCADE removes those of the rows below it too.
_FEED_TABLES = {"events": Event, "shifts": Shift, "assignments": Assignment}


def record_bulk_tombstones(session: Session, statement: Any,
                           now: datetime | None = None) -> int:
    """Before a DELETE statement run through the session (`session.execute(delete(Shift)…)`,
    ORM or Core, which skips the flush and its listener): a tombstone for every entry it
    removes, including the shifts and assignments the database then removes by cascade.
    Returns how many. Raw SQL text is not inspected."""
    table = getattr(statement, "table", None)
    model = _FEED_TABLES.get(getattr(table, "name", ""))
    if not getattr(statement, "is_delete", False) or model is None:
        return 0
    now = now or utcnow()
    chosen = select(model)
    if statement.whereclause is not None:
        chosen = chosen.where(statement.whereclause)
    stones: list[FeedTombstone | None] = []
    with session.no_autoflush:
        for row in session.scalars(chosen).all():
            events = [row] if isinstance(row, Event) else []
            shifts = (list(row.shifts) if isinstance(row, Event)
                      else [row] if isinstance(row, Shift) else [])
            assignments = ([a for shift in shifts for a in shift.assignments]
                           if shifts else [row])
            stones += [_from_event(ev, now) for ev in events]
            stones += [_from_shift(shift, shift.team_id, now) for shift in shifts]
            stones += [_from_assignment(session, a, a.volunteer_id, now) for a in assignments]
    written = [stone for stone in stones if stone is not None]
    session.add_all(written)
    session.flush(written)
    return len(written)


# -- reading ---------------------------------------------------------------------------------------


def visible_tombstones(session: Session, condition: Any, now: datetime,
                       live_uids: Iterable[str]) -> list[FeedTombstone]:
    """A feed's tombstones of the last 30 days: the newest per UID, none for an entry the feed
    shows alive again (a shift moved back to its team)."""
    rows = session.scalars(
        select(FeedTombstone)
        .where(condition, FeedTombstone.removed_at > now - CANCELLED_VISIBLE)
        .order_by(FeedTombstone.id)
    ).all()
    live = set(live_uids)
    newest = {row.uid: row for row in rows if row.uid not in live}
    return sorted(newest.values(), key=lambda row: (row.start_at, row.id))


def purge_tombstones(session: Session, now: datetime | None = None) -> int:
    """Forget tombstones older than the 30 days every feed shows them."""
    cutoff = (now or utcnow()) - CANCELLED_VISIBLE
    result = session.execute(
        delete(FeedTombstone).where(FeedTombstone.removed_at <= cutoff)
        .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)
