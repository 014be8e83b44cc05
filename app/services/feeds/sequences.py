"""SEQUENCE: a calendar app only takes an update whose SEQUENCE went up."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import Session

from app.models import Assignment, Event, Shift

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
    # Each of these properties is built anew on every access: read them once (a run writes
    # thousands of drafts in one flush).
    new, deleted = session.new, session.deleted
    with session.no_autoflush:
        changed = [
            obj for obj in (*new, *session.dirty, *deleted)
            if isinstance(obj, Assignment)
            and (obj in new or obj in deleted or _changed(obj, ("status",)))
        ]
        # Their shifts in one query (held here, so the lookups below find them loaded).
        wanted = {obj.shift_id for obj in changed if obj.shift_id is not None}
        loaded = session.scalars(select(Shift).where(Shift.id.in_(wanted))).all() if wanted else []
        for obj in changed:
            shift = obj.shift if obj.shift is not None else session.get(Shift, obj.shift_id)
            if shift is not None:
                shifts.setdefault(id(shift), shift)
        del loaded
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

