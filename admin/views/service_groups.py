"""Buildings and service groups (members, patch): a coordinator edits her own neighbourhood's."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from wtforms.validators import ValidationError

from admin.base import LinliModelView
from admin.filters import enum_filters
from app.enums import ServiceGroupKind
from app.models import Building, ServiceGroup


def _neighbourhood_id(model: Any) -> int | None:
    return model.neighbourhood_id or (model.neighbourhood.id if model.neighbourhood else None)


class BuildingView(LinliModelView):
    column_list = ["number", "name", "address", "neighbourhood", "service_group", "floors",
                   "x_km", "y_km"]
    column_labels = {"number": _l("Building number"), "floors": _l("Floors"),
                     "service_group": _l("Service group")}
    column_searchable_list = ["number", "name", "address"]
    column_filters = ["neighbourhood.name", "service_group.name"]
    column_default_sort = "number"
    list_load_options = (joinedload(Building.neighbourhood), joinedload(Building.service_group))
    form_excluded_columns = ["households"]

    def on_model_change(self, form: Any, model: Building, is_created: bool) -> None:
        group = model.service_group
        if group is not None and group.neighbourhood_id != _neighbourhood_id(model):
            raise ValidationError(gettext(
                "A building can only be in the patch of a group of its own neighbourhood."))
        super().on_model_change(form, model, is_created)


class ServiceGroupView(LinliModelView):
    column_list = ["name", "kind", "neighbourhood", "members", "buildings"]
    column_labels = {"members": _l("Members"), "buildings": _l("Patch (buildings)")}
    column_searchable_list = ["name"]
    column_filters = [*enum_filters(ServiceGroup.kind, _l("Kind"), ServiceGroupKind),
                      "neighbourhood.name"]
    column_default_sort = "name"
    list_load_options = (joinedload(ServiceGroup.neighbourhood),
                         selectinload(ServiceGroup.members), selectinload(ServiceGroup.buildings))
    form_columns = ["neighbourhood", "name", "kind", "members", "buildings"]

    def on_model_change(self, form: Any, model: ServiceGroup, is_created: bool) -> None:
        neighbourhood_id = _neighbourhood_id(model)
        if any(m.neighbourhood_id != neighbourhood_id for m in model.members):
            raise ValidationError(gettext(
                "Members must live in the group's neighbourhood."))
        if any(b.neighbourhood_id != neighbourhood_id for b in model.buildings):
            raise ValidationError(gettext(
                "The patch can only hold buildings of the group's neighbourhood."))
        super().on_model_change(form, model, is_created)
