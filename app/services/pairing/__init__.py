"""Pairing 结对 (step 3 of the article): `rules` (who may be paired with whom, members'
family limits, confirming and ending; a member's own families), `bridge` (rows ↔ the
engine's pairing problem, `scheduling.pairing`), `proposals` (propose for a neighbourhood,
why families stay unpaired, confirm with the members told, discard), `coverage` (which
families have a member now: the dashboard's figure and the rows behind it), `wording`
(reasons and aims in the reader's words), `contacts` (a paired member's visits and calls,
recorded as visits so they count for the follow-up cadence and the five comparisons)."""

from app.services.pairing import bridge, contacts, proposals
from app.services.pairing.rules import (
    PairingError,
    check_pairing,
    confirm,
    end,
    end_expired,
    member_families,
    open_counts,
)

__all__ = [
    "PairingError",
    "bridge",
    "check_pairing",
    "confirm",
    "contacts",
    "end",
    "end_expired",
    "member_families",
    "open_counts",
    "proposals",
]
