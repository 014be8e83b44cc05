"""Coordinators' paper tools and on-behalf sign-up, next to the residents' pages.

- ``/staff/events/<id>/register``: sign up a resident who has no smartphone (on the phone or
  from a paper list) through the same service and rules, recording who did it.
- ``/staff/events/<id>/sheet``: a printable sign-in sheet of the confirmed residents, a list
  per session with the session's code for residents to sign themselves in.
- ``/staff/events/<id>/attendance``: who is here at a session, by tapping a name or typing the
  reference code a resident shows (`app.services.courses`).
- ``/staff/events/<id>/poster``: a printable poster with a QR code of the event's page.

Login, role (town admin or coordinator) and neighbourhood scope are checked on every page
with `app.services.scoping`, the same rules the admin uses.
"""

from __future__ import annotations

import io
from functools import wraps
from typing import Any

import segno
from flask import Blueprint, abort, flash, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.enums import AttendanceMethod, RegistrationStatus, Role
from app.extensions import db
from app.ids import parse_id
from app.models import Event, Registration
from app.public.forms import SignupForm, signup_form
from app.services import courses, links, signup
from app.services.attendance.certificates import CertificateError
from app.services.scoping import allows_row, scoped_row

staff_bp = Blueprint("staff", __name__, url_prefix="/staff")

STAFF_ROLES = (Role.admin, Role.coordinator)


def _event_in_scope(event_id: int, *, write: bool) -> Event:
    if current_user.role not in STAFF_ROLES:
        abort(403)
    event = scoped_row(db.session, current_user, Event, event_id, write=write)
    if event is None:
        abort(404)
    return event


def staff_page(view):  # type: ignore[no-untyped-def]
    """Login and a staff role; each view then loads its event within the user's scope."""

    @wraps(view)
    @login_required
    def wrapper(event_id: int, **kw: Any):  # type: ignore[no-untyped-def]
        if current_user.role not in STAFF_ROLES:
            abort(403)
        return view(event_id, **kw)

    return wrapper


@staff_bp.get("/events/<int:event_id>/sheet")
@staff_page
def sign_in_sheet(event_id: int) -> str:
    event = _event_in_scope(event_id, write=False)
    sheet = courses.sign_in_sheet(db.session, event)
    # Each session's own code: residents scan it and type their reference code.
    codes = {}
    for section in sheet.sections:
        opens, closes = courses.sheet_window(event, section.slot)
        key = section.slot.id if section.slot is not None else 0
        codes[key] = qr_svg(links.session_sheet_url(event.id, key, opens, closes))
    return render_template("public/staff_sheet.html", event=event, sheet=sheet, codes=codes)


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code (no external requests, allowed by the CSP)."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=8, border=2, dark="#000", light="#fff")
    return Markup(svg)  # segno's own SVG markup; the URL is ours


@staff_bp.get("/events/<int:event_id>/poster")
@staff_page
def poster(event_id: int) -> str:
    event = _event_in_scope(event_id, write=False)
    url = links.event_url(event.id)
    return render_template("public/staff_poster.html", event=event, url=url, qr=qr_svg(url))


@staff_bp.route("/events/<int:event_id>/register", methods=["GET", "POST"])
@staff_page
def register_on_behalf(event_id: int) -> str | Response | tuple[str, int]:
    from flask import request

    if request.method == "POST":
        form = SignupForm()
        slot_raw = (form.slot.data or "").strip()
        applicant = signup.Applicant(
            name=form.name.data or "", phone=form.phone.data or "",
            building=form.building.data, room=form.room.data,
            party_size=form.party_size.data or "1", consent=bool(form.consent.data),
            email=form.email.data, locale=None,
            session_notices=bool(form.session_notices.data),
        )
        user = current_user._get_current_object()
        try:
            # A coordinator may only register for their own neighbourhoods; the service
            # checks that under its lock.
            result = signup.register(
                db.session, event_id, applicant,
                slot_id=int(slot_raw) if slot_raw.isdigit() else None,
                registered_by=user, public_only=False,
                within=lambda event: allows_row(db.session, user, Event, event.id, write=True),
            )
        except signup.SignupError as error:
            db.session.rollback()
            event = _event_in_scope(event_id, write=True)
            errors = getattr(error, "errors", None) or (
                {error.field: error.message} if error.field else {})
            return _render_register(event, form, errors, error.message, error.status)
        reg = result.registration
        if result.confirmed:
            flash(_l("%(name)s has a place. Reference code %(code)s.",
                     name=reg.name, code=reg.reference_code), "success")
        else:
            flash(_l("%(name)s is number %(n)s on the waitlist. Reference code %(code)s.",
                     name=reg.name, n=result.waitlist_position, code=reg.reference_code),
                  "warning")
        return Response(status=303, headers={
            "Location": url_for("staff.register_on_behalf", event_id=event_id)})
    event = _event_in_scope(event_id, write=True)
    return _render_register(event)


def _render_register(event: Event, form: SignupForm | None = None,
                     errors: dict[str, Any] | None = None, message: Any = None,
                     status: int = 200) -> tuple[str, int]:
    form = signup_form(event, form)
    counts = signup.availability(db.session, [event.id])
    whole = signup.availability_for(counts, event) if event.capacity is not None else None
    slots = [(s, signup.availability_for(counts, event, s)) for s in event.slots]
    recent = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id)
        .order_by(Registration.id.desc()).limit(10)
    ).all()
    return render_template(
        "public/staff_register.html", event=event, form=form, errors=errors or {},
        message=message, whole=whole, slots=slots, recent=recent,
        state=signup.registration_state(event), statuses=RegistrationStatus,
    ), status


@staff_bp.get("/events/<int:event_id>/attendance")
@staff_page
def attendance(event_id: int) -> str:
    """Tap a name, or type the code a resident shows: who is here at one session."""
    event = _event_in_scope(event_id, write=True)
    sheet = courses.sign_in_sheet(db.session, event)
    chosen = parse_id(request.args.get("session")) or 0
    section = next((s for s in sheet.sections if (s.slot.id if s.slot else 0) == chosen),
                   sheet.sections[0] if sheet.sections else None)
    attended = courses.attended_counts(db.session, event) if event.is_course else {}
    return render_template("public/staff_attendance.html", event=event, sheet=sheet,
                           section=section, attended=attended)


@staff_bp.post("/events/<int:event_id>/attendance")
@staff_page
def record_attendance(event_id: int) -> Response:
    event = _event_in_scope(event_id, write=True)
    key = parse_id(request.form.get("session")) or 0
    back = Response(status=303, headers={"Location": url_for(
        "staff.attendance", event_id=event.id, session=key or None)})
    try:
        slot = courses.session_of(event, key)
        code = request.form.get("code")
        if code is not None:
            registration = courses.find_by_code(db.session, event, code)
            method = AttendanceMethod.code
            if registration is None:
                raise courses.AttendanceRefused(str(_l(
                    "No sign-up for this event has the code %(code)s.", code=code[:20])))
        else:
            registration = db.session.get(Registration,
                                          parse_id(request.form.get("registration")) or 0)
            method = AttendanceMethod.staff
            if registration is None or registration.event_id != event.id:
                abort(404)
        if request.form.get("present") == "0":
            courses.unmark(db.session, event, registration, slot)
            flash(_l("%(name)s is no longer marked present.", name=registration.name), "info")
        else:
            marked = courses.mark_present(db.session, event, registration, slot, method=method,
                                          actor_id=current_user.id)
            flash(_l("%(name)s is present.", name=registration.name) if marked.newly else
                  _l("%(name)s was already marked present.", name=registration.name),
                  "success")
    except courses.AttendanceRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
    return back


@staff_bp.post("/events/<int:event_id>/certificates/<int:registration_id>")
@staff_page
def course_certificate(event_id: int, registration_id: int) -> Response:
    """A participant's completion certificate, printed by the coordinator."""
    event = _event_in_scope(event_id, write=True)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    try:
        certificate, pdf = courses.make_certificate(db.session, registration,
                                                    issued_by_id=current_user.id)
    except CertificateError as error:
        db.session.rollback()
        flash(str(error), "error")
        return Response(status=303, headers={"Location": url_for(
            "staff.attendance", event_id=event.id)})
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=courses.certificate_file_name(certificate))
