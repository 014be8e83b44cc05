"""A published run's seats on its page (`admin.scheduling`): a declined seat solved again in
one click, free volunteers asked for help, an upcoming assignment cancelled (the volunteer is
told)."""

from __future__ import annotations

from flask import abort, flash
from flask_admin import expose
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from admin.base import acting_user
from app.enums import UPCOMING
from app.extensions import db
from app.models import ScheduleRun, Shift
from app.services import scoping
from app.services.scheduler import errors, publish, seats


class PublishedSeatPages:
    """Mixed into `ScheduleView`, whose `_check_form`, `_run_or_404`, `_assignment_of_run`
    and `_back` these pages use."""

    def _scope_shift(self, run: ScheduleRun, shift_id: int) -> Shift:
        shift = scoping.scoped_row(db.session, acting_user(), Shift, shift_id, write=True)
        if shift is None:
            abort(404)
        return shift

    @expose("/run/<int:run_id>/seat/<int:shift_id>/resolve", methods=("POST",))
    def resolve_seat(self, run_id: int, shift_id: int) -> Response:
        self._check_form()
        run = self._run_or_404(run_id, write=True)
        shift = self._scope_shift(run, shift_id)
        try:
            result = seats.resolve_seat(db.session, shift)
        except errors.RunError as exc:
            flash(exc.message, "error")
            return self._back(run)
        if result.assignment is None:
            flash(_("Nobody eligible is free for this seat; try asking for help."), "warning")
        else:
            flash(_("%(name)s now has the seat and has been asked to confirm.",
                    name=result.assignment.volunteer.name), "success")
        return self._back(run)

    @expose("/run/<int:run_id>/seat/<int:shift_id>/help", methods=("POST",))
    def ask_help(self, run_id: int, shift_id: int) -> Response:
        self._check_form()
        run = self._run_or_404(run_id, write=True)
        shift = self._scope_shift(run, shift_id)
        try:
            help_request = seats.ask_for_help(db.session, shift, user=acting_user())
        except errors.RunError as exc:
            flash(exc.message, "error")
            return self._back(run)
        if help_request.asked:
            flash(_("Asked %(count)s free volunteers for help.", count=help_request.asked),
                  "success")
        else:
            flash(_("Nobody eligible and free could be asked for help (no one qualifies, or "
                    "no one has contact details)."), "warning")
        return self._back(run)

    @expose("/run/<int:run_id>/cancel/<int:assignment_id>", methods=("POST",))
    def cancel(self, run_id: int, assignment_id: int) -> Response:
        self._check_form()
        run = self._run_or_404(run_id, write=True)
        assignment = self._assignment_of_run(run, assignment_id)
        if assignment.status not in UPCOMING:
            abort(400)
        publish.cancel_assignment(db.session, assignment)
        flash(_("Assignment cancelled; the volunteer has been told."), "success")
        return self._back(run)
