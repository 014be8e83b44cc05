"""The member's paired families (结对家庭): who, where, since when, and the aim."""

from __future__ import annotations

from flask import render_template

from app.extensions import db
from app.portal.views import _require_volunteer, portal_bp
from app.services import pairing


@portal_bp.get("/families")
def families() -> str:
    """Confirmed pairings only: a proposal is not the member's until the coordinator confirms
    it. The page is the member's own (portal session); nothing here is public."""
    volunteer = _require_volunteer()
    rows = pairing.member_families(db.session, volunteer.id)
    return render_template("portal/families.html", volunteer=volunteer, pairings=rows)
