"""Auto-scheduling in the admin: start runs, watch them, review, adjust and publish.

`ScheduleView` is a Flask-Admin `BaseView` (endpoint ``schedule``, URL ``/admin/schedule``):

- ``/``: recent runs and the "Schedule a period" form;
- ``/run/<id>``: a run's page — a live progress bar while it runs (polls ``status.json``, falls
  back to a meta refresh without JavaScript), then coverage, unfilled seats with reasons, load
  per volunteer, the difference from what is published, pin / unpin / remove, manual assignment
  with rule warnings, re-run keeping the pins, publish; after publishing, declined seats with a
  one-click re-solve and "ask for help" (`admin.schedule_seats`);
- ``/overdue``: households whose visits are overdue or were missed (`admin.overdue_visits`).

`AutoScheduleMixin` gives the event list its "Auto-schedule" bulk action. Every page calls a
service; nothing here holds a scheduling rule. Who may use it: the town admin and coordinators
(their own neighbourhoods' runs and events only, through `app.services.scoping`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from admin import access
from admin.overdue_visits import OverdueVisitPages
from admin.protection import ProtectedView, acting_user
from admin.schedule_forms import ActionForm, ManualForm, PeriodForm
from admin.schedule_seats import PublishedSeatPages
from app.enums import Role, RunStatus
from app.extensions import db
from app.i18n import deployment_zone
from app.models import Assignment, Event, Neighbourhood, ScheduleRun, Shift, Skill, Volunteer
from app.services import notify, scoping
from app.services.patrols import rota_builds, rota_runs
from app.services.patrols.log import PatrolError
from app.services.scheduler import drafts, errors, publish, review, runs, seats, text
from app.services.scheduler.run_transactions import run_error_message
from app.services.scheduler.scope import Scope, scope_shifts
from app.sorting import pinyin_key
from app.tasks import patrols as patrol_tasks
from app.tasks import scheduler as scheduler_tasks
from app.transactions import after_commit

#: What a button on a run's page says it did: (message, flash category) pairs.
Said = list[tuple[str, str]]

#: Roles that may run the scheduler (team leads see their team's shifts in the lists only).
SCHEDULER_ROLES = frozenset({Role.admin, Role.coordinator})


def may_schedule() -> bool:
    return (
        current_user.is_authenticated
        and current_user.role in SCHEDULER_ROLES
        and access.READ in access.permissions(current_user.role, "ScheduleRun")
    )


def _enqueue_after_commit(run_id: int) -> None:
    """The consumer must find the run: queue it only once the request has committed."""
    after_commit(db.session, lambda: scheduler_tasks.enqueue_run(run_id))


def start_run_for_events(event_ids: list[int]) -> ScheduleRun | None:
    """Create and queue a run for events the user may change; None (flashed) otherwise."""
    user = acting_user()
    allowed = set(db.session.scalars(scoping.scoped(
        select(Event.id).where(Event.id.in_(event_ids)), user, Event, write=True)))
    if not allowed or len(allowed) != len(set(event_ids)):
        flash(_("You may only schedule events of your own neighbourhoods."), "error")
        return None
    run = runs.create_run(db.session, Scope(event_ids=tuple(sorted(allowed))),
                                   user=user)
    _enqueue_after_commit(run.id)
    return run


class AutoScheduleMixin:
    """Mix into the event list view (before the base class): a bulk action that schedules the
    selected events, offered only to those who may schedule."""

    def is_action_allowed(self, name: str) -> bool:
        if name == "auto_schedule" and not may_schedule():
            return False
        return super().is_action_allowed(name)  # type: ignore[misc]

    @action("auto_schedule", _l("Auto-schedule"),
            _l("Schedule volunteers for the selected events?"))
    def action_auto_schedule(self, ids: list[str]) -> Response | None:
        if not may_schedule():
            abort(403)
        run = start_run_for_events([int(i) for i in ids])
        if run is None:
            return None
        flash(_("Scheduler run #%(id)s started.", id=run.id), "success")
        return redirect(url_for("schedule.run_page", run_id=run.id))


class ScheduleView(PublishedSeatPages, OverdueVisitPages, ProtectedView, BaseView):
    def is_accessible(self) -> bool:
        return may_schedule()

    def is_visible(self) -> bool:
        return may_schedule()

    # -- helpers ---------------------------------------------------------------------------

    def _run_or_404(self, run_id: int, *, write: bool = False) -> ScheduleRun:
        # Town-wide runs (no neighbourhood) are only the town admin's: the row filter says so.
        run = scoping.scoped_row(db.session, acting_user(), ScheduleRun, run_id, write=write)
        if run is None:
            abort(404)
        return run

    def _check_form(self) -> None:
        if not ActionForm(request.form).validate_on_submit():
            abort(400)

    def _neighbourhood_choices(self) -> list[tuple[int, str]]:
        statement = scoping.scoped(select(Neighbourhood).order_by(Neighbourhood.name),
                                   acting_user(), Neighbourhood)
        return [(n.id, n.name) for n in db.session.scalars(statement)]

    def _runs(self) -> list[ScheduleRun]:
        statement = scoping.scoped(
            select(ScheduleRun).order_by(ScheduleRun.id.desc()).limit(30), acting_user(),
            ScheduleRun,
        )
        return list(db.session.scalars(statement))

    # -- pages -----------------------------------------------------------------------------

    @expose("/", methods=("GET", "POST"))
    def index(self) -> Any:
        runs.fail_stale_runs(db.session)
        form = PeriodForm(request.form if request.method == "POST" else None)
        form.neighbourhoods.choices = self._neighbourhood_choices()
        if form.validate_on_submit():
            allowed = {c[0] for c in form.neighbourhoods.choices}
            chosen = [n for n in form.neighbourhoods.data if n in allowed]
            scope = Scope(neighbourhood_ids=tuple(chosen), date_from=form.date_from.data,
                          date_to=form.date_to.data)
            if not scope_shifts(db.session, scope, deployment_zone()):
                flash(_("There are no shifts to schedule in this scope."), "warning")
            else:
                run = runs.create_run(db.session, scope, user=acting_user(),
                                               seconds=form.seconds.data)
                _enqueue_after_commit(run.id)
                flash(_("Scheduler run #%(id)s started.", id=run.id), "success")
                return redirect(url_for(".run_page", run_id=run.id))
        elif request.method == "GET" and form.date_from.data is None:
            form.date_from.data = date.today()
        return self.render("admin/schedule/index.html", form=form, runs=self._runs())

    @expose("/run/<int:run_id>")
    def run_page(self, run_id: int) -> Any:
        runs.fail_stale_runs(db.session)
        run = self._run_or_404(run_id)
        report = review.run_report(db.session, run)
        manual = ManualForm()
        manual.shift.choices = [(s.id, text.shift_label(s, deployment_zone()))
                                for s in report.shifts]
        manual.volunteer.choices = self._volunteer_choices()
        return self.render(
            "admin/schedule/run.html", run=run, report=report, manual=manual,
            sms_logged_only=notify.sms_logged_only(),
            skills=list(db.session.scalars(select(Skill).order_by(Skill.code))),
            action_form=ActionForm(), warnings=[],
            error=run_error_message(run),
            zone=deployment_zone(), label=text.shift_label,
            live=run.status in (RunStatus.queued, RunStatus.running),
            status=review.status_json(run),
        )

    def _volunteer_choices(self, shift: Shift | None = None) -> list[tuple[int, str]]:
        """The user's own volunteers, and for `shift` everyone eligible for it by the
        engine's rules, wherever they live (name and neighbourhood only)."""
        statement = scoping.scoped(
            select(Volunteer).where(Volunteer.active.is_(True))
            .options(joinedload(Volunteer.neighbourhood)),
            acting_user(), Volunteer,
        )
        volunteers = sorted(db.session.scalars(statement), key=lambda v: pinyin_key(v.name))
        choices = [(v.id, f"{v.name} · {v.neighbourhood.name}" if v.neighbourhood else v.name)
                   for v in volunteers]
        if shift is not None:
            own = {c[0] for c in choices}
            choices += [(c.volunteer_id, f"{c.name} · {c.neighbourhood}")
                        for c in seats.hand_candidates(db.session, shift)
                        if c.volunteer_id not in own]
        return choices

    def _own_volunteer(self, volunteer_id: int) -> bool:
        return scoping.scoped_row(db.session, acting_user(), Volunteer, volunteer_id,
                                  write=False) is not None

    def _shift_of_run(self, run: ScheduleRun, shift_id: int | None) -> Shift | None:
        """A shift of the run that the user may change, or None."""
        if shift_id is None or scoping.scoped_row(
                db.session, acting_user(), Shift, shift_id, write=True) is None:
            return None
        return next((s for s in scope_shifts(
            db.session, Scope.from_json(run.scope or {}), deployment_zone()) if s.id == shift_id),
            None)

    @expose("/run/<int:run_id>/hand")
    def hand(self, run_id: int) -> Any:
        """Who could take a seat of one shift of the run, from every neighbourhood, by the
        engine's rules; optionally only those with a skill. Reads only."""
        run = self._run_or_404(run_id, write=True)
        shift = self._shift_of_run(run, request.args.get("shift", type=int))
        if shift is None:
            flash(_("Choose a shift of this run."), "error")
            return self._back(run)
        skills = list(db.session.scalars(select(Skill).order_by(Skill.code)))
        skill_id = request.args.get("skill", type=int)
        skill = next((s for s in skills if s.id == skill_id), None)
        candidates = seats.hand_candidates(db.session, shift,
                                           skill_id=skill.id if skill else None)
        return self.render(
            "admin/schedule/hand.html", run=run, shift=shift, skills=skills, skill=skill,
            candidates=candidates, action_form=ActionForm(),
            shift_label=text.shift_label(shift, deployment_zone()),
            own=scoping.neighbourhood_ids(acting_user()),
        )

    @expose("/run/<int:run_id>/status.json")
    def status(self, run_id: int) -> Response:
        runs.fail_stale_runs(db.session)
        run = self._run_or_404(run_id)
        return jsonify(review.status_json(run))

    # -- actions on a run ----------------------------------------------------------------

    def _back(self, run: ScheduleRun) -> Response:
        return redirect(url_for(".run_page", run_id=run.id))

    def _on_run(self, run_id: int, act: Callable[[ScheduleRun], Said | None]) -> Response:
        """A button on the page of a run the user may change: the CSRF token, the run, `act`
        (a service call that says what it did, if anything), or the refusal said instead;
        then back to the run's page."""
        self._check_form()
        run = self._run_or_404(run_id, write=True)
        try:
            said = act(run) or []
        except errors.RunError as exc:
            said = [(exc.message, "error")]
        for message, category in said:
            flash(message, category)
        return self._back(run)

    def _assignment_of_run(self, run: ScheduleRun, assignment_id: int) -> Assignment:
        assignment = db.session.get(Assignment, assignment_id)
        if assignment is None:
            abort(404)
        report_shift_ids = {s.id for s in scope_shifts(
            db.session, Scope.from_json(run.scope or {}), deployment_zone())}
        if assignment.shift_id not in report_shift_ids:
            abort(404)
        return assignment

    @expose("/run/<int:run_id>/pin/<int:assignment_id>", methods=("POST",))
    def pin(self, run_id: int, assignment_id: int) -> Response:
        def toggle(run: ScheduleRun) -> None:
            assignment = self._assignment_of_run(run, assignment_id)
            drafts.set_pinned(db.session, assignment, not assignment.pinned)

        return self._on_run(run_id, toggle)

    @expose("/run/<int:run_id>/remove/<int:assignment_id>", methods=("POST",))
    def remove(self, run_id: int, assignment_id: int) -> Response:
        return self._on_run(run_id, lambda run: drafts.remove_draft(
            db.session, self._assignment_of_run(run, assignment_id)))

    @expose("/run/<int:run_id>/assign", methods=("POST",))
    def assign(self, run_id: int) -> Any:
        run = self._run_or_404(run_id, write=True)
        form = ManualForm(request.form)
        report = review.run_report(db.session, run)
        form.shift.choices = [(s.id, text.shift_label(s, deployment_zone()))
                              for s in report.shifts]
        chosen = next((s for s in report.shifts
                       if str(s.id) == request.form.get("shift", "")), None)
        form.volunteer.choices = self._volunteer_choices(chosen)
        if not form.validate_on_submit():
            flash(_("Choose a shift and a volunteer."), "error")
            return self._back(run)
        shift = db.session.get(Shift, form.shift.data)
        volunteer = db.session.get(Volunteer, form.volunteer.data)
        if shift is None or volunteer is None:
            abort(404)
        try:
            assignment, warnings = drafts.manual_assign(
                db.session, run, shift, volunteer,
                force=form.force.data and self._own_volunteer(volunteer.id))
        except errors.RunError as exc:
            flash(exc.message, "error")
            return self._back(run)
        if assignment is None and not self._own_volunteer(volunteer.id):
            # Someone from elsewhere is offered only when eligible; their week is not ours
            # to show.
            flash(_("%(name)s can no longer take this shift.", name=volunteer.name), "error")
            return self._back(run)
        if assignment is None:
            # Show the rules it breaks and offer to assign anyway.
            form.force.data = True
            return self.render(
                "admin/schedule/run.html", run=run, report=report, manual=form,
                sms_logged_only=notify.sms_logged_only(),
                skills=list(db.session.scalars(select(Skill).order_by(Skill.code))),
                action_form=ActionForm(), warnings=warnings,
                error=run_error_message(run), zone=deployment_zone(),
                label=text.shift_label, live=False,
            )
        if warnings:
            flash(_("Assigned although: %(rules)s", rules=" ".join(w.message for w in warnings)),
                  "warning")
        else:
            flash(_("%(name)s assigned (pinned).", name=volunteer.name), "success")
        return self._back(run)

    @expose("/run/<int:run_id>/rerun", methods=("POST",))
    def rerun(self, run_id: int) -> Response:
        self._check_form()
        run = self._run_or_404(run_id, write=True)
        rota_run = rota_runs.is_rota(run)
        replanned = rota_run and run.status == RunStatus.succeeded
        try:
            if rota_run:  # its own task, on the proposal's own inspections
                rota_builds.requeue_rota(db.session, run)
            else:
                runs.restart_run(db.session, run)
        except (errors.RunError, PatrolError) as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
            return self._back(run)
        run_id = run.id
        if rota_run:
            after_commit(db.session, lambda: patrol_tasks.enqueue_rota(run_id))
            flash(_("The rota is being planned again; pinned members are kept.") if replanned
                  else _("The rota is being built again."), "success")
        else:
            _enqueue_after_commit(run_id)
            flash(_("The run starts again; pinned assignments are kept."), "success")
        return self._back(run)

    @expose("/run/<int:run_id>/publish", methods=("POST",))
    def publish(self, run_id: int) -> Response:
        def publish_it(run: ScheduleRun) -> Said:
            result = publish.publish_run(db.session, run)
            messages = result.messages
            said = [(_("Published %(count)s assignments. Messages queued: %(email)s by e-mail, "
                       "%(sms)s by SMS; the delivery of each is shown below.",
                       count=result.published, email=messages.email, sms=messages.sms),
                     "success")]
            if messages.unreachable:
                said.append((_("%(n)s volunteers have neither an e-mail address nor a mobile "
                               "number and were not told: please call them.",
                               n=messages.unreachable), "warning"))
            if result.events_published:
                said.append((_("%(n)s events were drafts and are now published.",
                               n=result.events_published), "info"))
            if result.inspections_held:
                said.append((_("%(n)s patrol inspections had fewer than two members and were "
                               "not published (%(withdrawn)s lone members' proposals "
                               "withdrawn).", n=result.inspections_held,
                               withdrawn=result.proposals_withdrawn), "warning"))
            return said

        return self._on_run(run_id, publish_it)

    @expose("/run/<int:run_id>/discard", methods=("POST",))
    def discard(self, run_id: int) -> Response:
        def discard_it(run: ScheduleRun) -> Said:
            discarded = runs.discard_run(db.session, run)
            if rota_runs.is_rota(run):
                said = [(_("Rota discarded: %(events)s draft patrol inspections and %(drafts)s "
                           "draft assignments removed.", events=discarded.events,
                           drafts=discarded.drafts), "success")]
            else:
                said = [(_("Run discarded: %(drafts)s draft assignments removed.",
                           drafts=discarded.drafts), "success")]
            if discarded.events_kept:
                said.append((_("%(n)s of its patrol inspections were kept: someone signed up, "
                               "attended, was asked for help or inspected the site at that "
                               "time.", n=discarded.events_kept), "warning"))
            return said

        return self._on_run(run_id, discard_it)
