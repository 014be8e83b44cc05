"""RFC 9457 problem details (`application/problem+json`) in the client's language.

The language comes from Accept-Language (or the session's choice), like the pages.
"""

from __future__ import annotations

from typing import Any

from flask import Response, json
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE_BASE = "https://linli.example/problems/"
CONTENT_TYPE = "application/problem+json"

#: Titles per HTTP status, translated.
TITLES: dict[int, Any] = {
    400: _l("Bad request"),
    401: _l("Not logged in"),
    403: _l("Forbidden"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Request too large"),
    415: _l("Unsupported media type"),
    422: _l("Invalid data"),
    429: _l("Too many requests"),
    500: _l("Server error"),
    503: _l("Service busy"),
}

DETAILS: dict[int, Any] = {
    400: _l("The request could not be understood."),
    404: _l("There is nothing at this address."),
    405: _l("This address does not accept this method."),
    413: _l("The request is too large."),
    415: _l("Please send JSON (Content-Type: application/json)."),
    422: _l("Some fields are missing or invalid; see `errors`."),
    429: _l("Too many sign-ups from here. Please wait a few minutes and try again."),
    500: _l("Something went wrong on our side. Please try again later."),
    503: _l("Many people are signing up right now. Please try again."),
}


def problem_response(status: int, detail: Any = None, *, code: str | None = None,
                     headers: dict[str, str] | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (code or str(status)),
        "title": str(TITLES.get(status, _l("Error"))),
        "status": status,
        "detail": str(detail if detail is not None else DETAILS.get(status, "")),
    }
    if code:
        body["code"] = code
    body.update({k: _plain(v) for k, v in extra.items() if v is not None})
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        content_type=CONTENT_TYPE)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _plain(value: Any) -> Any:
    """Lazy strings and nested structures as plain JSON values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def from_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    if isinstance(errors, dict) and set(errors) <= {"json", "query", "path", "headers",
                                                     "form", "view_args"}:
        # webargs nests by location; clients want the fields.
        merged: dict[str, Any] = {}
        for part in errors.values():
            if isinstance(part, dict):
                merged.update(part)
        errors = merged
    headers = dict(data.get("headers") or {})
    if status == 429 or status == 405:
        for key, value in error.get_headers():
            if key.lower() in ("retry-after", "allow"):
                headers[key] = value
    return problem_response(status, DETAILS.get(status) if status in DETAILS else None,
                            headers=headers, errors=errors)
