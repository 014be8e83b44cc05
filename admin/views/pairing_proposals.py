"""Pairing proposals in the admin: choose a neighbourhood and a walking distance, propose
(the engine pairs the unpaired families of the six categories), review, confirm or discard.

`PairingProposalView` is a Flask-Admin `BaseView` (endpoint ``pairing_proposals``). Every
change is a POST with the CSRF token; the GET page only reads. Scoping is
`app.services.scoping`'s: a coordinator works on her own neighbourhoods only.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import DecimalField, SelectField
from wtforms.validators import DataRequired, NumberRange

from admin import access
from admin.model_forms import LinliForm
from admin.protection import ProtectedView, acting_user
from app.extensions import db
from app.i18n import deployment_zone, localised
from app.models import Neighbourhood, utcnow
from app.services import scoping
from app.services.pairing import bridge, proposals
from app.services.pairing.rules import PairingError


def may_propose(write: bool = False) -> bool:
    wanted = access.EDIT if write else access.READ
    return (current_user.is_authenticated
            and wanted in access.permissions(current_user.role, "Pairing"))


class ProposeForm(LinliForm):
    neighbourhood = SelectField(_l("Neighbourhood"), coerce=int, validators=[DataRequired()])
    max_km = DecimalField(_l("Walking distance (km)"), default=bridge.DEFAULT_MAX_KM, places=1,
                          validators=[DataRequired(),
                                      NumberRange(proposals.MIN_KM, proposals.MAX_KM)])


class ActionForm(LinliForm):
    """Only the CSRF token."""


class PairingProposalView(ProtectedView, BaseView):
    def is_accessible(self) -> bool:
        return may_propose()

    def is_visible(self) -> bool:
        return may_propose()

    def _neighbourhoods(self) -> list[Neighbourhood]:
        statement = scoping.scoped(select(Neighbourhood).order_by(Neighbourhood.name),
                                   acting_user(), Neighbourhood)
        return list(db.session.scalars(statement))

    def _form(self, formdata: Any = None) -> ProposeForm:
        form = ProposeForm(formdata)
        form.neighbourhood.choices = [(n.id, localised(n.name, n.name_en))
                                      for n in self._neighbourhoods()]
        return form

    def _own(self, neighbourhood_id: int | None) -> Neighbourhood:
        row = (scoping.scoped_row(db.session, acting_user(), Neighbourhood, neighbourhood_id,
                                  write=False) if neighbourhood_id else None)
        if row is None:
            abort(404)
        return row

    def _writable(self) -> None:
        if not may_propose(write=True):
            abort(403)
        if not ActionForm(request.form).validate_on_submit():
            abort(400)

    @expose("/")
    def index(self) -> Any:
        form = self._form()
        neighbourhood_id = request.args.get("neighbourhood", type=int)
        if neighbourhood_id is None and form.neighbourhood.choices:
            neighbourhood_id = form.neighbourhood.choices[0][0]
        neighbourhood = self._own(neighbourhood_id) if neighbourhood_id else None
        max_km = request.args.get("max_km", type=float) or bridge.DEFAULT_MAX_KM
        drafted, unpaired = [], []
        if neighbourhood is not None:
            form.neighbourhood.data = neighbourhood.id
            today = utcnow().astimezone(deployment_zone()).date()
            try:
                unpaired = proposals.without_member_now(db.session, neighbourhood.id,
                                                        today=today, max_km=max_km)
            except PairingError as error:
                flash(str(error), "error")
                max_km = bridge.DEFAULT_MAX_KM
                unpaired = proposals.without_member_now(db.session, neighbourhood.id,
                                                        today=today)
            drafted = proposals.proposed_in(db.session, neighbourhood.id)
        form.max_km.data = max_km
        return self.render("admin/pairing/proposals.html", form=form,
                           neighbourhood=neighbourhood, drafted=drafted, unpaired=unpaired,
                           action_form=ActionForm(), max_km=max_km)

    @expose("/propose", methods=("POST",))
    def propose(self) -> Response:
        if not may_propose(write=True):
            abort(403)
        form = self._form(request.form)
        if not form.validate_on_submit():
            for errors in form.errors.values():
                for error in errors:
                    flash(str(error), "error")
            return redirect(url_for(".index"))
        neighbourhood = self._own(form.neighbourhood.data)
        max_km = float(form.max_km.data)
        try:
            result = proposals.propose(
                db.session, neighbourhood.id, max_km=max_km, created_by_id=current_user.id,
                today=utcnow().astimezone(deployment_zone()).date())
        except PairingError as error:
            flash(str(error), "error")
            return redirect(url_for(".index", neighbourhood=neighbourhood.id))
        flash(_("Proposal ready: %(paired)s families with a member, %(left)s without (see why "
                "below); %(replaced)s earlier proposals replaced.",
                paired=len(result.proposed), left=len(result.unpaired),
                replaced=result.replaced), "success")
        return redirect(url_for(".index", neighbourhood=neighbourhood.id, max_km=max_km))

    @expose("/<int:neighbourhood_id>/<any(confirm, discard):what>", methods=("POST",))
    def finish(self, neighbourhood_id: int, what: str) -> Response:
        self._writable()
        neighbourhood = self._own(neighbourhood_id)
        if what == "discard":
            n = proposals.discard(db.session, neighbourhood.id)
            flash(_("Proposal discarded: %(n)s proposed pairings removed.", n=n), "success")
        else:
            chosen = request.form.getlist("pairing", type=int)
            result = proposals.confirm_proposals(db.session, neighbourhood.id, chosen or None)
            flash(_("%(n)s pairings confirmed; %(m)s members told.", n=len(result.confirmed),
                    m=len(result.notifications)), "success")
            for message in result.refused:
                flash(message, "error")
        return redirect(url_for(".index", neighbourhood=neighbourhood.id))
