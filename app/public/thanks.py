"""The public thank-you to a neighbourhood's donors, phone first (`app.services.thanks` decides
what may be shown: donors by name only when they may be named, recipients only as a count)."""

from __future__ import annotations

from flask import abort, render_template

from app.extensions import db
from app.i18n import localised
from app.models import Neighbourhood
from app.public.views import public_bp
from app.services import thanks as thanks_service


@public_bp.get("/thanks/<int:neighbourhood_id>")
def thanks(neighbourhood_id: int) -> str:
    neighbourhood = db.session.get(Neighbourhood, neighbourhood_id)
    if neighbourhood is None:
        abort(404)
    lines = thanks_service.thanks(db.session, neighbourhood_id)
    return render_template("public/thanks.html", neighbourhood=neighbourhood,
                           name=localised(neighbourhood.name, neighbourhood.name_en),
                           lines=lines, totals=thanks_service.totals(lines))
