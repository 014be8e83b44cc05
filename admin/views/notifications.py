"""Numbers and addresses refused for good: see them, and clear one with a reason
(`app.services.notify.refusals`). A Flask-Admin `BaseView` (endpoint ``refused``): the page only
reads; clearing is a POST with the CSRF token. A coordinator sees and clears only addresses of
messages about their own neighbourhoods."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from admin import access
from admin.model_forms import LinliForm
from admin.protection import ProtectedView, acting_user
from app.extensions import db
from app.services.notify import refusals


def may_clear(write: bool = False) -> bool:
    wanted = access.EDIT if write else access.READ
    return (current_user.is_authenticated
            and wanted in access.permissions(current_user.role, "RefusedAddress"))


class ClearForm(LinliForm):
    address = HiddenField(validators=[DataRequired()])
    reason = StringField(_l("Why it may be tried again"),
                         validators=[DataRequired(), Length(max=refusals.REASON_MAX)])


class RefusedAddressView(ProtectedView, BaseView):
    def is_accessible(self) -> bool:
        return may_clear()

    def is_visible(self) -> bool:
        return may_clear()

    @expose("/")
    def index(self) -> Any:
        user = acting_user()
        return self.render("admin/notify/refused.html",
                           rows=refusals.refused(db.session, user),
                           cleared=refusals.clearances(db.session, user),
                           form=ClearForm(), may_write=may_clear(write=True))

    @expose("/clear", methods=("POST",))
    def clear(self) -> Response:
        if not may_clear(write=True):
            abort(403)
        form = ClearForm(request.form)
        if not form.validate_on_submit():
            if form.csrf_token.errors:
                abort(400)
            flash(_("Please say why this address may be tried again (for example: the "
                    "resident confirmed the number on the phone)."), "error")
            return redirect(url_for(".index"))
        try:
            cleared = refusals.clear(db.session, acting_user(), form.address.data,
                                     form.reason.data)
        except refusals.ClearError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for(".index"))
        db.session.commit()
        flash(_("%(address)s will be tried again with the next message.",
                address=cleared.address), "success")
        return redirect(url_for(".index"))
