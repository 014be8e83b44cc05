"""A cheap validator for the public event page, so a visitor's cached copy is confirmed (304)
without rendering the page.

The ETag is a digest of what the page shows that can change: the event row (its
`updated_at`), its shifts (services), its slots, and the count and last change of its
registrations (places left, waitlist); plus the visitor's language, the code's version, and a
five-minute time bucket (sign-up opens and closes by the clock, with no row changing, and the
anonymous CSRF token turns over hourly, see app/csrf.py). Only for anonymous visitors.
"""

from __future__ import annotations

import hashlib
import time
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from flask_babel import get_locale
from sqlalchemy import text
from sqlalchemy.orm import Session

BUCKET_SECONDS = 300

_STATE = text("""
SELECT
  (SELECT updated_at FROM events WHERE id = :event),
  (SELECT count(*) FROM registrations WHERE event_id = :event),
  (SELECT max(updated_at) FROM registrations WHERE event_id = :event),
  (SELECT count(*) FROM shifts WHERE event_id = :event),
  (SELECT max(updated_at) FROM shifts WHERE event_id = :event),
  (SELECT count(*) FROM slots WHERE event_id = :event),
  (SELECT coalesce(sum(capacity), 0) + coalesce(max(id), 0) FROM slots WHERE event_id = :event)
""")


@cache
def code_version() -> str:
    try:
        return version("linli")
    except PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        return "source"


def event_page_etag(session: Session, event_id: int) -> str:
    state = session.execute(_STATE, {"event": event_id}).one()
    key = "|".join(str(part) for part in (
        event_id, *state, get_locale(), code_version(), int(time.time() // BUCKET_SECONDS)))
    return "e-" + hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
