"""The member's paired families (结对家庭): who, where, since when, the aim, and recording a
contact (a visit or a call) with one of them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.enums import VisitKind
from app.extensions import db
from app.models import Pairing, Volunteer
from app.portal.views import _require_volunteer, portal_bp
from app.services import pairing
from app.services.pairing import contacts


def _page(volunteer: Volunteer, status: int = 200) -> tuple[str, int]:
    rows = pairing.member_families(db.session, volunteer.id)
    last = contacts.last_contacts(db.session, volunteer.id, [p.household_id for p in rows])
    return render_template("portal/families.html", volunteer=volunteer, pairings=rows,
                           last=last, kinds=contacts.CONTACT_KINDS), status


@portal_bp.get("/families")
def families() -> tuple[str, int]:
    """Confirmed pairings only: a proposal is not the member's until the coordinator confirms
    it. The page is the member's own (portal session); nothing here is public."""
    return _page(_require_volunteer())


@portal_bp.post("/families/<int:pairing_id>/contact")
def record_contact(pairing_id: int) -> Response | tuple[str, int]:
    volunteer = _require_volunteer()
    row = db.session.get(Pairing, pairing_id)
    if row is None or row.volunteer_id != volunteer.id:
        abort(404)
    try:
        visit = contacts.record_contact(db.session, row, volunteer.id,
                                        request.form.get("kind", ""),
                                        notes=request.form.get("notes"))
    except pairing.PairingError as error:
        flash(str(error), "danger")
        return _page(volunteer, 400)
    flash(_("Recorded: %(kind)s with %(name)s.", kind=VisitKind(visit.kind).label,
            name=row.household.contact_name), "success")
    return redirect(url_for("portal.families"))
