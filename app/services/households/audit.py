"""The audit trail of residents' files (personal data of elderly and disabled people).

Every path that shows a whole file, changes one or takes files out of Linli records who did
what with which household: the admin's details and edit pages (viewed), its forms, list edits
and deletions (created / changed / deleted, with the fields changed), spreadsheet exports
(exported, one entry per household in the file) and imports (imported). Lists, which show
masked phones and no notes, are not recorded. Recording only flushes: the entry is committed
with the request that showed or changed the file, so a change is never saved without its entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session

from app.enums import AuditAction
from app.models import Household, HouseholdAuditEntry, User, utcnow

#: The file's own fields and lists whose change is named in a "changed" entry.
AUDITED_FIELDS = ("neighbourhood", "address", "building", "unit", "floor", "room",
                  "contact_name", "contact_phone", "members_count", "x_km", "y_km", "notes",
                  "category_links", "window_links")
#: Entry field codes for the two lists, as people call them.
_FIELD_NAMES = {"category_links": "categories", "window_links": "contact_windows"}


def changed_fields(household: Household) -> list[str]:
    """The fields of a household changed since it was loaded (call before the flush)."""
    state = inspect(household)
    out = []
    for name in AUDITED_FIELDS:
        attribute = state.attrs[name]
        if attribute.history.has_changes():
            out.append(_FIELD_NAMES.get(name, name))
    return out


def _label(household: Household) -> str:
    return str(household)[:300]


def record(session: Session, user: User | None, action: AuditAction,
           households: Iterable[Household], *, fields: Sequence[str] = ()) -> int:
    """One entry per household (which must have an id: flush a new one first); returns how
    many entries were written. Flushes only."""
    now = utcnow()
    rows: list[dict[str, Any]] = [{
        "at": now, "neighbourhood_id": h.neighbourhood_id, "household_id": h.id,
        "household_label": _label(h), "user_id": user.id if user is not None else None,
        "user_name": str(user)[:80] if user is not None else "",
        "action": action, "fields": ",".join(fields)[:500] or None,
    } for h in households]
    if rows:
        session.execute(insert(HouseholdAuditEntry), rows)
    return len(rows)
