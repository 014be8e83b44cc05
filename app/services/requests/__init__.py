"""Residents' requests (step 2 of the article): `intake` (what a resident or a coordinator
enters, checked; the request and its first history entry), `workflow` (the allowed steps from
received to resolved, each recorded with who, when and what was said), `wording` (each state
in the words a resident reads: who has it and what happens next)."""

from app.services.requests.intake import (
    MAX_TEXT,
    RequestInput,
    RequestInvalid,
    check_routing,
    create_request,
    find_by_token,
)
from app.services.requests.wording import next_step
from app.services.requests.workflow import (
    NOTE_REQUIRED,
    TRANSITIONS,
    RequestError,
    allowed_steps,
    change_status,
)

__all__ = [
    "MAX_TEXT",
    "NOTE_REQUIRED",
    "TRANSITIONS",
    "RequestError",
    "RequestInput",
    "RequestInvalid",
    "allowed_steps",
    "change_status",
    "check_routing",
    "create_request",
    "find_by_token",
    "next_step",
]
