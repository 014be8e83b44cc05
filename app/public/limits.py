"""Rate limits on the public forms, shared by the pages and the API: per client IP, and per
mobile number where a number is sent.

The limit strings are read from the config on every request (so a test or a deployment can
change them without re-registering views); the phone key is the normalised number, so
"138 0013 8000" and "+8613800138000" count as one. Each decorator checks all its budgets in
one trip to the limiter's storage (`app.ratelimits`).
"""

from __future__ import annotations

from flask import request
from flask_limiter.util import get_remote_address

from app.ratelimits import Budget, budgets
from app.services.signup import SignupError, normalise_phone


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


#: Sign-ups: one budget for the pages and the API together, per client and per number.
signup_limits = budgets(
    Budget("LINLI_SIGNUP_RATE_LIMIT_IP", "signup-ip", get_remote_address),
    Budget("LINLI_SIGNUP_RATE_LIMIT_PHONE", "signup-phone", phone_key))

#: Residents' requests from the public form: a budget of their own, per client IP.
request_limits = budgets(
    Budget("LINLI_REQUEST_RATE_LIMIT_IP", "request-ip", get_remote_address))

#: "Me too" on the public form: a budget of its own, so it cannot be used to inflate a count.
me_too_limits = budgets(Budget("LINLI_ME_TOO_RATE_LIMIT_IP", "me-too-ip", get_remote_address))

#: Residents signing in at a session with the sheet's code: a budget of its own, per client IP.
attend_limits = budgets(Budget("LINLI_ATTEND_RATE_LIMIT_IP", "attend-ip", get_remote_address))

#: Looking up a reference code: per client IP, so codes cannot be tried one after another.
lookup_limits = budgets(Budget("LINLI_LOOKUP_RATE_LIMIT_IP", "lookup-ip", get_remote_address))

#: Open311 clients looking requests up by reference code (GET, no form and no token): a budget
#: of their own, per client IP, so the API cannot be used to try codes the page would refuse.
open311_lookup_limits = budgets(
    Budget("LINLI_OPEN311_LOOKUP_RATE_LIMIT_IP", "open311-lookup-ip", get_remote_address),
    methods=("GET",))

#: Verification codes by SMS: per number (no one's phone can be flooded) and per client.
verify_limits = budgets(
    Budget("LINLI_REQUEST_VERIFY_RATE_LIMIT_IP", "request-verify-ip", get_remote_address),
    Budget("LINLI_REQUEST_VERIFY_RATE_LIMIT_PHONE", "request-verify-phone", phone_key))
