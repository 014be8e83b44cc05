"""Public pages: what is on, one event, sign up, the confirmation with its cancel link.

No login, Chinese first, phone first, and the whole flow works without JavaScript. No
resident's phone or address is ever rendered; names are masked.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import format_date, format_time
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from app.csrf import is_anonymous_visitor
from app.enums import EventKind, RegistrationStatus
from app.extensions import db
from app.i18n import current_locale, day_in_range, local_day_start, localised, to_local
from app.ids import parse_id
from app.models import Event, Neighbourhood, Registration
from app.public.caching import event_page_etag
from app.public.forms import SignupForm, signup_form
from app.public.limits import signup_limits
from app.services import courses, signup

public_bp = Blueprint("public", __name__)


def _parse_day(value: str | None) -> date | None:
    """A local day from the query string; a malformed or far-off one filters nothing."""
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day is not None and day_in_range(day) else None


@public_bp.app_template_global()
def neighbourhood_name(neighbourhood: Neighbourhood) -> str:
    return localised(neighbourhood.name, neighbourhood.name_en)


@public_bp.app_template_filter("local_day")
def local_day(value: datetime) -> str:
    return format_date(to_local(value).date(), "full")


@public_bp.app_template_filter("local_time")
def local_time(value: datetime) -> str:
    return format_time(value, "short")


@public_bp.app_template_global()
def same_local_day(a: datetime, b: datetime) -> bool:
    return to_local(a).date() == to_local(b).date()


@public_bp.app_template_global()
def mask_name(name: str) -> str:
    return signup.mask_name(name)


@public_bp.get("/events/")
def event_list() -> str:
    neighbourhood_id = parse_id(request.args.get("neighbourhood"))
    kind = request.args.get("kind") or None
    if kind not in {k.value for k in EventKind}:
        kind = None
    day_from = _parse_day(request.args.get("from"))
    day_to = _parse_day(request.args.get("to"))
    events = signup.public_events(
        db.session,
        neighbourhood_id=neighbourhood_id,
        kind=kind,
        starts_from=local_day_start(day_from) if day_from else None,
        starts_before=local_day_start(day_to) + timedelta(days=1) if day_to else None,
    )
    counts = signup.availability(db.session, [e.id for e in events])
    offered = signup.public_kinds(db.session)
    neighbourhoods = db.session.scalars(
        select(Neighbourhood).order_by(Neighbourhood.town, Neighbourhood.name)
    ).all()
    return render_template(
        "public/event_list.html",
        events=events,
        summaries={e.id: _summary(e, counts) for e in events},
        neighbourhoods=neighbourhoods,
        kinds=[k for k in EventKind if k in offered or k.value == kind],
        chosen={"neighbourhood": neighbourhood_id, "kind": kind,
                "from": day_from.isoformat() if day_from else "",
                "to": day_to.isoformat() if day_to else ""},
    )


def _summary(event: Event, counts: dict[tuple[int, int], signup.Availability]) -> dict[str, Any]:
    """What a resident needs to know at a glance: open or not, places left, waitlist."""
    state = signup.registration_state(event)
    parts = [signup.availability_for(counts, event)] if event.capacity is not None else []
    parts += [signup.availability_for(counts, event, slot) for slot in event.slots]
    remaining = sum(p.remaining for p in parts)
    waiting = sum(p.waitlisted for p in parts)
    return {"state": state, "remaining": remaining, "waitlisted": waiting,
            "bookable": bool(parts)}


def _render_event(event: Event, form: SignupForm | None = None,
                  errors: dict[str, Any] | None = None, message: Any = None,
                  status: int = 200) -> tuple[str, int]:
    counts = signup.availability(db.session, [event.id])
    form = signup_form(event, form)
    slots = [(slot, signup.availability_for(counts, event, slot)) for slot in event.slots]
    whole = signup.availability_for(counts, event) if event.capacity is not None else None
    return render_template(
        "public/event_detail.html",
        event=event,
        summary=_summary(event, counts),
        whole=whole,
        slots=slots,
        services=signup.services_offered(event),
        form=form,
        errors=errors or {},
        message=message,
    ), status


@public_bp.get("/events/<int:event_id>")
def event_detail(event_id: int) -> tuple[str, int] | Response:
    etag = None
    if is_anonymous_visitor():
        # A visitor whose copy is current gets a 304 without the page being rendered.
        etag = event_page_etag(db.session, event_id)
        if etag in request.if_none_match:
            response = Response(status=304)
            response.set_etag(etag)
            return response
    event = signup.public_event(db.session, event_id)
    if event is None:
        abort(404)
    body, status = _render_event(event)
    response = Response(body, status=status, mimetype="text/html")
    if etag:
        response.set_etag(etag)
    return response


@public_bp.post("/events/<int:event_id>/signup")
@signup_limits
def event_signup(event_id: int) -> Response | tuple[str, int]:
    form = SignupForm()
    if form.website.data:  # the honeypot: a person never sees this field
        abort(400)
    slot_raw = (form.slot.data or "").strip()
    applicant = signup.Applicant(
        name=form.name.data or "",
        phone=form.phone.data or "",
        building=form.building.data,
        room=form.room.data,
        party_size=form.party_size.data or "1",
        consent=bool(form.consent.data),
        email=form.email.data,
        locale=current_locale(),
        session_notices=bool(form.session_notices.data),
    )
    try:
        # The service is the first thing to touch the database (see its locking notes).
        result = signup.register_and_commit(
            db.session, event_id, applicant,
            slot_id=int(slot_raw) if slot_raw.isdigit() else None,
        )
    except signup.SignupError as error:
        db.session.rollback()  # end the transaction (and SQLite's write lock) right away
        event = signup.public_event(db.session, event_id)
        if event is None:
            abort(404)
        errors = getattr(error, "errors", None) or (
            {error.field: error.message} if error.field else {})
        return _render_event(event, form, errors, error.message, error.status)
    return Response(status=303, headers={
        "Location": url_for("public.registration", token=result.registration.cancel_token)
    })


def _registration_or_404(token: str) -> Registration:
    registration = signup.find_by_token(db.session, token)
    if registration is None:
        abort(404)
    return registration


@public_bp.get("/r/<token>")
def registration(token: str) -> str:
    found = _registration_or_404(token)
    return render_template(
        "public/registration.html",
        registration=found,
        position=signup.waitlist_position(db.session, found),
        attended=courses.attended_slot_ids(db.session, found),
        statuses=RegistrationStatus,
        link=url_for("public.registration", token=token, _external=True),
    )


@public_bp.post("/r/<token>/still-coming")
def still_coming(token: str) -> str | Response | tuple[str, int]:
    """After the event moved: the resident's one tap to say she is still coming."""
    try:
        signup.confirm_still_coming(db.session, token)
    except signup.SignupError as error:
        db.session.rollback()
        if error.code == "not_found":
            abort(404)
        return render_template("public/message.html", status=error.status,
                               message=error.message), error.status
    return Response(status=303, headers={
        "Location": url_for("public.registration", token=token, still_coming=1)
    })


@public_bp.route("/r/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str) -> str | Response | tuple[str, int]:
    """GET asks (link previews must not cancel anything); POST cancels."""
    if request.method == "GET":
        found = _registration_or_404(token)
        return render_template("public/cancel.html", registration=found,
                               statuses=RegistrationStatus)
    try:
        signup.cancel(db.session, token)
    except signup.SignupError as error:
        db.session.rollback()
        if error.code == "not_found":
            abort(404)
        return render_template("public/message.html", status=error.status,
                               message=error.message), error.status
    return Response(status=303, headers={
        "Location": url_for("public.registration", token=token, cancelled=1)
    })


@public_bp.app_errorhandler(TooManyRequests)
def too_many_requests(error: TooManyRequests) -> tuple[str, int]:
    if request.endpoint == "auth.login":
        return render_template("public/message.html", status=429,
                               message=_l("Too many login attempts from here. Please wait a "
                                          "few minutes and try again.")), 429
    if request.endpoint == "public.request_submit":
        return render_template("public/message.html", status=429,
                               message=_l("Too many requests sent from here. Please wait a "
                                          "few minutes and try again.")), 429
    return render_template("public/message.html", status=429,
                           message=_l("Too many sign-ups from here. Please wait a few "
                                      "minutes and try again.")), 429
