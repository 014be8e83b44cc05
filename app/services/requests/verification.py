"""Proving a mobile number is the resident's before a request keeps it.

A number typed on the public form or sent through the API may be someone else's, who would
then be sent every step of a stranger's request. A request from either therefore keeps a
number only with the code sent to it by SMS (`check_given`); without a number it stays
anonymous (nobody is told anything, by choice). A coordinator taking a call records the
caller's number without one.

The code is not stored: it is an HMAC of the number and a ten-minute window under the
deployment's secret, so every web worker and host checks it alike. A code stays good for the
window it was sent in and the next (10 to 20 minutes); its sending is rate-limited per number
and per client (`app.public.limits.verify_limits`), and the requests it unlocks per client, so
six digits are not guessable in that time.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import Notification
from app.services import notify
from app.services.requests.intake import RequestInvalid
from app.services.signup.applicant import SignupInvalid, normalise_phone

WINDOW_SECONDS = 600
MINUTES = WINDOW_SECONDS // 60
TEMPLATE = "requests/verify"


def _window(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // WINDOW_SECONDS)


def code_for(secret: str, phone: str, window: int) -> str:
    digest = hmac.new(secret.encode(), f"request-phone|{phone}|{window}".encode(),
                      hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def checked_phone(raw: str | None) -> str:
    """The number normalised, or `RequestInvalid` naming the field "phone"."""
    try:
        return normalise_phone(raw)
    except SignupInvalid as error:
        raise RequestInvalid({"phone": error.errors["phone"]}) from error


def send_code(session: Session, secret: str, raw_phone: str | None,
              locale: str | None) -> Notification:
    """Record the SMS with the current code for the number (sent after commit); flush only."""
    phone = checked_phone(raw_phone)
    return notify.to_phone(session, phone, TEMPLATE, notify.recipient_locale(locale),
                           code=code_for(secret, phone, _window()), minutes=MINUTES)


def code_matches(secret: str, phone: str, code: str | None) -> bool:
    given = "".join((code or "").split())
    if len(given) != 6 or not given.isdigit():
        return False
    now = _window()
    return any(hmac.compare_digest(given, code_for(secret, phone, window))
               for window in (now, now - 1))


def check_given(secret: str, raw_phone: str | None, code: str | None,
                errors: dict[str, Any]) -> None:
    """If a number is given (and well formed: a malformed one is the intake's to refuse),
    add to `errors` unless `code` was sent to it lately: so the form and the API name this
    with every other mistake in one round."""
    if not (raw_phone or "").strip() or "phone" in errors:
        return
    try:
        require_code(secret, checked_phone(raw_phone), code)
    except RequestInvalid as error:
        errors.update(error.errors)


def require_code(secret: str, phone: str, code: str | None) -> None:
    """Refuse (field "verification_code") unless `code` was sent to `phone` lately."""
    if not (code or "").strip():
        raise RequestInvalid({"verification_code": _l(
            "To be told by SMS, first ask for a verification code for this number and send "
            "it with the request; or leave the number empty to stay anonymous.")})
    if not code_matches(secret, phone, code):
        raise RequestInvalid({"verification_code": _l(
            "This verification code is wrong or has expired. Please ask for a new one.")})
