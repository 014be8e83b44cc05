"""People: volunteers (with their availability inline), teams, availability, blackouts,
qualifications."""

from __future__ import annotations

from typing import Any

from flask import abort, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import inspect
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response
from wtforms import FileField, SelectField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from admin.base import LinliModelView
from admin.feeds import FeedAdminMixin, import_link_formatter, last_synced_formatter
from admin.fields import HoursField, hours_formatter, hours_value
from admin.filters import enum_filters, local_date_filters
from admin.protection import acting_user
from admin.views.common import (
    LOCALE_CHOICES,
    WEEKDAY_CHOICES,
    locale_formatter,
    weekday_formatter,
)
from admin.volunteer_import import VolunteerImportMixin
from app.enums import Role, TeamKind
from app.extensions import db
from app.i18n import deployment_zone
from app.ids import parse_id
from app.models import Availability, Blackout, Qualification, Team, Volunteer, utcnow
from app.models.qualifications import SCAN_MAX_BYTES
from app.models.volunteers import DEFAULT_MAX_FAMILIES
from app.portal.qualifications import scan_response
from app.services import qualification_scans, qualifications, scoping


class VolunteerView(VolunteerImportMixin, FeedAdminMixin, LinliModelView):
    list_template = "linli_admin/list_with_import.html"
    column_list = ["name", "phone", "neighbourhood", "skills", "teams", "is_party_member",
                   "is_dual_registered", "active", "feed_fetched_at"]
    column_formatters = {"feed_fetched_at": last_synced_formatter}
    column_details_list = ["name", "phone", "email", "neighbourhood", "skills", "teams",
                           "max_minutes_per_week", "max_shifts_per_week", "max_families",
                           "x_km", "y_km", "is_party_member", "is_dual_registered", "locale",
                           "active", "feed_fetched_at", "import_ics", "notes"]
    column_formatters_detail = {"feed_fetched_at": last_synced_formatter,
                                "import_ics": import_link_formatter,
                                "max_minutes_per_week": hours_formatter,
                                "locale": locale_formatter}
    column_export_list = ["id", "name", "phone", "email", "neighbourhood", "skills", "teams",
                          "max_minutes_per_week", "max_shifts_per_week", "max_families",
                          "is_party_member", "is_dual_registered", "locale", "active"]
    column_formatters_export = {"max_minutes_per_week": hours_value}
    column_searchable_list = ["name", "phone", "email"]
    column_filters = ["neighbourhood.name", "active", "is_party_member", "is_dual_registered"]
    #: People in pinyin order, on the list's default and when its name column is sorted.
    column_default_sort = "name_sort"
    column_sortable_list = [("name", "name_sort"), "phone",
                            ("neighbourhood", "neighbourhood.name"), "is_party_member",
                            "is_dual_registered", "active", "feed_fetched_at"]
    list_load_options = (joinedload(Volunteer.neighbourhood), selectinload(Volunteer.skills),
                         selectinload(Volunteer.teams))
    #: Service groups are edited on the group (members of its own neighbourhood only).
    form_excluded_columns = ["feed_token", "feed_fetched_at", "name_sort", "created_at",
                             "updated_at", "service_groups"]
    form_overrides = {"locale": SelectField, "max_minutes_per_week": HoursField}
    form_args = {"locale": {"choices": LOCALE_CHOICES},
                 "max_minutes_per_week": {"validators": [InputRequired(),
                                                         NumberRange(min=0, max=168)]},
                 # Optional: a form without the field (an older page) keeps the member's limit.
                 "max_families": {"validators": [Optional(), NumberRange(min=0, max=20)]}}
    inline_models = [
        (Availability, {
            "form_overrides": {"weekday": SelectField},
            "form_args": {"weekday": {"choices": WEEKDAY_CHOICES, "coerce": int}},
        }),
        (Blackout, {}),
    ]
    #: A team lead keeps the volunteer's neighbourhood and teams as the coordinator set them.
    role_excluded_fields = {Role.team_lead: ("neighbourhood", "teams")}

    def on_model_change(self, form: Any, model: Volunteer, is_created: bool) -> None:
        if model.max_families is None:  # left empty: the limit stays what it was
            before = inspect(model).attrs.max_families.history.deleted
            model.max_families = before[0] if before and before[0] is not None \
                else DEFAULT_MAX_FAMILIES
        super().on_model_change(form, model, is_created)


class AvailabilityView(LinliModelView):
    column_list = ["volunteer", "weekday", "start_time", "end_time", "valid_from", "valid_until"]
    column_formatters = {"weekday": weekday_formatter}
    column_filters = ["volunteer.name", "weekday"]
    column_default_sort = "weekday"
    list_load_options = (joinedload(Availability.volunteer),)
    form_overrides = {"weekday": SelectField}
    form_args = {"weekday": {"choices": WEEKDAY_CHOICES, "coerce": int}}
    form_ajax_refs = {
        "volunteer": {"fields": ["name", "phone"], "page_size": 10},
    }


class BlackoutView(LinliModelView):
    column_list = ["volunteer", "start_at", "end_at", "reason"]
    column_filters = ["volunteer.name", *local_date_filters(Blackout.start_at, _l("Starts"))]
    column_default_sort = ("start_at", True)
    list_load_options = (joinedload(Blackout.volunteer),)
    form_ajax_refs = {
        "volunteer": {"fields": ["name", "phone"], "page_size": 10},
    }


class TeamView(LinliModelView):
    column_list = ["name", "kind", "town", "neighbourhood", "lead"]
    column_searchable_list = ["name", "town"]
    column_filters = [*enum_filters(Team.kind, _l("Kind"), TeamKind), "neighbourhood.name"]
    column_default_sort = "name"
    list_load_options = (joinedload(Team.neighbourhood), joinedload(Team.lead))
    column_details_list = ["name", "kind", "town", "neighbourhood", "lead", "members",
                           "description"]
    form_excluded_columns = ["feed_token"]
    form_ajax_refs = {
        "lead": {"fields": ["name", "phone"], "page_size": 10},
        "members": {"fields": ["name", "phone"], "page_size": 10},
    }


def _expiry(view: Any, context: Any, model: Any, name: str) -> str:
    """The last valid day, and how it stands today (expired / expires in N days)."""
    until = model.valid_until
    if until is None:
        return str(_l("Does not expire"))
    days = (until - utcnow().astimezone(deployment_zone()).date()).days
    if days < 0:
        return str(_l("%(date)s (expired)", date=until.isoformat()))
    if days <= qualifications.ALERT_DAYS:
        return str(_l("%(date)s (expires in %(n)s days)", date=until.isoformat(), n=days))
    return until.isoformat()


def _scan_link(view: Any, context: Any, model: Any, name: str) -> Markup:
    if model.scan is None:
        return Markup("")
    return Markup('<a href="{}">{}</a>').format(
        url_for(".scan_view", id=model.id), _l("The scan"))


class QualificationView(LinliModelView):
    """Licences and certificates behind skills that require one (资质), with a scan (a photo
    without its metadata, or a PDF) that only the coordinators in scope and the volunteer
    herself can open."""

    column_list = ["volunteer", "skill", "licence_number", "issued_by", "valid_from",
                   "valid_until", "scan"]
    column_labels = {"licence_number": _l("Licence number"), "issued_by": _l("Issued by"),
                     "valid_from": _l("Valid from"), "valid_until": _l("Valid until"),
                     "expiry_alerted_at": _l("Expiry alert sent"), "scan": _l("Scan")}
    column_formatters = {"valid_until": _expiry, "scan": _scan_link}
    column_formatters_export = {"scan": lambda v, c, m, n: ""}
    column_searchable_list = ["licence_number", "issued_by"]
    column_filters = ["volunteer.name", "skill.name_zh", "valid_until"]
    column_default_sort = "valid_until"
    list_load_options = (joinedload(Qualification.volunteer), joinedload(Qualification.skill),
                         joinedload(Qualification.scan))
    form_columns = ["volunteer", "skill", "licence_number", "issued_by", "valid_from",
                    "valid_until", "scan_upload"]
    form_extra_fields = {"scan_upload": FileField(_l("Scan (photo or PDF)"), description=_l(
        "At most 5 MB. A photo is kept without its metadata (such as where it was taken). "
        "Only coordinators of the volunteer's neighbourhood and the volunteer can open it. "
        "A new file replaces the old one."))}
    form_ajax_refs = {"volunteer": {"fields": ["name", "phone"], "page_size": 10}}
    form_args = {"licence_number": {"validators": [DataRequired(), Length(max=80)]},
                 "issued_by": {"validators": [Length(max=120)]}}
    column_descriptions = {"valid_until": _l(
        "The last day it is valid; leave empty if it does not expire. From the next day the "
        "scheduler no longer uses the skill; volunteer and coordinator are told 30 days "
        "before.")}

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        if (model.valid_from and model.valid_until and model.valid_until < model.valid_from):
            raise ValidationError(str(_l("“Valid until” is before “valid from”.")))
        if not is_created and form.valid_until.object_data != form.valid_until.data:
            qualifications.renewed(model)
        upload = form.scan_upload.data
        if upload and getattr(upload, "filename", ""):
            try:
                clean = qualification_scans.clean_scan(
                    upload.read(SCAN_MAX_BYTES + 1))
            except qualification_scans.ScanError as error:
                raise ValidationError(f"{error} {_('Nothing was saved.')}") from None
            qualification_scans.attach(db.session, model, clean, user=acting_user())
        super().on_model_change(form, model, is_created)

    @expose("/scan/")
    def scan_view(self) -> Response:
        """The scan, for a user whose scope holds the volunteer (404 for anyone else's)."""
        number = parse_id(request.args.get("id"))
        row = None if number is None else scoping.scoped_row(
            db.session, acting_user(), Qualification, number, write=False)
        scan = None if row is None else qualification_scans.scan_with_data(db.session, row.id)
        if scan is None:
            abort(404)
        return scan_response(scan)
