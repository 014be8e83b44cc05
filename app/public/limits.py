"""Rate limits on sign-up, shared by the pages and the API: per client IP and per mobile number.

The limit strings are read from the config on every request (so a test or a deployment can
change them without re-registering views); the phone key is the normalised number, so
"138 0013 8000" and "+8613800138000" count as one.
"""

from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address

from app.extensions import limiter
from app.services.signup import SignupError, normalise_phone


def ip_limit() -> str:
    return current_app.config["LINLI_SIGNUP_RATE_LIMIT_IP"]


def phone_limit() -> str:
    return current_app.config["LINLI_SIGNUP_RATE_LIMIT_PHONE"]


def phone_key() -> str:
    # The API's JSON first: reading `request.form` of a JSON body parses it as a form first.
    body = request.get_json(silent=True) if request.is_json else None
    raw = body.get("phone") if isinstance(body, dict) else request.form.get("phone")
    if not isinstance(raw, str):
        return "phone:none"
    try:
        return "phone:" + normalise_phone(raw)
    except SignupError:
        return "phone:?" + raw.strip()[:32]


#: One budget for the pages and the API together.
_by_phone = limiter.shared_limit(phone_limit, "signup-phone", key_func=phone_key,
                                 methods=["POST"])
_by_ip = limiter.shared_limit(ip_limit, "signup-ip", key_func=get_remote_address,
                              methods=["POST"])


def signup_limits(view):  # type: ignore[no-untyped-def]
    """Decorate a sign-up view with both limits (POST only)."""
    return _by_ip(_by_phone(view))


def request_ip_limit() -> str:
    return current_app.config["LINLI_REQUEST_RATE_LIMIT_IP"]


#: Residents' requests from the public form: a budget of their own, per client IP.
request_limits = limiter.shared_limit(request_ip_limit, "request-ip",
                                      key_func=get_remote_address, methods=["POST"])


def me_too_ip_limit() -> str:
    return current_app.config["LINLI_ME_TOO_RATE_LIMIT_IP"]


#: "Me too" on the public form: a budget of its own, so it cannot be used to inflate a count.
me_too_limits = limiter.shared_limit(me_too_ip_limit, "me-too-ip",
                                     key_func=get_remote_address, methods=["POST"])


def attend_ip_limit() -> str:
    return current_app.config["LINLI_ATTEND_RATE_LIMIT_IP"]


#: Residents signing in at a session with the sheet's code: a budget of its own, per client IP.
attend_limits = limiter.shared_limit(attend_ip_limit, "attend-ip",
                                     key_func=get_remote_address, methods=["POST"])


def verify_phone_limit() -> str:
    return current_app.config["LINLI_REQUEST_VERIFY_RATE_LIMIT_PHONE"]


def verify_ip_limit() -> str:
    return current_app.config["LINLI_REQUEST_VERIFY_RATE_LIMIT_IP"]


_verify_by_phone = limiter.shared_limit(verify_phone_limit, "request-verify-phone",
                                        key_func=phone_key, methods=["POST"])
_verify_by_ip = limiter.shared_limit(verify_ip_limit, "request-verify-ip",
                                     key_func=get_remote_address, methods=["POST"])


def verify_limits(view):  # type: ignore[no-untyped-def]
    """Verification codes by SMS: per number (no one's phone can be flooded) and per client."""
    return _verify_by_ip(_verify_by_phone(view))
