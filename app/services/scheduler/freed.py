"""A published seat became free (a volunteer declined, a coordinator took them off, a drop was
approved): work that is re-planned locally by its own rules is handed to the queue.

Patrol inspections are (`app.services.patrols.refill`, run by the huey task
`app.tasks.patrols.refill_inspection`, installed as the dispatcher by `app.tasks.init_app`):
only the inspection and the group's other inspections of that week are re-solved, after the
commit. Other work keeps the coordinator's one-click "find someone else" and "ask for help".
"""

from __future__ import annotations

from flask import current_app

from app.enums import EventKind
from app.models import Shift
from app.transactions import after_commit

#: `app.extensions` key of the callable that queues a local re-solve of a shift (by id).
DISPATCHER = "linli.local_resolve"
#: Event kinds whose freed seats are re-solved locally instead of offered to everyone.
LOCAL_KINDS = frozenset({EventKind.patrol})


def resolves_locally(shift: Shift) -> bool:
    return shift.event.kind in LOCAL_KINDS and DISPATCHER in current_app.extensions


def seat_freed(session, shift: Shift) -> bool:  # type: ignore[no-untyped-def]
    """Queue the local re-solve of `shift` once the change is committed; False when its kind
    of work has none (the caller offers the seat as usual)."""
    if not resolves_locally(shift):
        return False
    dispatch = current_app.extensions[DISPATCHER]
    shift_id = shift.id
    after_commit(session, lambda: dispatch(shift_id))
    return True
