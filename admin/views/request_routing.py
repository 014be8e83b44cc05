"""Re-routing a request on its handling page: another service group of its neighbourhood,
with a reason kept in the request's history. The plain edit form no longer changes the group,
so every change of who is responsible has its record."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext

from admin.protection import acting_user
from admin.views.request_forms import RerouteForm
from admin.views.request_handling import expecting
from app.enums import NotificationChannel, NotificationStatus, Role
from app.extensions import db
from app.ids import parse_id
from app.models import Notification, ResidentRequest, ServiceGroup
from app.services import notify
from app.services import requests as requests_service
from app.services.requests.routing import groups_for, reroute


class RequestRoutingPages:
    """Mixed into `ResidentRequestView`, whose `_writable_or_404`, `_render_handle` and
    `_refused` these pages use (so a row out of the user's scope is not found)."""

    def _reroute_form(self, row: ResidentRequest, formdata: Any = None) -> RerouteForm:
        form = RerouteForm(formdata)
        form.group.choices = [(str(group.id), group.name) for group in groups_for(db.session, row)
                              if group.id != row.service_group_id]
        if formdata is None:
            form.expected.data = str(row.service_group_id or "")
        return form

    @expose("/reroute/", methods=["POST"])
    def reroute_view(self) -> Any:
        """Give the request to another service group of its neighbourhood, saying why."""
        if acting_user().role == Role.department:
            abort(403)  # routing within the neighbourhood is the committee's
        row = self._writable_or_404(request.args.get("id"))
        form = RerouteForm(request.form)
        if not form.validate():
            abort(400)  # the CSRF token is missing or wrong
        number = parse_id(form.group.data)
        group = db.session.get(ServiceGroup, number) if number is not None else None
        try:
            done = reroute(db.session, row, group, user=acting_user(), reason=form.reason.data,
                           expected_group_id=parse_id(form.expected.data))
        except requests_service.RequestError as error:
            return self._refused(error, reroute_form=lambda row: expecting(
                self._reroute_form(row, request.form), str(row.service_group_id or "")))
        db.session.commit()
        flash(gettext("Request %(code)s is now with %(group)s.", code=row.reference_code,
                      group=done.change.to_group.name), "success")
        say_whether_told(done.told)
        return redirect(url_for(".handle_view", id=row.id))


def say_whether_told(told: Notification | None) -> None:
    """What became of the message to the raiser, as it stands after the commit: only a
    message the SMS provider or mail server accepted is called sent."""
    if told is None:
        flash(gettext("The request is anonymous: there is nobody to tell."), "info")
        return
    db.session.refresh(told)
    by = told.channel.label
    if told.status == NotificationStatus.sent:
        flash(gettext("The resident was told (%(channel)s).", channel=by), "info")
        if told.channel == NotificationChannel.sms and notify.sms_logged_only():
            flash(gettext("No SMS provider is configured (LINLI_SMS_PROVIDER): text messages "
                          "were only written to the server log, not sent to phones."),
                  "warning")
    elif told.status in (NotificationStatus.queued, NotificationStatus.sending):
        flash(gettext("The message to the resident (%(channel)s) is waiting to be sent.",
                      channel=by), "info")
    else:
        flash(gettext("The resident could not be told (%(why)s): please call them.",
                      why=told.error or told.status.label), "warning")
