"""The follow-up contact after an explanation, on a request's handling page: who makes it and
when, and the coordinator's record of the call (reached or not, what was said), kept in the
request's history (`app.services.requests.follow_up`)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext

from admin.protection import acting_user
from admin.views.request_forms import FollowUpForm
from app.enums import Role
from app.extensions import db
from app.services import requests as requests_service
from app.services.requests import follow_up


class RequestFollowUpPages:
    """Mixed into `ResidentRequestView`, whose `_writable_or_404`, `_render_handle` and
    `_refused` these pages use (so a row out of the user's scope is not found)."""

    @expose("/follow-up/", methods=["POST"])
    def follow_up_view(self) -> Any:
        """Record what the follow-up contact came to."""
        if acting_user().role == Role.department:
            abort(403)  # getting back to the resident is the committee's
        row = self._writable_or_404(request.args.get("id"))
        form = FollowUpForm(request.form)
        if not form.validate():
            abort(400)  # the CSRF token is missing or wrong
        try:
            change = follow_up.record(db.session, row, form.outcome.data or "",
                                      user=acting_user(), note=form.note.data)
        except requests_service.RequestError as error:
            return self._refused(error, follow_up_form=lambda _row: FollowUpForm(request.form))
        db.session.commit()
        flash(gettext("Follow-up of %(code)s recorded: %(outcome)s.", code=row.reference_code,
                      outcome=change.follow_up.label), "success")
        return redirect(url_for(".handle_view", id=row.id))
