"""Patrol inspections on the phone: the member's sites and recent inspections, start (or
join) an inspection at a site, tick the members present, answer the checklist, findings,
follow-up, end. Every change is a POST with the CSRF token; the rules are
`app.services.patrols.inspecting`'s."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.enums import ChecklistAnswer, RequestCategory
from app.extensions import db
from app.i18n import current_locale, deployment_zone, localised
from app.models import PatrolInspection, PatrolSite, Volunteer
from app.portal.views import _require_volunteer, portal_bp
from app.public.requests import photo_response
from app.services import links
from app.services.patrols import inspecting, log
from app.services.patrols import photos as patrol_photos
from app.services.requests.photos import MAX_BYTES


@portal_bp.get("/patrols")
def patrols() -> str:
    volunteer = _require_volunteer()
    groups = inspecting.member_groups(db.session, volunteer.id)
    return render_template(
        "portal/patrols.html", volunteer=volunteer, groups=groups,
        sites=inspecting.member_sites(db.session, groups),
        inspections=inspecting.recent_inspections(db.session, {g.id for g in groups}))


@portal_bp.get("/patrols/site/<token>")
def patrol_site(token: str) -> str | Response:
    """The page the site's printed code opens: the site and one tap to start (or join) the
    inspection there. A GET changes nothing."""
    volunteer = _require_volunteer()
    site_id = links.read_patrol_site_token(token)
    site = db.session.get(PatrolSite, site_id) if site_id is not None else None
    groups = [g for g in inspecting.member_groups(db.session, volunteer.id)
              if site is not None and (site.group_id == g.id
                                       or site.neighbourhood_id == g.neighbourhood_id)]
    if site is None or not site.active or not groups:
        flash(_("This site's code is not one of your group's sites."), "danger")
        return redirect(url_for("portal.patrols"))
    return render_template("portal/patrol_site.html", volunteer=volunteer, site=site,
                           groups=sorted(groups, key=lambda g: g.id != site.group_id))


@portal_bp.post("/patrols/start")
def start_patrol() -> Response:
    volunteer = _require_volunteer()
    try:
        inspection = inspecting.start_inspection(
            db.session, volunteer, request.form.get("site"), request.form.get("group"),
            zone=deployment_zone())
    except log.PatrolError as error:
        flash(str(error.message), "danger")
        return redirect(url_for("portal.patrols"))
    return redirect(url_for("portal.inspection", inspection_id=inspection.id))


def _own_inspection(inspection_id: int, volunteer: Volunteer) -> PatrolInspection:
    inspection = db.session.get(PatrolInspection, inspection_id)
    if inspection is None or not any(m.volunteer_id == volunteer.id
                                     for m in inspection.group.members):
        abort(404)
    return inspection


def _page(inspection: PatrolInspection, volunteer: Volunteer, *,
          form: dict[str, Any] | None = None, errors: dict[str, Any] | None = None,
          status: int = 200) -> tuple[str, int]:
    locale = current_locale()
    questions = [(entry, localised(entry.get("question", ""), entry.get("question_en"), locale))
                 for entry in inspection.checklist or []]
    return render_template(
        "portal/inspection.html", volunteer=volunteer, inspection=inspection,
        questions=questions, answers=list(ChecklistAnswer), categories=list(RequestCategory),
        certified=log.certified_present(db.session, inspection),
        editable=log.may_change(db.session, inspection, volunteer=volunteer),
        members=sorted(inspection.group.members, key=lambda m: m.volunteer.name_sort),
        present_ids={v.id for v in inspection.present}, form=form, errors=errors or {},
    ), status


@portal_bp.get("/patrols/<int:inspection_id>")
def inspection(inspection_id: int) -> tuple[str, int]:
    volunteer = _require_volunteer()
    return _page(_own_inspection(inspection_id, volunteer), volunteer)


@portal_bp.post("/patrols/<int:inspection_id>")
def save_inspection(inspection_id: int) -> Response | tuple[str, int]:
    """Save the record, and the photo chosen with it: one form, so adding a photo never
    drops answers not yet saved. Either all of it is kept or, refused, nothing is."""
    volunteer = _require_volunteer()
    found = _own_inspection(inspection_id, volunteer)
    action = request.form.get("action")
    end = action == "end"
    data = inspecting.InspectionInput(
        present_ids=request.form.getlist("present"),
        answers={key.removeprefix("answer-"): value for key, value in request.form.items()
                 if key.startswith("answer-")},
        findings=request.form.get("findings"),
        follow_up_needed=request.form.get("follow_up") == "1",
        follow_up_category=request.form.get("follow_up_category"))
    upload = request.files.get("photo")
    raw = upload.read(MAX_BYTES + 1) if upload else b""
    try:
        saved = inspecting.save_inspection(db.session, found, volunteer, data, end=end,
                                           zone=deployment_zone(), locale=current_locale())
        if raw or action == "photo":  # "Add the photo" with none chosen: refused as empty
            patrol_photos.add_photo(db.session, saved.inspection, raw, volunteer=volunteer)
    except inspecting.InspectionInvalid as error:
        return _refused(inspection_id, volunteer, data, error.errors)
    except log.PatrolError as error:
        if error.field == "photo":
            return _refused(inspection_id, volunteer, data, {"photo": error.message})
        flash(str(error.message), "danger")
        return _page(found, volunteer, status=403)
    if saved.request_raised is not None:
        flash(_("Follow-up passed to the neighbourhood committee as request %(code)s.",
                code=saved.request_raised.reference_code), "info")
    if raw:
        flash(_("Photo added."), "success")
    if end:
        certified = log.certified_present(db.session, saved.inspection)
        flash(_("Inspection ended: %(n)s members present, %(c)s of them certified.",
                n=len(saved.inspection.present), c=certified), "success")
        return redirect(url_for("portal.patrols"))
    flash(_("Saved."), "success")
    return redirect(url_for("portal.inspection", inspection_id=inspection_id))


def _refused(inspection_id: int, volunteer: Volunteer, data: inspecting.InspectionInput,
             errors: dict[str, Any]) -> tuple[str, int]:
    """Nothing saved (the photo neither): the page again with what the member chose."""
    db.session.rollback()
    flash(_("Nothing was saved: please correct the marked fields."), "danger")
    return _page(_own_inspection(inspection_id, volunteer), volunteer, form=_typed(data),
                 errors=errors, status=400)


@portal_bp.get("/patrols/photos/<int:photo_id>")
def inspection_photo(photo_id: int) -> Response:
    """A photo of one of the member's group's inspections; nobody else's."""
    volunteer = _require_volunteer()
    photo = patrol_photos.member_photo(db.session, photo_id, volunteer.id)
    if photo is None:
        abort(404)
    return photo_response(photo, "private, no-store")


def _typed(data: inspecting.InspectionInput) -> dict[str, Any]:
    """What the member typed, to show again after a refusal (nothing typed is lost)."""
    return {"present": {str(i) for i in data.present_ids}, "answers": data.answers,
            "findings": data.findings or "", "follow_up": data.follow_up_needed,
            "follow_up_category": data.follow_up_category or ""}
