"""Coordinators' paper tools and on-behalf sign-up, next to the residents' pages.

- ``/staff/events/<id>/register``: sign up a resident who has no smartphone (on the phone or
  from a paper list) through the same service and rules, recording who did it.
- ``/staff/events/<id>/sheet``: a printable sign-in sheet of the confirmed residents.
- ``/staff/events/<id>/poster``: a printable poster with a QR code of the event's page.

Login, role (town admin or coordinator) and neighbourhood scope are checked on every page
with `app.services.scoping`, the same rules the admin uses.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

import segno
from flask import Blueprint, abort, flash, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.enums import RegistrationStatus, Role
from app.extensions import db
from app.models import Event, Registration
from app.public.forms import SignupForm, signup_form
from app.services import courses, links, signup
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
    return render_template("public/staff_sheet.html", event=event,
                           sheet=courses.sign_in_sheet(db.session, event))


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
