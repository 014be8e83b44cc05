from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import url_for

from app.enums import Role


def safe_next_url(target: str | None) -> str | None:
    """Only same-site relative paths: never redirect to another host after a form."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def landing_url(user: Any) -> str:
    """Where a user starts: staff in the admin, volunteers in their portal, residents on the
    list of what is on."""
    if user is None or not user.is_authenticated:
        return url_for("public.event_list")
    if user.role == Role.volunteer:
        return url_for("portal.index")
    return url_for("admin.index")
