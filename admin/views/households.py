"""Households: resident files and visits."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms.validators import ValidationError

from admin.base import LinliModelView
from admin.fields import EnumMultipleField
from admin.filters import HasCategoryFilter, enum_filters, local_date_filters
from admin.labels import COMMON_LABELS
from admin.protection import acting_user
from admin.spreadsheet_import import SpreadsheetImportMixin
from app.enums import AuditAction, ContactWindow, HouseholdCategory, VisitKind, VisitOutcome
from app.extensions import db
from app.models import (
    Household,
    HouseholdAuditEntry,
    HouseholdCategoryLink,
    ResidentRequest,
    Visit,
)
from app.services import scoping
from app.services.households import audit, importing
from app.services.households.files import (
    HouseholdError,
    check_household,
    completeness,
    mask_phone,
    same_flat,
)

_HOUSEHOLD_LOOKUP = {"fields": ["address", "contact_name"], "page_size": 10}
_VOLUNTEER_LOOKUP = {"fields": ["name", "phone"], "page_size": 10}


def _categories(view: Any, context: Any, model: Household, name: str) -> str:
    return ", ".join(HouseholdCategory(c).label for c in model.categories)


def _windows(view: Any, context: Any, model: Household, name: str) -> str:
    return ", ".join(ContactWindow(w).label for w in model.contact_windows)


def _phone(view: Any, context: Any, model: Household, name: str) -> str:
    """Lists show the number masked; details and exports show it to those who may see it."""
    if (request.endpoint or "").endswith(".index_view"):
        return mask_phone(model.contact_phone)
    if scoping.may_see_phone(acting_user()):
        return model.contact_phone or ""
    return mask_phone(model.contact_phone)


def _building_number(view: Any, context: Any, model: Household, name: str) -> str:
    """Exports name the building by its number, as the import finds it."""
    return model.building.number if model.building is not None else ""


def _completeness(view: Any, context: Any, model: Household, name: str) -> str:
    return f"{completeness(model).score:.0%}"


class HouseholdImportMixin(SpreadsheetImportMixin):
    """Resident files from the spreadsheets neighbourhoods keep (the export's format too)."""

    import_layout = importing.LAYOUT
    import_salt = "linli-household-import"
    import_title = _l("Import resident files from Excel")
    import_intro = _l("Upload an Excel (.xlsx) or CSV file. Its first row names the columns; "
                      "the others are households, one a row. A row with the ID, the building, "
                      "unit and room, or the address of a household already on file changes "
                      "that household; the others are added. Every row is checked and shown "
                      "before anything is saved, and either all of them are imported or none.")
    import_confirm_label = _l("Import %(n)s rows")
    import_preview_columns = ("neighbourhood", "building", "unit", "room", "address",
                              "contact_name")
    import_template_columns = ("neighbourhood", "building", "unit", "floor", "room", "address",
                               "contact_name", "contact_phone", "members_count", "categories",
                               "contact_windows", "notes")
    import_template_example = ("", "12", "1", 3, "301", "佳虹路100弄12号1单元301室", "王阿婆",
                               "13800000000", 1, "独居老人、高龄老人", "工作日白天", "")
    import_template_sheet = _l("Households")
    import_template_filename = _l("Resident file import template")
    import_template_fallback = "linli-household-import.xlsx"

    def import_plan(self, rows: list[list[str]],
                    neighbourhood_ids: frozenset[int] | None) -> Any:
        return importing.plan(db.session, rows, neighbourhood_ids=neighbourhood_ids)

    def import_apply(self, plan: Any) -> Any:
        result = importing.apply(db.session, plan)
        for household, fields in result.touched:
            audit.record(db.session, acting_user(), AuditAction.imported, [household],
                         fields=fields)
        return result

    def import_done_message(self, result: Any) -> str:
        return _("Resident files imported: %(created)d new, %(updated)d changed, "
                 "%(unchanged)d unchanged.", created=result.created, updated=result.updated,
                 unchanged=result.unchanged)


class HouseholdView(HouseholdImportMixin, LinliModelView):
    list_template = "linli_admin/list_with_import.html"
    column_list = ["contact_name", "address", "building", "floor", "room", "neighbourhood",
                   "categories", "members_count", "contact_phone", "completeness"]
    column_details_list = ["contact_name", "address", "neighbourhood", "building", "unit",
                           "floor", "room", "categories", "members_count", "contact_phone",
                           "contact_windows", "completeness", "x_km", "y_km", "notes",
                           "created_at", "updated_at"]
    column_export_list = ["id", "contact_name", "address", "neighbourhood", "building", "unit",
                          "floor", "room", "categories", "members_count", "contact_phone",
                          "contact_windows", "notes"]
    column_labels = {"completeness": _l("File completeness"), "unit": _l("Unit"),
                     "floor": _l("Floor"), "room": _l("Room"), "building": _l("Building"),
                     "contact_windows": _l("Contact windows")}
    column_formatters = {"categories": _categories, "contact_windows": _windows,
                         "contact_phone": _phone, "completeness": _completeness}
    column_formatters_export = {"categories": _categories, "contact_windows": _windows,
                                "contact_phone": _phone, "building": _building_number}
    column_searchable_list = ["contact_name", "address", "contact_phone"]
    column_filters = [
        HasCategoryFilter(Household.category_links, HouseholdCategoryLink.category,
                          _l("Category"), HouseholdCategory),
        "neighbourhood.name",
    ]
    column_default_sort = "address"
    list_load_options = (joinedload(Household.neighbourhood), joinedload(Household.building),
                         selectinload(Household.category_links),
                         selectinload(Household.window_links))
    form_excluded_columns = ["category_links", "window_links", "visits",
                             "created_at", "updated_at"]
    form_extra_fields = {
        "categories": EnumMultipleField(_l("Categories"), enum=HouseholdCategory),
        "contact_windows": EnumMultipleField(_l("Contact windows"), enum=ContactWindow),
    }

    def on_model_change(self, form: Any, model: Household, is_created: bool) -> None:
        try:
            check_household(model)
        except HouseholdError as error:
            raise ValidationError(str(error)) from error
        existing = same_flat(db.session, model)
        if existing is not None:
            raise ValidationError(_(
                "Building %(building)s, unit %(unit)s, room %(room)s already has a household "
                "file: %(existing)s (ID %(id)s). Nothing was saved; change that file instead.",
                building=model.building.number, unit=model.unit or "—", room=model.room,
                existing=str(existing), id=existing.id))
        fields = () if is_created else audit.changed_fields(model)
        super().on_model_change(form, model, is_created)  # flushes: the new file has its id
        if is_created or fields:
            audit.record(db.session, acting_user(),
                         AuditAction.created if is_created else AuditAction.changed, [model],
                         fields=fields)

    def on_model_delete(self, model: Household) -> None:
        super().on_model_delete(model)
        audit.record(db.session, acting_user(), AuditAction.deleted, [model])

    def get_one(self, id: Any) -> Any:
        """The file, recorded as viewed when a page shows it whole (details, edit form)."""
        household = super().get_one(id)
        endpoint = (request.endpoint or "").rsplit(".", 1)[-1]
        if request.method == "GET" and endpoint in ("details_view", "edit_view"):
            audit.record(db.session, acting_user(), AuditAction.viewed, [household])
        return household

    def _export_data(self) -> Any:
        """The exported rows, each recorded as exported by this user."""
        count, rows = super()._export_data()
        rows = list(rows)
        audit.record(db.session, acting_user(), AuditAction.exported, rows)
        return count, rows


def _audit_fields(view: Any, context: Any, model: HouseholdAuditEntry, name: str) -> str:
    labels = {**COMMON_LABELS, **HouseholdView.column_labels}
    return "、".join(str(labels.get(code, code)) for code in (model.fields or "").split(",")
                    if code)


class HouseholdAuditView(LinliModelView):
    """Who viewed, changed, imported or exported which resident file: read only for everyone
    (the matrix grants no change); coordinators see their neighbourhoods' entries."""

    column_list = ["at", "user_name", "action", "household_label", "fields", "neighbourhood"]
    column_export_list = ["at", "user_name", "action", "household_label", "fields",
                          "neighbourhood"]
    column_labels = {"at": _l("When"), "user_name": _l("User"), "action": _l("Action"),
                     "household_label": _l("Household"), "fields": _l("Fields changed")}
    column_formatters = {"fields": _audit_fields}
    column_formatters_export = {"fields": _audit_fields}
    column_searchable_list = ["user_name", "household_label"]
    column_filters = [*enum_filters(HouseholdAuditEntry.action, _l("Action"), AuditAction),
                      *local_date_filters(HouseholdAuditEntry.at, _l("When")),
                      "neighbourhood.name"]
    column_default_sort = ("at", True)
    list_load_options = (joinedload(HouseholdAuditEntry.neighbourhood),)


def _raised_requests(view: Any, context: Any, model: Visit, name: str) -> Markup:
    """The requests the household raised on the visit, those the user may see, linked."""
    rows = db.session.scalars(scoping.scoped(
        select(ResidentRequest).where(ResidentRequest.visit_id == model.id)
        .order_by(ResidentRequest.received_at, ResidentRequest.id),
        acting_user(), ResidentRequest)).all()
    items = [Markup('<li><a href="{}">{}</a> · {} · {}</li>').format(
        url_for("residentrequest.details_view", id=row.id), row.reference_code,
        row.category.label, row.status.label) for row in rows]
    return Markup('<ul class="visit-requests">') + Markup("").join(items) + Markup("</ul>")


class VisitView(LinliModelView):
    column_list = ["household", "visited_at", "kind", "outcome", "volunteer"]
    column_details_list = ["household", "visited_at", "kind", "outcome", "volunteer", "round",
                           "campaign", "follow_up_of", "notes", "requests", "created_at",
                           "updated_at"]
    column_labels = {"requests": _l("Requests raised on this visit"),
                     "follow_up_of": _l("Follow-up of the request")}
    column_formatters_detail = {"requests": _raised_requests}
    column_filters = [
        *enum_filters(Visit.kind, _l("Kind"), VisitKind),
        *enum_filters(Visit.outcome, _l("Outcome"), VisitOutcome),
        *local_date_filters(Visit.visited_at, _l("Visited at")),
    ]
    column_default_sort = ("visited_at", True)
    list_load_options = (joinedload(Visit.household), joinedload(Visit.volunteer))
    #: A follow-up is linked to its request by the explain step, never by hand.
    form_excluded_columns = ["created_at", "updated_at", "follow_up_of"]
    form_ajax_refs = {"household": _HOUSEHOLD_LOOKUP, "volunteer": _VOLUNTEER_LOOKUP}
