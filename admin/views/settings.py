"""Settings: neighbourhoods, users, skills, policies, care packages and event templates."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from admin import access
from admin.base import LinliModelView
from admin.fields import WriteOnlyPasswordField
from admin.filters import enum_filters
from admin.model_forms import scoped_query
from admin.views.common import LOCALE_CHOICES, locale_formatter
from admin.views.events import refuse_public_private_event
from app.enums import EventKind, Role
from app.extensions import db
from app.i18n import deployment_zone
from app.models import EventTemplate, Neighbourhood, TemplateItem, User
from app.services.accounts import AccountError, create_user, set_password
from app.services.templates import TemplateError, stamp_event
from app.services.text_input import normalise_contact_phone


class NeighbourhoodView(LinliModelView):
    """Neighbourhoods. A coordinator keeps only their committee's duty phone up to date (the
    number printed on package cards); the rest is the town admin's."""

    column_list = ["town", "name", "name_en", "duty_phone"]
    column_searchable_list = ["town", "name", "name_en"]
    column_default_sort = "name"
    form_columns = ["town", "name", "name_en", "x_km", "y_km", "duty_phone"]
    column_labels = {"duty_phone": _l("Duty phone")}
    column_descriptions = {"duty_phone": _l(
        "The committee's phone that elderly people are given to call (printed on the service "
        "package cards), e.g. 021-58881234.")}
    role_excluded_fields = {Role.coordinator: ("town", "name", "name_en", "x_km", "y_km")}
    form_args = {"duty_phone": {"validators": [Optional()], "filters": [
        lambda value: value.strip() if isinstance(value, str) else value]}}

    def on_model_change(self, form: Any, model: Neighbourhood, is_created: bool) -> None:
        try:
            model.duty_phone = normalise_contact_phone(model.duty_phone)
        except ValueError as error:
            raise ValidationError(str(error)) from error
        super().on_model_change(form, model, is_created)


class UserView(LinliModelView):
    """Accounts. The password hash is never shown, exported or edited; passwords go through
    `app.services.accounts` (hashing, length rules, ending old sessions)."""

    column_list = ["username", "display_name", "role", "active", "neighbourhoods", "teams",
                   "department", "last_login_at"]
    column_details_list = ["username", "display_name", "email", "role", "active", "locale",
                           "neighbourhoods", "teams", "volunteer", "last_login_at",
                           "created_at"]
    column_export_list = ["id", "username", "display_name", "email", "role", "active",
                          "neighbourhoods", "teams", "last_login_at"]
    column_searchable_list = ["username", "display_name", "email"]
    column_filters = [*enum_filters(User.role, _l("Role"), Role), "active"]
    column_default_sort = "username"
    column_formatters_detail = {"locale": locale_formatter}
    list_load_options = (selectinload(User.neighbourhoods), selectinload(User.teams))
    form_columns = ["username", "display_name", "email", "role", "active", "locale",
                    "neighbourhoods", "teams", "department", "volunteer", "password"]
    form_overrides = {"locale": SelectField}
    form_args = {"locale": {"choices": [SelectChoice("", "—"), *LOCALE_CHOICES],
                            "validators": [Optional()]}}
    form_extra_fields = {
        "password": WriteOnlyPasswordField(
            _l("Password"),
            description=_l("Required for a new account; leave empty to keep the current one."),
        ),
    }

    def create_model(self, form: Any) -> Any:
        try:
            user = create_user(
                db.session,
                username=form.username.data or "",
                password=form.password.data or "",
                role=Role(form.role.data),
                display_name=form.display_name.data or None,
                email=form.email.data or None,
                neighbourhoods=list(form.neighbourhoods.data or []),
                teams=list(form.teams.data or []),
                department=form.department.data,
            )
            user.active = bool(form.active.data)
            user.locale = form.locale.data or None
            user.volunteer = form.volunteer.data
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            flash(str(error), "error")
            return False
        self.after_model_change(form, user, True)
        return user

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        super().on_model_change(form, model, is_created)
        if model.role == Role.department and model.department is None:
            raise ValidationError(gettext("A department handler needs their department."))
        if form.password.data:
            try:
                set_password(db.session, model, form.password.data)
            except AccountError as error:
                raise ValidationError(str(error)) from error


class SkillView(LinliModelView):
    column_list = ["code", "name_zh", "name_en", "active", "requires_qualification"]
    column_labels = {"requires_qualification": _l("Needs a licence")}
    column_descriptions = {"requires_qualification": _l(
        "Only volunteers with a valid qualification (People → Qualifications) may be given "
        "shifts that need it.")}
    column_searchable_list = ["code", "name_zh", "name_en"]
    column_filters = ["active", "requires_qualification"]
    column_default_sort = "code"


class VisitPolicyView(LinliModelView):
    column_list = ["category", "interval_days", "preferred_kind"]
    column_default_sort = "interval_days"


class RequestDeadlineView(LinliModelView):
    """Per category of residents' requests, the working days to resolve one: the town admin's;
    a coordinator reads them. A new or re-categorised request takes its due date from here."""

    column_list = ["category", "working_days"]
    column_default_sort = "working_days"
    form_columns = ["category", "working_days"]
    column_labels = {"category": _l("Category"), "working_days": _l("Working days to resolve")}
    column_descriptions = {"working_days": _l(
        "Counted from the day after a request comes in, on the public holiday calendar "
        "(weekends and holidays off, make-up days worked). An open request past it is overdue. "
        "A change applies to requests that come in or change category afterwards.")}
    form_args = {"working_days": {"validators": [InputRequired(), NumberRange(min=1, max=250)]}}


class StampForm(FlaskForm):
    day = DateField(_l("Date"), validators=[InputRequired()])
    neighbourhood = SelectField(_l("Neighbourhood"), coerce=int, validators=[InputRequired()])


class EventTemplateView(LinliModelView):
    """Templates (a Lei Feng service day, a four-session course) and the stamping action."""

    column_list = ["name", "kind", "title", "start_time", "is_public", "capacity"]
    column_details_list = ["name", "kind", "title", "description", "place", "start_time",
                           "is_public", "capacity", "waitlist_enabled", "max_party_size",
                           "registration_opens_days_before", "completion_sessions", "items"]
    column_searchable_list = ["name", "title"]
    column_filters = [*enum_filters(EventTemplate.kind, _l("Kind"), EventKind)]
    column_default_sort = "name"
    form_excluded_columns = ["created_at", "updated_at"]
    inline_models = [(TemplateItem, {})]

    form_args = {"completion_sessions": {"description": _l(
        "Leave empty for an ordinary event. Set, each event made from the template is a "
        "course: residents sign up once for all its sessions (the items' slots) with the "
        "template's capacity, and complete it by attending at least this many.")}}

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        refuse_public_private_event(model)
        if model.completion_sessions is not None and (
                model.capacity is None or model.completion_sessions < 1):
            raise ValidationError(gettext(
                "A course needs a capacity (the places for the whole course) and at least one "
                "session to attend. Nothing was saved."))
        super().on_model_change(form, model, is_created)
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-calendar-plus-o", ".stamp_view",
                              title=_l("Create event from template")),
    ]

    @action("stamp", _l("Create event from template"))
    def action_stamp(self, ids: list[str]) -> Response | None:
        if len(ids) != 1:
            flash(gettext("Choose exactly one template."), "warning")
            return None
        return redirect(url_for(".stamp_view", id=ids[0]))

    @expose("/stamp/", methods=("GET", "POST"))
    def stamp_view(self) -> Any:
        if access.CREATE not in access.permissions(current_user.role, "Event"):
            abort(403)
        template = self.get_one(request.args.get("id"))
        form = StampForm()
        form.neighbourhood.choices = [
            SelectChoice(n.id, str(n))
            for n in scoped_query(Neighbourhood).order_by(Neighbourhood.name)
        ]
        if form.validate_on_submit():
            neighbourhood = db.session.get(Neighbourhood, form.neighbourhood.data)
            try:
                event = stamp_event(db.session, template, day=form.day.data,
                                    neighbourhood=neighbourhood, zone=deployment_zone())
            except TemplateError as error:
                db.session.rollback()
                flash(str(error), "error")
            else:
                db.session.commit()
                flash(gettext("Event %(title)s created from the template.", title=event.title),
                      "success")
                return redirect(url_for("event.edit_view", id=event.id))
        status = 400 if request.method == "POST" else 200
        return self.render("linli_admin/stamp.html", form=form, event_template=template), status
