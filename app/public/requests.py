"""Residents' requests on the phone: the form, and the private page that follows one request.

No login. The form refuses bad input field by field and keeps what was typed; the request's
page is reached only through its secret link (shown once sent, and in every message), shows
the state in plain words, who has it and what happens next, and never the resident's phone.

A mobile number is kept only with the code sent to it by SMS (the API's code service,
`app.services.requests.verification`): "send me a code" posts the form to `request_send_code`,
which sends it and shows the form again with everything typed; without a number the request
is anonymous.

Before a request is sent, the form shows the open improvements already raised for the same
building (or much like it elsewhere in the neighbourhood), by their public title only, so a
resident can say "me too" instead of raising it again (as FixMyStreet shows nearby reports).
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request, session, url_for
from flask_babel import gettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.enums import RequestCategory, RequestChannel, RequestStatus, SatisfactionAnswer
from app.extensions import db
from app.i18n import current_locale, localised
from app.ids import parse_id
from app.models import (
    Building,
    Neighbourhood,
    PatrolInspectionPhoto,
    RequestPhoto,
    ResidentRequest,
)
from app.public.forms import RequestForm, SurveyForm
from app.public.limits import me_too_limits, request_limits, verify_limits
from app.public.views import public_bp
from app.services import requests as requests_service
from app.services.households.files import mask_phone
from app.services.requests import photos, verification
from app.services.requests.survey import answer_survey, find_by_survey_token
from app.services.signup import mask_name
from app.sorting import number_key


def _form(form: RequestForm | None = None) -> RequestForm:
    form = form or RequestForm()
    neighbourhoods = db.session.scalars(
        select(Neighbourhood).order_by(Neighbourhood.town, Neighbourhood.name)).all()
    form.neighbourhood.choices = [("", "—")] + [
        (str(n.id), localised(n.name, n.name_en)) for n in neighbourhoods]
    form.category.choices = [("", "—")] + [(c.value, c.label) for c in RequestCategory]
    names = {n.id: localised(n.name, n.name_en) for n in neighbourhoods}
    grouped: dict[str, list[tuple[str, str]]] = {"": [("", "—")]}
    buildings = db.session.scalars(select(Building)).all()
    for building in sorted(buildings, key=lambda b: (names.get(b.neighbourhood_id, ""),
                                                     number_key(b.number))):
        grouped.setdefault(names.get(building.neighbourhood_id, ""), []).append(
            (str(building.id), str(building)))
    form.building.choices = grouped
    return form


def _matches(form: RequestForm) -> list[requests_service.PublicMatch]:
    """Open improvements already raised for the chosen building (or much like the text)."""
    neighbourhood_id = parse_id(form.neighbourhood.data)
    if neighbourhood_id is None:
        return []
    return requests_service.public_matches(
        db.session, neighbourhood_id=neighbourhood_id,
        building_id=parse_id(form.building.data), text=form.text.data)


def _render_form(form: RequestForm, errors: dict[str, Any] | None = None,
                 status: int = 200,
                 matches: list[requests_service.PublicMatch] | None = None,
                 code_sent_to: str | None = None) -> tuple[str, int]:
    return render_template("public/request_new.html", form=form, errors=errors or {},
                           matches=matches or [], statuses=RequestStatus,
                           code_sent_to=code_sent_to,
                           code_minutes=verification.MINUTES), status


@public_bp.get("/requests/new")
def request_form() -> tuple[str, int]:
    form = _form()
    chosen = parse_id(request.args.get("neighbourhood"))
    if chosen is not None:
        form.neighbourhood.data = str(chosen)
    building = parse_id(request.args.get("building"))
    if building is not None:
        form.building.data = str(building)
    return _render_form(form, matches=_matches(form) if building is not None else None)


def _chosen_photo(form: RequestForm, errors: dict[str, Any]) -> photos.CleanPhoto | None:
    """The photo sent with the form, checked; else the one held from an earlier round. A
    photo that could not be read, or a held one gone (kept only `HELD_FOR`), is an error
    saying so: the resident chooses it again or sends without."""
    upload = form.photo.data
    raw = upload.read(photos.MAX_BYTES + 1) if upload else b""
    try:
        return photos.chosen(db.session, raw, form.held_photo.data)
    except requests_service.RequestError as error:
        if not raw:  # the held one is gone
            form.held_photo.data = ""
        errors["photo"] = error.message
        return None


def _hold_photo(form: RequestForm, clean: photos.CleanPhoto | None) -> None:
    """Keep the chosen photo while the form goes back to the resident, so it need not be
    chosen again. Committed here, though the form is refused or not yet sent: the held photo
    is the one thing of this round that must outlast it."""
    if clean is None or not form.photo.data:
        return  # nothing chosen, or the photo held already
    photos.release(db.session, form.held_photo.data)
    form.held_photo.data = photos.hold(db.session, clean)
    db.session.commit()


@public_bp.post("/requests/new")
@request_limits
def request_submit() -> Response | tuple[str, int]:
    form = _form(RequestForm())
    if form.website.data:  # the honeypot: a person never sees this field
        abort(400)
    building = None
    if (form.building.data or "").strip():
        building = parse_id(form.building.data)
        if building is None:
            building = 0  # not a building: refused by the service like any unknown one
    data = requests_service.RequestInput(
        neighbourhood_id=form.neighbourhood.data, category=form.category.data,
        text=form.text.data, place=form.place.data, name=form.name.data,
        phone=form.phone.data, email=form.email.data, consent=bool(form.consent.data),
        locale=current_locale(), building_id=building)
    errors: dict[str, Any] = {}
    try:
        requests_service.check_input(db.session, data)
    except requests_service.RequestInvalid as error:
        errors.update(error.errors)
    verification.check_given(current_app.config["SECRET_KEY"], data.phone,
                             form.verification_code.data, errors)
    clean = _chosen_photo(form, errors)
    if errors:
        db.session.rollback()
        _hold_photo(form, clean)
        return _render_form(form, errors, 422)
    if not form.confirm_new.data:
        matches = _matches(form)
        if matches:
            _hold_photo(form, clean)
            return _render_form(form, matches=matches)
    created = requests_service.create_request(db.session, data, channel=RequestChannel.form)
    if clean is not None:
        photos.add_photo(db.session, created, clean, user=None)
        photos.release(db.session, form.held_photo.data)
    return Response(status=303, headers={
        "Location": url_for("public.request_page", token=created.follow_token, sent=1)})


@public_bp.post("/requests/new/code")
@verify_limits
def request_send_code() -> tuple[str, int]:
    """Send the code to the number typed on the form and show the form again, all kept."""
    form = _form(RequestForm())
    if form.website.data:
        abort(400)
    photo_errors: dict[str, Any] = {}
    clean = _chosen_photo(form, photo_errors)
    try:
        sent = verification.send_code(db.session, current_app.config["SECRET_KEY"],
                                      form.phone.data, current_locale())
    except requests_service.RequestInvalid as error:
        db.session.rollback()
        _hold_photo(form, clean)
        return _render_form(form, {**error.errors, **photo_errors}, 422)
    _hold_photo(form, clean)
    return _render_form(form, photo_errors, code_sent_to=mask_phone(sent.address))


@public_bp.get("/requests/<token>")
def request_page(token: str) -> Response:
    found = requests_service.find_by_token(db.session, token)
    if found is None:
        abort(404)
    outcome = requests_service.outcome_of(found)
    body = render_template(
        "public/request_page.html", req=found, statuses=RequestStatus, outcome=outcome,
        outcome_note=requests_service.resolution_note(outcome) if outcome is not found
        else None,
        next_step=requests_service.next_step(found),
        state=requests_service.state_label(found),
        masked_name=mask_name(found.name or ""),
        link=url_for("public.request_page", token=token, _external=True),
        neighbourhood=localised(found.neighbourhood.name, found.neighbourhood.name_en),
        turnout=requests_service.turnouts(db.session, [outcome.council_event_id]).get(
            outcome.council_event_id) if outcome.council_decision else None,
        vote=requests_service.latest_tallies(db.session, [outcome.id]).get(outcome.id)
        if outcome.council_decision else None,
    )
    response = Response(body, mimetype="text/html")
    # A private page: never kept by a shared cache, never indexed.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


#: How many "me too"s one browser remembers (so a double tap is counted once).
REMEMBERED = 50


@public_bp.post("/requests/<int:request_id>/me-too")
@me_too_limits
def request_me_too(request_id: int) -> tuple[str, int]:
    """One more resident for an open improvement; nothing about them is asked or kept."""
    said = [n for n in session.get("me_too", []) if isinstance(n, int)]
    if request_id in said:
        return render_template("public/message.html", message=gettext(
            "You have already added your voice to this request. Thank you.")), 200
    residents = requests_service.add_me_too(db.session, request_id)
    if residents is None:
        return render_template("public/message.html", message=gettext(
            "This request is no longer open for “me too”: it has been decided or resolved. "
            "Its result is posted on the notice board.")), 404
    session["me_too"] = [*said, request_id][-REMEMBERED:]
    raised = db.session.get(ResidentRequest, request_id)
    return render_template("public/message.html", board_id=raised.neighbourhood_id if raised
                           else None, message=gettext(
        "Thank you: %(num)s residents have raised this now. The committee is handling it and "
        "posts the result on the notice board.", num=residents)), 200


def _survey_request(token: str) -> ResidentRequest:
    found = find_by_survey_token(db.session, token)
    if found is None:
        abort(404)
    return found


def _render_survey(found: ResidentRequest, form: SurveyForm, errors: dict[str, Any],
                   status: int = 200) -> Response:
    form.answer.choices = [(a.value, a.label) for a in SatisfactionAnswer]
    body = render_template("public/survey.html", req=found,
                           state=requests_service.state_label(found), form=form, errors=errors,
                           answered=found.answer,
                           neighbourhood=localised(found.neighbourhood.name,
                                                   found.neighbourhood.name_en))
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@public_bp.get("/s/<token>")
def survey(token: str) -> Response:
    """The short link of the questionnaire sent when a request is resolved."""
    return _render_survey(_survey_request(token), SurveyForm(), {})


@public_bp.post("/s/<token>")
@request_limits
def survey_answer(token: str) -> Response:
    found = _survey_request(token)
    form = SurveyForm()
    if not form.validate():
        abort(400)  # the CSRF token is missing or wrong
    try:
        answer_survey(db.session, found, form.answer.data, form.comment.data)
    except requests_service.RequestError as error:
        db.session.rollback()
        found = _survey_request(token)
        return _render_survey(found, form, {error.field or "answer": error.message},
                              error.status)
    return Response(status=303, headers={
        "Location": url_for("public.survey", token=token, thanks=1)})


@public_bp.get("/requests/<token>/photos/<int:photo_id>")
def request_photo(token: str, photo_id: int) -> Response:
    """A photo of the resident's own request, on their private page only."""
    found = requests_service.find_by_token(db.session, token)
    photo = next((p for p in found.photos if p.id == photo_id), None) if found else None
    if photo is None:
        abort(404)
    return photo_response(photo, "private, no-store")


def photo_response(photo: RequestPhoto | PatrolInspectionPhoto, cache: str) -> Response:
    """A kept photo as a response (the admin, the notice board and the portal serve them
    alike)."""
    response = Response(photo.data, mimetype=photo.content_type)
    response.headers["Cache-Control"] = cache
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
