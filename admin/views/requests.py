"""Residents' requests in the admin: the list (own neighbourhoods only), entering a call,
correcting the routing, and the handling page where each step of the workflow is taken with
what was said to the resident. The state is never edited directly: only the steps
`app.services.requests` allows, each recorded in the request's history."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms.validators import ValidationError

from admin import access
from admin.base import LinliModelView, acting_user
from admin.filters import FollowUpDueFilter, enum_filters, local_date_filters
from admin.views.request_council import RequestCouncilPages
from admin.views.request_follow_up import RequestFollowUpPages
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
    due,
    excerpt,
    follow_up_due,
    history,
    history_rows,
    history_text,
    household,
    member,
    phone,
    visit,
)
from admin.views.request_photos import RequestPhotoPages
from admin.views.request_routing import RequestRoutingPages
from app.enums import (
    OPEN_REQUEST,
    EscalationLevel,
    PhotoStage,
    RequestCategory,
    RequestChannel,
    RequestStatus,
    Role,
)
from app.extensions import db
from app.i18n import deployment_zone
from app.ids import parse_id
from app.models import Department, ResidentRequest, utcnow
from app.services import requests as requests_service
from app.services import scoping
from app.services.requests import deadlines, follow_up, photos
from app.services.requests.board import clean_board_text, on_postable_path
from app.services.requests.escalation import departments_for, escalate, higher_levels
from app.services.requests.workflow import step_label

#: While the work is being done, or once it is, a photo the committee adds is most likely the
#: result: the upload form suggests "after" then (the coordinator can still choose).
WORK_DONE_OR_UNDER_WAY = (RequestStatus.improving, RequestStatus.resolved)


class ResidentRequestView(RequestCouncilPages, RequestPhotoPages, RequestRoutingPages,
                          RequestFollowUpPages, LinliModelView):
    column_list = ["reference_code", "received_at", "neighbourhood", "category", "status",
                   "place", "text", "service_group", "level", "department", "due_at",
                   "household", "volunteer", "visit", "follow_up_due_on"]
    column_details_list = ["reference_code", "status", "received_at", "neighbourhood",
                           "category", "channel", "text", "place", "building", "service_group",
                           "level", "department", "name", "phone", "email", "household",
                           "volunteer", "visit", "due_at", "resolved_at", "follow_up_due_on",
                           "board_title", "result", "posted_at", "merged_into", "me_too",
                           "history"]
    column_export_list = ["reference_code", "received_at", "neighbourhood", "category",
                          "channel", "status", "place", "text", "service_group", "due_at",
                          "resolved_at", "history"]
    column_labels = {
        "reference_code": _l("Request code"), "received_at": _l("Received at"),
        "category": _l("Category"), "status": _l("State"), "place": _l("Place"),
        "text": _l("Request"), "service_group": _l("Service group"),
        "channel": _l("Came in by"), "building": _l("Building"), "name": _l("Name"),
        "phone": _l("Phone"), "email": _l("E-mail"), "resolved_at": _l("Resolved at"),
        "history": _l("History"), "board_title": _l("Title on the notice board"),
        "result": _l("Result for the notice board"), "posted_at": _l("On the notice board since"),
        "merged_into": _l("Merged into"), "me_too": _l("“Me too” on the public form"),
        "level": _l("Handled at"), "due_at": _l("Due by"), "household": _l("Household"),
        "volunteer": _l("Filed by"), "visit": _l("Raised on the visit"),
        "follow_up_due_on": _l("Follow-up contact"),
    }
    column_formatters = {"text": excerpt, "phone": phone, "history": history, "due_at": due,
                         "household": household, "volunteer": member, "visit": visit,
                         "follow_up_due_on": follow_up_due}
    column_formatters_detail = {"phone": phone, "history": history, "due_at": due,
                                "household": household, "volunteer": member, "visit": visit,
                                "follow_up_due_on": follow_up_due}
    column_formatters_export = {"history": history_text}
    column_searchable_list = ["reference_code", "text", "place"]
    column_filters = [
        *enum_filters(ResidentRequest.status, _l("State"), RequestStatus),
        *enum_filters(ResidentRequest.category, _l("Category"), RequestCategory),
        *enum_filters(ResidentRequest.channel, _l("Came in by"), RequestChannel),
        *enum_filters(ResidentRequest.level, _l("Handled at"), EscalationLevel),
        *local_date_filters(ResidentRequest.received_at, _l("Received at")),
        *local_date_filters(ResidentRequest.posted_at, _l("On the notice board since")),
        FollowUpDueFilter(ResidentRequest.follow_up_due_on, _l("Follow-up contact")),
    ]
    column_default_sort = ("received_at", True)
    list_load_options = (joinedload(ResidentRequest.neighbourhood),
                         joinedload(ResidentRequest.service_group),
                         joinedload(ResidentRequest.department),
                         joinedload(ResidentRequest.household),
                         joinedload(ResidentRequest.volunteer),
                         joinedload(ResidentRequest.visit),
                         selectinload(ResidentRequest.changes))
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-forward", ".handle_view", title=_l("Handle")),
    ]
    form_columns = ["neighbourhood", "category", "channel", "text", "place", "building",
                    "service_group", "name", "phone", "email", "board_title", "result"]
    form_args = {"text": {"label": _l("Request")}, "place": {"label": _l("Place")}}
    #: After creation the resident's own words and contact stay as given; the service group
    #: changes only by re-routing on the handling page, with a reason in the history.
    edit_columns = ("category", "place", "building", "board_title", "result")
    #: Routing within the neighbourhood is the committee's, not a department's.
    role_excluded_fields = {Role.department: ("category", "place", "building",
                                              "service_group")}

    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        for name in [field.name for field in form]:
            if name not in self.edit_columns and name != "csrf_token":
                del form[name]
        return form

    def create_form(self, obj: Any = None) -> Any:
        form = super().create_form(obj)
        for name in ("service_group", "board_title", "result"):
            if name in form:  # routed from the building's patch; posted once resolved
                del form[name]
        if "channel" in form and not form.channel.data:
            form.channel.data = RequestChannel.call.value
        return form

    def create_model(self, form: Any) -> Any:
        """A coordinator enters a call: the same checks as the residents' form."""
        neighbourhood = form.neighbourhood.data
        building = form.building.data
        data = requests_service.RequestInput(
            neighbourhood_id=neighbourhood.id if neighbourhood else None,
            category=form.category.data, text=form.text.data, place=form.place.data,
            name=form.name.data, phone=form.phone.data, email=form.email.data,
            building_id=building.id if building else None)
        try:
            channel = RequestChannel(form.channel.data or RequestChannel.call)
            created = requests_service.create_request(db.session, data, channel=channel,
                                                      user=acting_user())
            self._check_writable(created)
        except (requests_service.RequestInvalid, ValidationError) as error:
            db.session.rollback()
            for field, message in getattr(error, "errors", {}).items():
                if field in form:
                    form[field].errors = [*form[field].errors, str(message)]
            flash(str(getattr(error, "message", error)), "error")
            return False
        db.session.commit()
        flash(gettext("Request %(code)s recorded.", code=created.reference_code), "success")
        return created

    def on_model_change(self, form: Any, model: ResidentRequest, is_created: bool) -> None:
        # Read before the base class's checks query (and so flush) the session.
        recategorised = not is_created and inspect(model).attrs.category.history.has_changes()
        super().on_model_change(form, model, is_created)
        if recategorised:
            deadlines.recategorised(db.session, model, deployment_zone())
        try:
            requests_service.check_routing(db.session, model)
            if model.posted_at is not None or model.board_title or model.result:
                clean_board_text(model.board_title or "", model.result or "")
            if model.posted_at is not None and not (model.board_title and model.result):
                raise requests_service.RequestError(
                    "invalid", _l("A posted entry needs its title and result."), "result")
        except requests_service.RequestError as error:
            raise ValidationError(str(error.message)) from error

    @action("post_board", _l("Post on the notice board"),
            _l("Post the selected resolved requests' results on their notice boards?"))
    def action_post_board(self, ids: list[str]) -> None:
        posted, refused = 0, []
        for row in self.writable_rows(ids):
            try:
                if requests_service.post(db.session, row, row.board_title, row.result):
                    posted += 1
                else:
                    refused.append(row.reference_code)
            except requests_service.RequestError:
                refused.append(row.reference_code)
        db.session.commit()
        flash(gettext("%(n)s posted on the notice board.", n=posted), "success")
        if refused:
            flash(gettext("Not posted (not a resolved improvement or council decision, or "
                          "without a title and result): %(codes)s",
                          codes="、".join(refused)), "error")

    @action("take_down", _l("Take off the notice board"),
            _l("Take the selected requests off their notice boards?"))
    def action_take_down(self, ids: list[str]) -> None:
        count = 0
        for row in self.writable_rows(ids):
            if row.posted_at is not None:
                requests_service.take_down(db.session, row)
                count += 1
        db.session.commit()
        flash(gettext("%(n)s taken off the notice board.", n=count), "success")

    # -- the workflow ----------------------------------------------------------------------

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
        levels = higher_levels(row.level)
        if acting_user().role == Role.department:
            levels = tuple(level for level in levels if level == EscalationLevel.district)
        form.level.choices = [(level.value, str(level.label)) for level in levels]
        form.department.choices = [("", "—")] + [
            (str(d.id), f"{d} · {d.level.label}") for d in departments_for(db.session)
            if d.level in levels]
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
            db.session.rollback()
            row = self._writable_or_404(request.args.get("id"))
            flash(str(error.message), "error")
            return self._render_handle(row, self._step_form(row), error.status,
                                       escalate_form=self._escalate_form(row, request.form))
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
            db.session.rollback()
            row = self._writable_or_404(request.args.get("id"))
            kept = self._merge_form(row, request.form)
            kept.expected.data = row.status.value
            flash(str(error.message), "error")
            return self._render_handle(row, self._step_form(row), error.status,
                                       merge_form=kept)
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
                attended=request.form.getlist("attended"),
                follow_up_on=form.follow_up_on.data)
        except requests_service.RequestError as error:
            db.session.rollback()
            row = self._writable_or_404(request.args.get("id"))
            kept = self._step_form(row, request.form)
            kept.expected.data = row.status.value
            flash(str(error.message), "error")
            return self._render_handle(row, kept, error.status)
        db.session.commit()
        flash(gettext("Request %(code)s is now: %(state)s.", code=row.reference_code,
                      state=change.to_status.label), "success")
        return redirect(url_for(".handle_view", id=row.id))



class DepartmentView(LinliModelView):
    """The town's and the district's departments requests are escalated to: kept by the town
    admin, read by everybody with the admin (to choose one). A department with history is
    made inactive rather than deleted (the database refuses deleting it)."""

    column_list = ["name", "name_en", "level", "active"]
    column_searchable_list = ["name", "name_en"]
    column_filters = [*enum_filters(Department.level, _l("Level"), EscalationLevel), "active"]
    column_default_sort = "name"
    column_labels = {"level": _l("Level")}
    form_columns = ["name", "name_en", "level", "active"]
