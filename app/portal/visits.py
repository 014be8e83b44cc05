"""The member's visits on the phone: the list, recording an outcome, and the requests or
suggestions the household raised, added with the outcome or later on the recorded visit.
Every change is a POST with the CSRF token; a refusal gives the page back with what was typed.
The rules are `app.services.visits.recording`'s and `app.services.requests.from_visits`'."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.enums import EFFECTIVE, RECORDABLE, RequestCategory, VisitOutcome
from app.extensions import db
from app.models import Visit, Volunteer
from app.portal.views import _require_volunteer, portal_bp
from app.services.requests import RequestError, RequestInvalid, from_visits, photos
from app.services.visits import recording


def _page(volunteer: Volunteer, *, recorded_id: int | None = None,
          draft: dict[str, Any] | None = None, status: int = 200) -> tuple[str, int]:
    rows = recording.my_visits(db.session, volunteer.id)
    return render_template(
        "portal/visits.html", volunteer=volunteer, visits=rows, outcomes=RECORDABLE,
        planned=VisitOutcome.planned, effective=EFFECTIVE, categories=list(RequestCategory),
        raised=from_visits.raised_on(db.session, [v.id for v in rows]),
        mobiles={v.id: from_visits.household_mobile(v.household) is not None for v in rows},
        recorded_id=recorded_id, draft=draft or {}), status


def _own_visit(volunteer: Volunteer, visit_id: int) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.volunteer_id != volunteer.id:
        abort(404)
    return visit


def _typed_request() -> from_visits.VisitRequestInput:
    upload = request.files.get("request_photo")
    return from_visits.VisitRequestInput(
        category=request.form.get("request_category"), text=request.form.get("request_text"),
        place=request.form.get("request_place"),
        tell_household=request.form.get("tell_household") == "1",
        photo=upload.read(photos.MAX_BYTES + 1) if upload else None,
        held_photo=(request.form.get("held_photo") or "")[:64] or None)


def _refused(volunteer: Volunteer, visit: Visit, error: Exception,
             data: from_visits.VisitRequestInput) -> tuple[str, int]:
    """The page again, the visit's form filled with what was typed and the fields at fault;
    the photo chosen is held for the next try (committed: the one thing of this round that
    must outlast it), as the public form holds a resident's."""
    db.session.rollback()
    held = photos.hold_again(db.session, data.photo, data.held_photo)
    db.session.commit()
    errors = dict(getattr(error, "errors", None) or {})
    if not errors:
        errors[getattr(error, "field", None) or "form"] = getattr(error, "message", error)
    flash(str(next(iter(errors.values()))), "danger")
    draft = {"visit_id": visit.id, "form": request.endpoint,
             "errors": {k: str(v) for k, v in errors.items()},
             **{key: request.form.get(key, "") for key in (
                 "outcome", "notes", "request_category", "request_text", "request_place",
                 "tell_household")},
             "held_photo": held or "", "photo_lost": bool(data.photo) and held is None}
    return _page(volunteer, draft=draft, status=400)


def _filed_message(filed: from_visits.Filed) -> str:
    if filed.told:
        return _("Request %(code)s recorded; the household is told about it by SMS.",
                 code=filed.request.reference_code)
    return _("Request %(code)s recorded; the household gets no messages about it (not agreed, "
             "or no mobile number on file).", code=filed.request.reference_code)


@portal_bp.get("/visits")
def visits() -> tuple[str, int]:
    """The member's visit list: planned contacts of published rounds, then recent ones."""
    volunteer = _require_volunteer()
    return _page(volunteer, recorded_id=request.args.get("recorded", type=int))


@portal_bp.post("/visits/<int:visit_id>")
def record_visit(visit_id: int) -> Response | tuple[str, int]:
    """The outcome, and the household's request when one was typed: both or neither."""
    volunteer = _require_volunteer()
    visit = _own_visit(volunteer, visit_id)
    data = _typed_request()
    try:
        _recorded, filed = from_visits.record_with_request(
            db.session, visit, volunteer.id, request.form.get("outcome", ""),
            notes=request.form.get("notes"), data=data)
    except (recording.RecordingError, RequestError) as error:
        return _refused(volunteer, visit, error, data)
    flash(_("Recorded: %(outcome)s.", outcome=VisitOutcome(visit.outcome).label), "success")
    if filed is not None:
        flash(_filed_message(filed), "success")
    return redirect(url_for("portal.visits", recorded=visit.id))


@portal_bp.post("/visits/<int:visit_id>/requests")
def add_visit_request(visit_id: int) -> Response | tuple[str, int]:
    """Another request of the household, on a visit already recorded."""
    volunteer = _require_volunteer()
    visit = _own_visit(volunteer, visit_id)
    data = _typed_request()
    try:
        checked = from_visits.check(db.session, visit, volunteer.id, data)
        filed = from_visits.file(db.session, checked)
    except (RequestInvalid, RequestError) as error:
        return _refused(volunteer, visit, error, data)
    flash(_filed_message(filed), "success")
    return redirect(url_for("portal.visits", recorded=visit.id) + f"#visit-{visit.id}")
