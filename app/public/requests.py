"""Residents' requests on the phone: the form, and the private page that follows one request.

No login. The form refuses bad input field by field and keeps what was typed; the request's
page is reached only through its secret link (shown once sent, and in every message), shows
the state in plain words, who has it and what happens next, and never the resident's phone.
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.enums import RequestCategory, RequestChannel, RequestStatus
from app.extensions import db
from app.i18n import current_locale, localised
from app.ids import parse_id
from app.models import Neighbourhood
from app.public.forms import RequestForm
from app.public.limits import request_limits
from app.public.views import public_bp
from app.services import requests as requests_service
from app.services.signup import mask_name


def _form(form: RequestForm | None = None) -> RequestForm:
    form = form or RequestForm()
    neighbourhoods = db.session.scalars(
        select(Neighbourhood).order_by(Neighbourhood.town, Neighbourhood.name)).all()
    form.neighbourhood.choices = [("", "—")] + [
        (str(n.id), localised(n.name, n.name_en)) for n in neighbourhoods]
    form.category.choices = [("", "—")] + [(c.value, c.label) for c in RequestCategory]
    return form


def _render_form(form: RequestForm, errors: dict[str, Any] | None = None,
                 status: int = 200) -> tuple[str, int]:
    return render_template("public/request_new.html", form=form, errors=errors or {}), status


@public_bp.get("/requests/new")
def request_form() -> tuple[str, int]:
    form = _form()
    chosen = parse_id(request.args.get("neighbourhood"))
    if chosen is not None:
        form.neighbourhood.data = str(chosen)
    return _render_form(form)


@public_bp.post("/requests/new")
@request_limits
def request_submit() -> Response | tuple[str, int]:
    form = _form(RequestForm())
    if form.website.data:  # the honeypot: a person never sees this field
        abort(400)
    data = requests_service.RequestInput(
        neighbourhood_id=form.neighbourhood.data, category=form.category.data,
        text=form.text.data, place=form.place.data, name=form.name.data,
        phone=form.phone.data, email=form.email.data, consent=bool(form.consent.data),
        locale=current_locale())
    try:
        created = requests_service.create_request(db.session, data,
                                                  channel=RequestChannel.form)
    except requests_service.RequestInvalid as error:
        db.session.rollback()
        return _render_form(form, error.errors, error.status)
    return Response(status=303, headers={
        "Location": url_for("public.request_page", token=created.follow_token, sent=1)})


@public_bp.get("/requests/<token>")
def request_page(token: str) -> Response:
    found = requests_service.find_by_token(db.session, token)
    if found is None:
        abort(404)
    body = render_template(
        "public/request_page.html", req=found, statuses=RequestStatus,
        next_step=requests_service.next_step(found),
        masked_name=mask_name(found.name or ""),
        link=url_for("public.request_page", token=token, _external=True),
        neighbourhood=localised(found.neighbourhood.name, found.neighbourhood.name_en),
    )
    response = Response(body, mimetype="text/html")
    # A private page: never kept by a shared cache, never indexed.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
