"""Residents' requests in the admin: the list (own neighbourhoods only), entering a call,
correcting the routing, and the notice-board actions; the handling page, where each step of
the workflow is taken, is `admin.views.request_handling`. The state is never edited directly:
only the steps `app.services.requests` allows, each recorded in the request's history."""

from __future__ import annotations

from typing import Any

from flask import flash, g
from flask_admin.actions import action
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect
from sqlalchemy.orm import joinedload, selectinload
from wtforms.validators import ValidationError

from admin.base import LinliModelView
from admin.filters import FollowUpDueFilter, enum_filters, local_date_filters
from admin.protection import acting_user
from admin.views.request_council import RequestCouncilPages
from admin.views.request_follow_up import RequestFollowUpPages
from admin.views.request_forms import (
    due,
    excerpt,
    follow_up_due,
    history,
    history_text,
    household,
    member,
    phone,
    visit,
)
from admin.views.request_handling import RequestHandlingPages
from admin.views.request_photos import RequestPhotoPages
from admin.views.request_routing import RequestRoutingPages, say_whether_told
from app.enums import (
    RequestCategory,
    RequestChannel,
    RequestStatus,
    Role,
)
from app.extensions import db
from app.i18n import deployment_zone, localised
from app.models import Department, ResidentRequest
from app.services import requests as requests_service
from app.services.requests import recategorising
from app.services.requests.board import clean_board_text, people_named
from app.services.requests.levels import department_levels


class ResidentRequestView(RequestHandlingPages, RequestCouncilPages, RequestPhotoPages,
                          RequestRoutingPages, RequestFollowUpPages, LinliModelView):
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
        "level": _l("Handled at"), "level.name": _l("Handled at"), "due_at": _l("Due by"),
        "household": _l("Household"),
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
        "level.name",
        *local_date_filters(ResidentRequest.received_at, _l("Received at")),
        *local_date_filters(ResidentRequest.posted_at, _l("On the notice board since")),
        FollowUpDueFilter(ResidentRequest.follow_up_due_on, _l("Follow-up contact")),
    ]
    column_default_sort = ("received_at", True)
    list_load_options = (joinedload(ResidentRequest.neighbourhood),
                         joinedload(ResidentRequest.service_group),
                         joinedload(ResidentRequest.level),
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
            if name in form:  # routed by the rules or the patch; posted once resolved
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
        category = inspect(model).attrs.category.history
        previous = category.deleted[0] if not is_created and category.has_changes() else None
        super().on_model_change(form, model, is_created)
        g.recategorised = None
        try:
            requests_service.check_routing(db.session, model)
            if model.posted_at is not None or model.board_title or model.result:
                clean_board_text(model.board_title or "", model.result or "",
                                 people_named(db.session, model))
            if model.posted_at is not None and not (model.board_title and model.result):
                raise requests_service.RequestError(
                    "invalid", _l("A posted entry needs its title and result."), "result")
            if previous is not None:
                g.recategorised = recategorising.recategorised(
                    db.session, model, RequestCategory(previous), user=acting_user(),
                    zone=deployment_zone())
        except requests_service.RequestError as error:
            raise ValidationError(str(error.message)) from error

    def after_model_change(self, form: Any, model: ResidentRequest, is_created: bool) -> None:
        """Say where routing the request again under its new category took it (committed)."""
        done = g.pop("recategorised", None)
        if done is not None and done.rerouted is not None:
            flash(gettext("Under its new category, request %(code)s goes to %(group)s.",
                          code=model.reference_code, group=done.rerouted.change.to_group.name),
                  "success")
            say_whether_told(done.rerouted.told)
        elif done is not None and done.escalation is not None:
            department = done.escalation.department
            flash(gettext("Under its new category, request %(code)s is passed on to "
                          "%(department)s.", code=model.reference_code,
                          department=localised(department.name, department.name_en)),
                  "success")

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


class DepartmentView(LinliModelView):
    """The departments requests are escalated to, each at a level of the linkage handled by
    departments (the town's, the district's…): kept by the town admin, read by everybody
    with the admin (to choose one). A department with history is made inactive rather than
    deleted (the database refuses deleting it)."""

    column_list = ["name", "name_en", "level", "active"]
    column_searchable_list = ["name", "name_en"]
    column_filters = ["level.name", "active"]
    column_default_sort = "name"
    column_labels = {"level": _l("Level"), "level.name": _l("Level")}
    list_load_options = (joinedload(Department.level),)
    form_columns = ["name", "name_en", "level", "active"]
    form_args = {"level": {"query_factory": lambda: department_levels(db.session)}}
