"""Every signed link and every absolute URL Linli sends out, in one place.

Links in mails, SMS, calendar feeds and CLI output must work without a request (a huey task
builds them), so they are built from the app's URL map and ``LINLI_EXTERNAL_URL``, never from
hard-coded paths. Capability links are `itsdangerous` signatures with the app's SECRET_KEY:
no state is kept on the server between two steps, and nobody can forge or alter one. Each kind
has its own salt, so a token of one kind is worthless as another.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from app.models import Assignment, HelpRequest

PORTAL_SALT = "portal"
FEED_PORTAL_SALT = "linli-portal-from-feed"
PREVIEW_SALT = "ics-import-preview"
ASSIGNMENT_SALT = "linli-assignment-response"
HELP_SALT = "linli-help-offer"
CHECKIN_SALT = "linli-station-checkin"
PATROL_SITE_SALT = "linli-patrol-site"
SESSION_SHEET_SALT = "linli-session-sheet"
PORTAL_LINK_MAX_AGE = 7 * 24 * 3600
PREVIEW_MAX_AGE = 3600
#: Confirm/decline and help links carry the end of their shift and work until then (plus this
#: grace, for "I was there" after the fact); the signature itself is not made to expire sooner,
#: so a March service day published in December keeps working links.
RESPONSE_LINK_GRACE = timedelta(days=1)
#: The oldest a signature may be whatever it says (about a year and a half).
RESPONSE_LINK_MAX_AGE = 550 * 24 * 3600


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of `endpoint`, usable in a mail sent from a task."""
    adapter = current_app.url_map.bind("localhost", url_scheme="http")
    path = adapter.build(endpoint, values)
    return current_app.config["LINLI_EXTERNAL_URL"].rstrip("/") + path


def _serializer(salt: str, secret_key: str | None = None) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key or current_app.config["SECRET_KEY"], salt=salt)


def _load(salt: str, token: str, max_age: int, secret_key: str | None = None) -> Any:
    try:
        return _serializer(salt, secret_key).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None


# -- A volunteer's answer to an assignment, and to a request for help -------------------------

def _until(shift_end: datetime) -> int:
    return int((shift_end + RESPONSE_LINK_GRACE).timestamp())


def _still_valid(data: dict[str, Any], now: datetime | None) -> bool:
    until = data.get("u")
    moment = (now or datetime.now(UTC)).timestamp()
    return isinstance(until, int) and moment <= until


def assignment_token(assignment_id: int, shift_end: datetime) -> str:
    return _serializer(ASSIGNMENT_SALT).dumps({"a": assignment_id, "u": _until(shift_end)})


def read_assignment_token(token: str, *, now: datetime | None = None,
                          max_age: int = RESPONSE_LINK_MAX_AGE) -> int | None:
    """The assignment of a valid link whose shift has not long ended; None otherwise."""
    data = _load(ASSIGNMENT_SALT, token, max_age)
    if not isinstance(data, dict) or not _still_valid(data, now):
        return None
    value = data.get("a")
    return value if isinstance(value, int) else None


def help_token(help_id: int, volunteer_id: int, shift_end: datetime) -> str:
    return _serializer(HELP_SALT).dumps({"h": help_id, "v": volunteer_id, "u": _until(shift_end)})


def read_help_token(token: str, *, now: datetime | None = None,
                    max_age: int = RESPONSE_LINK_MAX_AGE) -> tuple[int, int] | None:
    data = _load(HELP_SALT, token, max_age)
    if not isinstance(data, dict) or not _still_valid(data, now):
        return None
    h, v = data.get("h"), data.get("v")
    return (h, v) if isinstance(h, int) and isinstance(v, int) else None


def checkin_token(shift_id: int, opens: datetime, closes: datetime) -> str:
    """The station's check-in code of one shift: names the shift and the window it works in,
    so it cannot be used for another shift or outside its time."""
    return _serializer(CHECKIN_SALT).dumps(
        {"s": shift_id, "f": int(opens.timestamp()), "u": int(closes.timestamp())})


def read_checkin_token(token: str, *, now: datetime | None = None) -> int | None:
    """The shift of a genuine station code used inside its window; None otherwise."""
    data = _load(CHECKIN_SALT, token, RESPONSE_LINK_MAX_AGE)
    if not isinstance(data, dict):
        return None
    shift_id, opens, closes = data.get("s"), data.get("f"), data.get("u")
    if not all(isinstance(v, int) for v in (shift_id, opens, closes)):
        return None
    moment = (now or datetime.now(UTC)).timestamp()
    return shift_id if opens <= moment <= closes else None


def patrol_site_token(site_id: int) -> str:
    """The code printed at a patrol site: names the site only (it opens the member's own
    portal page for it, which needs their login), and does not expire."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=PATROL_SITE_SALT).dumps(
        {"p": site_id})


def read_patrol_site_token(token: str) -> int | None:
    try:
        data = URLSafeSerializer(current_app.config["SECRET_KEY"],
                                 salt=PATROL_SITE_SALT).loads(token)
    except BadSignature:
        return None
    site_id = data.get("p") if isinstance(data, dict) else None
    return site_id if isinstance(site_id, int) and 0 < site_id < 2**31 else None


def patrol_site_url(site_id: int) -> str:
    return external_url("portal.patrol_site", token=patrol_site_token(site_id))


def respond_url(assignment: Assignment) -> str:
    token = assignment_token(assignment.id, assignment.shift.end_at)
    return external_url("respond.assignment_page", token=token)


def help_url(help_request: HelpRequest, volunteer_id: int) -> str:
    token = help_token(help_request.id, volunteer_id, help_request.shift.end_at)
    return external_url("respond.help_page", token=token)


# -- The volunteer's portal --------------------------------------------------------------------

def _fingerprint(feed_token: str) -> str:
    # Replacing the feed link also ends every portal link mailed before.
    return hashlib.sha256(feed_token.encode()).hexdigest()[:16]


def portal_token(secret_key: str, volunteer_id: int, feed_token: str) -> str:
    return _serializer(PORTAL_SALT, secret_key).dumps(
        {"v": volunteer_id, "f": _fingerprint(feed_token)})


def read_portal_token(secret_key: str, token: str,
                      max_age: int = PORTAL_LINK_MAX_AGE) -> tuple[int, str] | None:
    """(volunteer id, feed fingerprint) of a valid, unexpired link; None otherwise."""
    data = _load(PORTAL_SALT, token, max_age, secret_key)
    if not isinstance(data, dict) or not isinstance(data.get("v"), int):
        return None
    return data["v"], str(data.get("f", ""))


def fingerprint_matches(feed_token: str, fingerprint: str) -> bool:
    return hmac.compare_digest(_fingerprint(feed_token), fingerprint)


def fingerprint(feed_token: str) -> str:
    """What a portal session keeps to end when the volunteer's link is replaced."""
    return _fingerprint(feed_token)


def feed_portal_token(secret_key: str, volunteer_id: int, feed_token: str) -> str:
    """The portal link inside the volunteer's own calendar feed: as secret as the feed's own
    URL, and ended with it (replacing the feed link changes the fingerprint). No timestamp:
    the feed's bytes stay the same from one fetch to the next (ETag, 304)."""
    return URLSafeSerializer(secret_key, salt=FEED_PORTAL_SALT).dumps(
        [volunteer_id, _fingerprint(feed_token)])


def read_feed_portal_token(secret_key: str, token: str) -> tuple[int, str] | None:
    """(volunteer id, feed fingerprint) of a genuine feed portal link; None otherwise."""
    try:
        data = URLSafeSerializer(secret_key, salt=FEED_PORTAL_SALT).loads(token)
    except BadSignature:
        return None
    if (not isinstance(data, list) or len(data) != 2 or not isinstance(data[0], int)
            or isinstance(data[0], bool) or not isinstance(data[1], str)):
        return None
    return data[0], data[1]


def portal_url(volunteer_id: int, feed_token: str) -> str:
    """The volunteer's own page (subscribe to the calendar, replace the link), no login."""
    token = portal_token(current_app.config["SECRET_KEY"], volunteer_id, feed_token)
    return external_url("portal.index", t=token)


def preview_token(secret_key: str, volunteer_id: int, rows: list[list[Any]]) -> str:
    return _serializer(PREVIEW_SALT, secret_key).dumps({"v": volunteer_id, "rows": rows})


def read_preview_token(secret_key: str, token: str, volunteer_id: int) -> list[list[Any]] | None:
    data = _load(PREVIEW_SALT, token, PREVIEW_MAX_AGE, secret_key)
    if not isinstance(data, dict) or data.get("v") != volunteer_id:
        return None
    rows = data.get("rows")
    return rows if isinstance(rows, list) else None


# -- Calendar feeds ----------------------------------------------------------------------------

def volunteer_feed_url(feed_token: str) -> str:
    return external_url("feeds.volunteer_feed", token=feed_token)


def team_feed_url(feed_token: str) -> str:
    return external_url("feeds.team_feed", token=feed_token)


def webcal_url(https_url: str) -> str:
    """`webcal://` opens the subscribe dialog of Apple Calendar, Outlook and Thunderbird."""
    return "webcal://" + https_url.split("://", 1)[1]


# -- Residents ---------------------------------------------------------------------------------

def cancel_url(cancel_token: str) -> str:
    """A resident's cancel link for mails and SMS."""
    return external_url("public.cancel", token=cancel_token)


def registration_url(cancel_token: str) -> str:
    """A resident's own sign-up page: see it, say "still coming" after a move, or cancel."""
    return external_url("public.registration", token=cancel_token)


def event_url(event_id: int) -> str:
    """An event's public page (posters, QR codes)."""
    return external_url("public.event_detail", event_id=event_id)


def request_url(follow_token: str) -> str:
    """A resident's private page of their request (mails, SMS)."""
    return external_url("public.request_page", token=follow_token)


def survey_url(survey_token: str) -> str:
    """The short link of the questionnaire sent when a request is resolved."""
    return external_url("public.survey", token=survey_token)


def board_url(neighbourhood_id: int) -> str:
    """A neighbourhood's public notice board."""
    return external_url("public.board", neighbourhood_id=neighbourhood_id)


# -- A session's sign-in sheet -----------------------------------------------------------------

def session_sheet_token(event_id: int, slot_key: int, opens: datetime, closes: datetime) -> str:
    """The code printed on a session's sign-in sheet: names the event, the session (0 for an
    event without sessions) and the window it works in, so it marks nobody at another session
    or another time."""
    return _serializer(SESSION_SHEET_SALT).dumps(
        {"e": event_id, "k": slot_key, "f": int(opens.timestamp()), "u": int(closes.timestamp())})


@dataclass(frozen=True)
class SheetCode:
    event_id: int
    slot_key: int
    #: Whether now is inside the window the code works in.
    current: bool


def read_session_sheet_token(token: str, *, now: datetime | None = None) -> SheetCode | None:
    """What a genuine sheet code names, and whether it works now; None for a forged one."""
    data = _load(SESSION_SHEET_SALT, token, RESPONSE_LINK_MAX_AGE)
    if not isinstance(data, dict):
        return None
    values = [data.get(key) for key in ("e", "k", "f", "u")]
    if not all(isinstance(v, int) for v in values):
        return None
    event_id, slot_key, opens, closes = values
    moment = (now or datetime.now(UTC)).timestamp()
    return SheetCode(event_id, slot_key, opens <= moment <= closes)


def session_sheet_url(event_id: int, slot_key: int, opens: datetime, closes: datetime) -> str:
    return external_url("public.sheet_attend",
                        token=session_sheet_token(event_id, slot_key, opens, closes))
