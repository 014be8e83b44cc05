"""Signed links: the portal link mailed to a volunteer, and the import preview it confirms.

Both are `itsdangerous` signatures with the app's SECRET_KEY, so no state is kept on the
server between two steps, and nobody can forge or alter one.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

PORTAL_SALT = "portal"
PREVIEW_SALT = "ics-import-preview"
PORTAL_LINK_MAX_AGE = 7 * 24 * 3600
PREVIEW_MAX_AGE = 3600


def _fingerprint(feed_token: str) -> str:
    # Replacing the feed link also ends every portal link mailed before.
    return hashlib.sha256(feed_token.encode()).hexdigest()[:16]


def portal_token(secret_key: str, volunteer_id: int, feed_token: str) -> str:
    serializer = URLSafeTimedSerializer(secret_key, salt=PORTAL_SALT)
    return serializer.dumps({"v": volunteer_id, "f": _fingerprint(feed_token)})


def read_portal_token(secret_key: str, token: str,
                      max_age: int = PORTAL_LINK_MAX_AGE) -> tuple[int, str] | None:
    """(volunteer id, feed fingerprint) of a valid, unexpired link; None otherwise."""
    serializer = URLSafeTimedSerializer(secret_key, salt=PORTAL_SALT)
    try:
        data = serializer.loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("v"), int):
        return None
    return data["v"], str(data.get("f", ""))


def fingerprint_matches(feed_token: str, fingerprint: str) -> bool:
    return hmac.compare_digest(_fingerprint(feed_token), fingerprint)


def fingerprint(feed_token: str) -> str:
    """What a portal session keeps to end when the volunteer's link is replaced."""
    return _fingerprint(feed_token)


def preview_token(secret_key: str, volunteer_id: int, rows: list[list[Any]]) -> str:
    serializer = URLSafeTimedSerializer(secret_key, salt=PREVIEW_SALT)
    return serializer.dumps({"v": volunteer_id, "rows": rows})


def read_preview_token(secret_key: str, token: str, volunteer_id: int) -> list[list[Any]] | None:
    serializer = URLSafeTimedSerializer(secret_key, salt=PREVIEW_SALT)
    try:
        data = serializer.loads(token, max_age=PREVIEW_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or data.get("v") != volunteer_id:
        return None
    rows = data.get("rows")
    return rows if isinstance(rows, list) else None
