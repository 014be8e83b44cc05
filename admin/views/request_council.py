"""The residents' council meeting of a request on its handling page: scheduling it with the
representatives invited, and inviting more until its decision is recorded."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, ngettext

from admin.views.request_forms import InviteForm, MeetingForm
from app.extensions import db
from app.i18n import local_datetime
from app.services import requests as requests_service


class RequestCouncilPages:
    """Mixed into `ResidentRequestView`, whose `_writable_or_404`, `_step_form`,
    `_render_handle` and `_refused` these pages use (so a row out of the user's scope is not
    found)."""

    @expose("/meeting/", methods=["POST"])
    def meeting_view(self) -> Any:
        """Schedule the residents' council meeting of a request referred to the council."""
        row = self._writable_or_404(request.args.get("id"))
        arranged = row.council_event_id
        form = MeetingForm(request.form)
        if not form.validate():
            if form.csrf_token.errors:
                abort(400)
            flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
            return self._render_handle(row, self._step_form(row), 422, form)
        try:
            event = requests_service.schedule_meeting(
                db.session, row, starts_at=form.starts_at.data, place=form.place.data,
                representatives=form.representatives.data)
        except requests_service.RequestError as error:
            if error.field in form:  # said on its field too, as the form's own checks are
                form[error.field].errors = [str(error.message)]
            return self._refused(error, meeting_form=lambda _row: form)
        db.session.commit()
        if event.id == arranged:
            flash(gettext("Council meeting moved to %(when)s, %(place)s; its invitation list is "
                          "kept.", when=local_datetime(event.start_at), place=event.place),
                  "success")
        else:
            flash(gettext("Council meeting scheduled: %(title)s, %(when)s.", title=event.title,
                          when=local_datetime(event.start_at)), "success")
        return redirect(url_for(".handle_view", id=row.id))

    @expose("/meeting/invite/", methods=["POST"])
    def invite_view(self) -> Any:
        """Add representatives to the meeting's invitation list before its decision."""
        row = self._writable_or_404(request.args.get("id"))
        form = InviteForm(request.form)
        if not form.validate():
            abort(400)  # the CSRF token is missing or wrong
        try:
            added = requests_service.invite_more(db.session, row, form.representatives.data)
        except requests_service.RequestError as error:
            return self._refused(error, invite_form=lambda _row: InviteForm(request.form))
        db.session.commit()
        flash(ngettext("%(num)s more representative invited: %(names)s.",
                       "%(num)s more representatives invited: %(names)s.", len(added),
                       names="、".join(person.name for person in added)), "success")
        return redirect(url_for(".handle_view", id=row.id))
