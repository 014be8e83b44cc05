"""The notice board (公示栏) on the phone and on paper: resolved improvements and council
decisions per neighbourhood, only the committee's public texts (`app.services.requests.board`).

Cacheable like the event pages: no session cookie for an anonymous visitor, an ETag from a
cheap version key, and a 304 without rendering when the visitor's copy is current.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import get_locale
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.csrf import is_anonymous_visitor
from app.extensions import db
from app.i18n import localised
from app.models import Neighbourhood
from app.public.caching import code_version
from app.public.views import public_bp
from app.services import requests as requests_service


@public_bp.get("/board/")
def board_index() -> str:
    neighbourhoods = db.session.scalars(
        select(Neighbourhood).order_by(Neighbourhood.town, Neighbourhood.name)).all()
    return render_template("public/board_index.html", neighbourhoods=neighbourhoods,
                           counts=requests_service.posted_counts(db.session))


@public_bp.get("/board/<int:neighbourhood_id>")
def board(neighbourhood_id: int) -> Response:
    etag = None
    if is_anonymous_visitor():
        etag = requests_service.board_version(db.session, neighbourhood_id, get_locale(),
                                              code_version())
        if etag in request.if_none_match:
            response = Response(status=304)
            response.set_etag(etag)
            return response
    neighbourhood = db.session.get(Neighbourhood, neighbourhood_id)
    if neighbourhood is None:
        abort(404)
    body = render_template(
        "public/board.html", neighbourhood=neighbourhood,
        name=localised(neighbourhood.name, neighbourhood.name_en),
        entries=requests_service.board_entries(db.session, neighbourhood_id))
    response = Response(body, mimetype="text/html")
    if etag:
        response.set_etag(etag)
    return response
