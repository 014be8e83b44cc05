"""The handling page of a resident's request: each step of the workflow taken with what was
said to the resident, passing it up the linkage, and merging it into another request of the
same matter. The state is never edited directly: only the steps `app.services.requests`
allows, each recorded in the request's history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from admin import access
from admin.protection import acting_user
from admin.views.request_forms import (
    EscalateForm,
    FollowUpForm,
    InviteForm,
    MeetingForm,
    MergeForm,
    PhotoStageForm,
    PublishPhotoForm,
    RequestPhotoForm,
    RerouteForm,
    StepForm,
    history_rows,
    phone,
    typed_vote,
    vote_rows,
)
from app.enums import OPEN_REQUEST, PhotoStage, RequestStatus, Role
from app.extensions import db
from app.i18n import deployment_zone
from app.ids import parse_id
from app.models import Department, ResidentRequest, utcnow
from app.services import requests as requests_service
from app.services import scoping
from app.services.requests import follow_up, photos
from app.services.requests.board import on_postable_path
from app.services.requests.escalation import departments_for, escalate, offered_levels
from app.services.requests.workflow import step_label

#: While the work is being done, or once it is, a photo the committee adds is most likely the
#: result: the upload form suggests "after" then (the coordinator can still choose).
WORK_DONE_OR_UNDER_WAY = (RequestStatus.improving, RequestStatus.resolved)


def expecting(form: Any, now: str) -> Any:
    """A form sent again after a refusal, expecting what the request holds `now`: sending it
    again acts on what the user sees, not on what was changed meanwhile."""
    form.expected.data = now
    return form


class RequestHandlingPages:
    """Mixed into `ResidentRequestView`; the council, photo, routing and follow-up pages use
    its `_writable_or_404`, `_refused` and `_render_handle`."""

    def _writable_or_404(self, pk: Any) -> ResidentRequest:
        """The row the user may change (a department: one it holds now), else 403/404."""
        if access.EDIT not in self._permissions():
            abort(403)
        number = parse_id(pk)
        row = None if number is None else scoping.scoped_row(
            db.session, acting_user(), ResidentRequest, number, write=True)
        if row is None:
            abort(404)
        return row

    def _refused(self, error: requests_service.RequestError,
                 **posted: Callable[[ResidentRequest], Any]) -> Any:
        """The handling page again with the refusal: nothing of the attempt is kept, the row
        is read afresh, and each form that was sent is shown as typed, `posted[name](row)`
        building the one `_render_handle` takes as `name` (`form`: the step form)."""
        db.session.rollback()
        row = self._writable_or_404(request.args.get("id"))
        forms = {name: build(row) for name, build in posted.items()}
        flash(str(error.message), "error")
        step_form = forms.pop("form") if "form" in forms else self._step_form(row)
        return self._render_handle(row, step_form, error.status, **forms)

    def _step_form(self, row: ResidentRequest, formdata: Any = None) -> StepForm:
        form = StepForm(formdata)
        form.status.choices = [(s.value, str(step_label(s, row.status)))
                               for s in requests_service.allowed_steps(row.status)]
        if formdata is None:
            form.expected.data = row.status.value
            # Resolved again after reopening: the entry as it was posted, to correct.
            form.board_title.data, form.result.data = row.board_title, row.result
            form.follow_up_on.data = follow_up.default_day(
                utcnow().astimezone(deployment_zone()).date())
        return form

    def _escalate_form(self, row: ResidentRequest, formdata: Any = None) -> EscalateForm:
        form = EscalateForm(formdata)
        levels = offered_levels(db.session, row, acting_user())
        form.level.choices = [(str(level.id), level.label) for level in levels]
        form.department.choices = [("", "—")] + [
            (str(d.id), f"{d} · {d.level.label}")
            for d in departments_for(db.session, [level for level in levels
                                                  if level.by_department])]
        return form

    @expose("/escalate/", methods=["POST"])
    def escalate_view(self) -> Any:
        """Pass the request up the linkage, saying why."""
        row = self._writable_or_404(request.args.get("id"))
        form = self._escalate_form(row, request.form)
        if not form.validate():
            abort(400)  # the CSRF token is missing or wrong
        number = parse_id(form.department.data)
        department = db.session.get(Department, number) if number is not None else None
        try:
            step = escalate(db.session, row, form.level.data or "", user=acting_user(),
                            reason=form.reason.data, department=department)
        except requests_service.RequestError as error:
            return self._refused(error, escalate_form=lambda row: self._escalate_form(
                row, request.form))
        db.session.commit()
        flash(gettext("Request %(code)s is passed on to %(to)s.", code=row.reference_code,
                      to=step.department or step.to_level.label), "success")
        if scoping.allows_row(db.session, acting_user(), ResidentRequest, row.id, write=True):
            return redirect(url_for(".handle_view", id=row.id))
        return redirect(url_for(".details_view", id=row.id))

    def _merge_form(self, row: ResidentRequest, formdata: Any = None) -> MergeForm:
        form = MergeForm(formdata)
        if formdata is None:
            form.expected.data = row.status.value
        return form

    def _render_handle(self, row: ResidentRequest, form: StepForm, status: int = 200,
                       meeting_form: MeetingForm | None = None,
                       invite_form: InviteForm | None = None,
                       merge_form: MergeForm | None = None,
                       escalate_form: EscalateForm | None = None,
                       reroute_form: RerouteForm | None = None,
                       follow_up_form: FollowUpForm | None = None) -> Any:
        similar = []
        if row.status in OPEN_REQUEST:
            similar = [candidate for candidate in requests_service.similar_open(
                db.session, neighbourhood_id=row.neighbourhood_id, building_id=row.building_id,
                text=row.text, exclude_id=row.id)
                if scoping.allows_row(db.session, acting_user(), ResidentRequest, candidate.id,
                                      write=True)]
        # Resolving it next posts it: the title and result are asked for (and required).
        show_board = (RequestStatus.resolved in requests_service.allowed_steps(row.status)
                      and on_postable_path(db.session, row))
        body = self.render("admin/requests/handle.html", row=row, form=form,
                           escalate_form=escalate_form or self._escalate_form(row),
                           meeting_form=meeting_form or MeetingForm(),
                           invite_form=invite_form or InviteForm(),
                           merge_form=merge_form or self._merge_form(row),
                           reroute_form=reroute_form or self._reroute_form(row),
                           follow_up_form=follow_up_form or FollowUpForm(),
                           follow_up_visit=follow_up.planned_visit(db.session, row),
                           follow_up_open=row.follow_up_due_on is not None
                           and row.follow_up_done_at is None
                           and acting_user().role != Role.department,
                           may_reroute=row.status in OPEN_REQUEST
                           and acting_user().role != Role.department,
                           similar=similar, open_states=OPEN_REQUEST,
                           photo_form=RequestPhotoForm(stage=(
                               PhotoStage.after.value if row.status in WORK_DONE_OR_UNDER_WAY
                               else PhotoStage.before.value)),
                           stage_form=PhotoStageForm(), publish_form=PublishPhotoForm(),
                           handled_photos=photos.handled_photos(row),
                           max_photos=photos.MAX_PHOTOS, may_change=True,
                           may_merge=row.status in OPEN_REQUEST
                           and acting_user().role != Role.department,
                           residents=1 + row.me_too + len(row.merged),
                           meeting=row.council_event,
                           invited=requests_service.attendees(db.session, row.council_event_id),
                           ticked=request.form.getlist("attended") if request.method == "POST"
                           else None,
                           vote=vote_rows(request.form if request.method == "POST" else None),
                           show_board=show_board, statuses=RequestStatus,
                           history=history_rows(row), next_step=requests_service.next_step(row),
                           phone=phone(self, None, row, "phone"),
                           list_url=self.get_url(".index_view"),
                           details_url=self.get_url(".details_view", id=row.id))
        return body, status

    @expose("/merge/", methods=["POST"])
    def merge_view(self) -> Any:
        """Merge this request into another open one of the same matter (by its code)."""
        if acting_user().role == Role.department:
            abort(403)  # merging is the neighbourhood committee's
        row = self._writable_or_404(request.args.get("id"))
        form = MergeForm(request.form)
        if not form.validate():
            abort(400)  # the CSRF token is missing or wrong
        code = (form.into.data or "").strip().upper()
        into = db.session.scalars(scoping.scoped(
            select(ResidentRequest).where(ResidentRequest.reference_code == code),
            acting_user(), ResidentRequest, write=True)).first() if code else None
        try:
            if into is None:
                raise requests_service.RequestError("invalid", _l(
                    "No open request of your neighbourhoods has the code “%(code)s”.",
                    code=code), "into")
            requests_service.merge(db.session, row, into, user=acting_user(),
                                   note=form.note.data, expected=form.expected.data or None)
        except requests_service.RequestError as error:
            return self._refused(error, merge_form=lambda row: expecting(
                self._merge_form(row, request.form), row.status.value))
        db.session.commit()
        flash(gettext("Request %(code)s is merged into %(into)s: its raiser is told the "
                      "outcome of %(into)s.", code=row.reference_code,
                      into=into.reference_code), "success")
        return redirect(url_for(".handle_view", id=into.id))

    @expose("/handle/", methods=["GET", "POST"])
    def handle_view(self) -> Any:
        row = self._writable_or_404(request.args.get("id"))
        if request.method == "GET":
            return self._render_handle(row, self._step_form(row))
        form = self._step_form(row, request.form)
        if not form.validate():
            if set(form.errors) != {"follow_up_on"}:
                abort(400)  # the CSRF token is missing or wrong
            db.session.rollback()
            flash(gettext("Give the follow-up day as a date, or leave it empty for %(n)s days "
                          "from today.", n=follow_up.DEFAULT_DAYS), "error")
            return self._render_handle(row, form, 422)
        try:
            change = requests_service.change_status(
                db.session, row, form.status.data or "", user=acting_user(),
                note=form.note.data, expected=form.expected.data or None,
                board_title=form.board_title.data, result=form.result.data,
                council_decision=form.council_decision.data,
                attended=request.form.getlist("attended"), vote=typed_vote(request.form),
                follow_up_on=form.follow_up_on.data)
        except requests_service.RequestError as error:
            return self._refused(error, form=lambda row: expecting(
                self._step_form(row, request.form), row.status.value))
        db.session.commit()
        flash(gettext("Request %(code)s is now: %(state)s.", code=row.reference_code,
                      state=change.to_status.label), "success")
        return redirect(url_for(".handle_view", id=row.id))
