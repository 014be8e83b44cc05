"""Households: resident files, visits, care subscriptions."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectField
from wtforms.validators import ValidationError

from admin.base import LinliModelView
from admin.fields import EnumMultipleField
from admin.filters import HasCategoryFilter, enum_filters, local_date_filters
from admin.views.common import WEEKDAY_CHOICES, weekday_formatter
from app.enums import HouseholdCategory, VisitKind, VisitOutcome
from app.models import CareSubscription, Household, HouseholdCategoryLink, Visit
from app.services.text_input import normalise_contact_phone

_HOUSEHOLD_LOOKUP = {"fields": ["address", "contact_name"], "page_size": 10}
_VOLUNTEER_LOOKUP = {"fields": ["name", "phone"], "page_size": 10}


def _categories(view: Any, context: Any, model: Household, name: str) -> str:
    return ", ".join(HouseholdCategory(c).label for c in model.categories)


class HouseholdView(LinliModelView):
    column_list = ["contact_name", "address", "neighbourhood", "categories", "members_count",
                   "contact_phone"]
    column_details_list = ["contact_name", "address", "neighbourhood", "categories",
                           "members_count", "contact_phone", "x_km", "y_km", "notes",
                           "created_at", "updated_at"]
    column_export_list = ["id", "contact_name", "address", "neighbourhood", "categories",
                          "members_count", "contact_phone", "notes"]
    column_formatters = {"categories": _categories}
    column_searchable_list = ["contact_name", "address", "contact_phone"]
    column_filters = [
        HasCategoryFilter(Household.category_links, HouseholdCategoryLink.category,
                          _l("Category"), HouseholdCategory),
        "neighbourhood.name",
    ]
    column_default_sort = "address"
    list_load_options = (joinedload(Household.neighbourhood),
                         selectinload(Household.category_links))
    form_excluded_columns = ["category_links", "visits", "subscriptions", "created_at",
                             "updated_at"]
    form_extra_fields = {
        "categories": EnumMultipleField(_l("Categories"), enum=HouseholdCategory),
    }

    def on_model_change(self, form: Any, model: Household, is_created: bool) -> None:
        if model.members_count is None or model.members_count < 1:
            raise ValidationError(_("A household has at least one member."))
        try:
            model.contact_phone = normalise_contact_phone(model.contact_phone)
        except ValueError as error:
            raise ValidationError(str(error.args[0])) from error
        super().on_model_change(form, model, is_created)


class VisitView(LinliModelView):
    column_list = ["household", "visited_at", "kind", "outcome", "volunteer"]
    column_filters = [
        *enum_filters(Visit.kind, _l("Kind"), VisitKind),
        *enum_filters(Visit.outcome, _l("Outcome"), VisitOutcome),
        *local_date_filters(Visit.visited_at, _l("Visited at")),
    ]
    column_default_sort = ("visited_at", True)
    list_load_options = (joinedload(Visit.household), joinedload(Visit.volunteer))
    form_excluded_columns = ["created_at", "updated_at"]
    form_ajax_refs = {"household": _HOUSEHOLD_LOOKUP, "volunteer": _VOLUNTEER_LOOKUP}


class CareSubscriptionView(LinliModelView):
    column_list = ["household", "package", "volunteer", "starts_on", "ends_on",
                   "preferred_weekday", "preferred_time", "active"]
    column_formatters = {"preferred_weekday": weekday_formatter}
    column_filters = ["package.name", "active"]
    list_load_options = (joinedload(CareSubscription.household),
                         joinedload(CareSubscription.package),
                         joinedload(CareSubscription.volunteer))
    form_excluded_columns = ["created_at", "updated_at"]
    form_overrides = {"preferred_weekday": SelectField}
    form_args = {"preferred_weekday": {"choices": WEEKDAY_CHOICES, "coerce": int}}
    form_ajax_refs = {"household": _HOUSEHOLD_LOOKUP, "volunteer": _VOLUNTEER_LOOKUP}
