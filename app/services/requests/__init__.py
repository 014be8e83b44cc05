"""Residents' requests (step 2 of the article): `intake` (what a resident or a coordinator
enters, checked; the request and its first history entry), `workflow` (the allowed steps from
received to resolved, each recorded with who, when and what was said), `wording` (each state
in the words a resident reads: who has it and what happens next), `board` (the public notice
board: only the committee's public texts of resolved improvements and council decisions),
`similar` and `merging` (the same matter raised twice: hints, merging, "me too")."""

from app.services.requests.board import (
    BoardEntry,
    board_entries,
    board_version,
    post,
    posted_counts,
    take_down,
)
from app.services.requests.council import (
    Turnout,
    attendees,
    invite_more,
    link_meeting,
    schedule_meeting,
    turnouts,
)
from app.services.requests.council_vote import Tally, VoteInput, latest_tallies, tally_text
from app.services.requests.errors import RequestError
from app.services.requests.intake import (
    MAX_LOOKUP,
    MAX_TEXT,
    RequestInput,
    RequestInvalid,
    check_input,
    check_routing,
    create_request,
    find_by_codes,
    find_by_token,
)
from app.services.requests.merging import add_me_too, merge, outcome_of, resolution_note
from app.services.requests.similar import PublicMatch, public_matches, similar_open
from app.services.requests.wording import next_step, state_label
from app.services.requests.workflow import (
    NOTE_REQUIRED,
    TRANSITIONS,
    allowed_steps,
    change_status,
)

__all__ = [
    "MAX_LOOKUP",
    "MAX_TEXT",
    "NOTE_REQUIRED",
    "TRANSITIONS",
    "BoardEntry",
    "PublicMatch",
    "RequestError",
    "RequestInput",
    "RequestInvalid",
    "Tally",
    "Turnout",
    "VoteInput",
    "add_me_too",
    "allowed_steps",
    "attendees",
    "board_entries",
    "board_version",
    "change_status",
    "check_input",
    "check_routing",
    "create_request",
    "find_by_codes",
    "find_by_token",
    "invite_more",
    "latest_tallies",
    "link_meeting",
    "merge",
    "next_step",
    "outcome_of",
    "post",
    "posted_counts",
    "public_matches",
    "resolution_note",
    "schedule_meeting",
    "similar_open",
    "state_label",
    "take_down",
    "tally_text",
    "turnouts",
]
