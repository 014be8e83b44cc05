"""The one sign-up service: register, cancel, promote from the waitlist, change capacity.

The public pages, the JSON API and the coordinators' on-behalf form all call these functions;
none of them holds a rule of its own. The functions only flush: the request, task or CLI
command that called them commits (or rolls back on an error).

**Never overbooked.** Every change to the places of one event (or one slot) first takes a
lock on that event or slot, then counts and writes:

- PostgreSQL: ``SELECT … FOR UPDATE`` on the event or slot row. Other sign-ups for the same
  event wait for the row; under READ COMMITTED each later statement sees what they committed.
- SQLite: a no-op ``UPDATE`` of the row as the *first* statement of the transaction. A write
  takes SQLite's single write lock (waiting up to ``busy_timeout``), and in WAL mode the
  transaction's snapshot starts there, so the counts that follow are current — the same effect
  as ``BEGIN IMMEDIATE``. Callers must therefore not read from the database in the same
  transaction before calling `register`, `cancel` or `set_capacity` (the views pass ids, not
  loaded rows). If they did and another writer committed in between, SQLite refuses the write
  (SQLITE_BUSY_SNAPSHOT); that surfaces as `SignupError("busy")`, never as an overbooking.

Residents' sign-ups (the public pages and the API) go through `register_and_commit`, the one
function here that commits: on PostgreSQL it sends the lock, the count, the insert and the
COMMIT in one round trip, so the lock is held only while the database works (see
`one_trip`).

Capacity counts the ``party_size`` of confirmed (and attended) places. The waitlist is kept in
arrival order, which is id order: ids are drawn after the lock, so they follow it.
"""

from app.services.signup.applicant import (
    ACTIVE,
    EVENT_NOT_FOUND,
    HOLDING,
    SLOT_NOT_FOUND,
    Applicant,
    SignupError,
    SignupInvalid,
    mask_name,
    normalise_phone,
)
from app.services.signup.derived import derived_places
from app.services.signup.listing import (
    public_event,
    public_events,
    public_kinds,
    services_offered,
)
from app.services.signup.locking import release_sqlite_writer_mutex
from app.services.signup.one_trip import register_and_commit
from app.services.signup.places import (
    Availability,
    CancelResult,
    SignupResult,
    availability,
    availability_for,
    booked_places,
    cancel,
    confirm_still_coming,
    find_by_token,
    register,
    registration_state,
    set_capacity,
    waitlist_position,
)
from app.services.signup.staffing import StaffingReport, follow_staffing

__all__ = [
    "ACTIVE",
    "EVENT_NOT_FOUND",
    "HOLDING",
    "SLOT_NOT_FOUND",
    "Applicant",
    "Availability",
    "CancelResult",
    "SignupError",
    "SignupInvalid",
    "SignupResult",
    "StaffingReport",
    "availability",
    "availability_for",
    "booked_places",
    "cancel",
    "confirm_still_coming",
    "derived_places",
    "find_by_token",
    "follow_staffing",
    "mask_name",
    "normalise_phone",
    "public_event",
    "public_events",
    "public_kinds",
    "register",
    "register_and_commit",
    "registration_state",
    "release_sqlite_writer_mutex",
    "services_offered",
    "set_capacity",
    "waitlist_position",
]
