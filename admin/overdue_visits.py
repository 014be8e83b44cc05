"""Households whose care visits are overdue or were missed (``/admin/schedule/overdue``), and
a visit recorded as done or missed from there."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from admin.protection import acting_user
from admin.schedule_forms import ActionForm
from app.enums import VisitOutcome
from app.extensions import db
from app.models import Event
from app.services import care_visits, scoping


class OverdueVisitPages:
    """Mixed into `ScheduleView` (the scheduler's users: town admin and coordinators, their
    own neighbourhoods' households only), whose `_check_form` the button uses."""

    @expose("/overdue")
    def overdue(self) -> Any:
        ids = scoping.neighbourhood_ids(acting_user())
        rows = care_visits.overdue_households(db.session, neighbourhood_ids=ids)
        visits = care_visits.visit_rows(db.session, neighbourhood_ids=ids)
        return self.render("admin/schedule/overdue.html", rows=rows, visits=visits,
                           action_form=ActionForm(), outcomes=VisitOutcome)

    @expose("/visit/<int:event_id>/<outcome>", methods=("POST",))
    def mark_visit(self, event_id: int, outcome: str) -> Response:
        self._check_form()
        if outcome not in (VisitOutcome.done.value, VisitOutcome.missed.value):
            abort(404)
        event = scoping.scoped_row(db.session, acting_user(), Event, event_id, write=True)
        if event is None or event.household_id is None:
            abort(404)
        try:
            care_visits.mark_visit(db.session, event, VisitOutcome(outcome))
        except care_visits.CareVisitError as error:
            flash(str(error), "error")
            return redirect(url_for(".overdue"))
        flash(_("Visit recorded as %(outcome)s.", outcome=VisitOutcome(outcome).label),
              "success")
        return redirect(url_for(".overdue"))
