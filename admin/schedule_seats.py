"""A published run's seats on its page (`admin.scheduling`): a declined seat solved again in
one click, free volunteers asked for help, an upcoming assignment cancelled (the volunteer is
told), a patrol rota's inspections left unpublished for want of two members removed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import abort
from flask_admin import expose
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from admin.protection import acting_user
from app.enums import UPCOMING
from app.extensions import db
from app.models import ScheduleRun, Shift
from app.services import scoping
from app.services.patrols import rota_runs
from app.services.patrols.log import PatrolError
from app.services.scheduler import publish, seats

if TYPE_CHECKING:  # admin.scheduling mixes these pages in
    from admin.scheduling import Said


class PublishedSeatPages:
    """Mixed into `ScheduleView`, whose `_on_run` and `_assignment_of_run` these pages
    use."""

    def _scope_shift(self, run: ScheduleRun, shift_id: int) -> Shift:
        shift = scoping.scoped_row(db.session, acting_user(), Shift, shift_id, write=True)
        if shift is None:
            abort(404)
        return shift

    @expose("/run/<int:run_id>/seat/<int:shift_id>/resolve", methods=("POST",))
    def resolve_seat(self, run_id: int, shift_id: int) -> Response:
        def resolve(run: ScheduleRun) -> Said:
            result = seats.resolve_seat(db.session, self._scope_shift(run, shift_id))
            if result.assignment is None:
                return [(_("Nobody eligible is free for this seat; try asking for help."),
                         "warning")]
            return [(_("%(name)s now has the seat and has been asked to confirm.",
                       name=result.assignment.volunteer.name), "success")]

        return self._on_run(run_id, resolve)

    @expose("/run/<int:run_id>/seat/<int:shift_id>/help", methods=("POST",))
    def ask_help(self, run_id: int, shift_id: int) -> Response:
        def ask(run: ScheduleRun) -> Said:
            help_request = seats.ask_for_help(db.session, self._scope_shift(run, shift_id),
                                              user=acting_user())
            if help_request.asked:
                return [(_("Asked %(count)s free volunteers for help.",
                           count=help_request.asked), "success")]
            return [(_("Nobody eligible and free could be asked for help (no one qualifies, "
                       "or no one has contact details)."), "warning")]

        return self._on_run(run_id, ask)

    @expose("/run/<int:run_id>/cancel/<int:assignment_id>", methods=("POST",))
    def cancel(self, run_id: int, assignment_id: int) -> Response:
        def cancel_it(run: ScheduleRun) -> Said:
            assignment = self._assignment_of_run(run, assignment_id)
            if assignment.status not in UPCOMING:
                abort(400)
            publish.cancel_assignment(db.session, assignment)
            return [(_("Assignment cancelled; the volunteer has been told."), "success")]

        return self._on_run(run_id, cancel_it)

    @expose("/run/<int:run_id>/unpublished/remove", methods=("POST",))
    def remove_unpublished(self, run_id: int) -> Response:
        def remove(run: ScheduleRun) -> Said:
            try:
                removed = rota_runs.remove_unpublished(db.session, run)
            except PatrolError as exc:
                return [(str(exc.message), "error")]
            return [(_("%(n)s unpublished patrol inspections removed.", n=removed), "success")]

        return self._on_run(run_id, remove)
