"""Pairing 结对 (step 3 of the article): `rules` (who may be paired with whom, members'
family limits, confirming and ending; a member's own families)."""

from app.services.pairing.rules import (
    PairingError,
    check_pairing,
    confirm,
    end,
    member_families,
    open_counts,
)

__all__ = ["PairingError", "check_pairing", "confirm", "end", "member_families", "open_counts"]
