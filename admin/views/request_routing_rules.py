"""Routing rules of residents' requests in the admin: the town admin keeps the town-wide rules
and every neighbourhood's; a coordinator sees and keeps only their own neighbourhoods' (the
row scoping of `app.services.scoping` holds on every path: list, details, edit, delete,
export, and the dropdowns offer only their neighbourhoods and service groups)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from wtforms.validators import ValidationError

from admin.base import LinliModelView
from admin.filters import enum_filters
from admin.protection import acting_user
from app.enums import RequestCategory, Role
from app.extensions import db
from app.models import RoutingRule
from app.services.requests import RequestError
from app.services.requests.escalation import departments_for
from app.services.requests.routing_rules import check_rule


class RoutingRuleView(LinliModelView):
    """Which service group or department takes a new request of a category: a
    neighbourhood's rule first, then the town's, then the building's patch."""

    column_list = ["category", "neighbourhood", "service_group", "department"]
    column_sortable_list = ["category", ("neighbourhood", "neighbourhood.name"),
                            ("service_group", "service_group.name"),
                            ("department", "department.name")]
    column_filters = [*enum_filters(RoutingRule.category, _l("Category"), RequestCategory),
                      "neighbourhood.name"]
    column_default_sort = "category"
    column_labels = {"category": _l("Category")}
    column_descriptions = {
        "neighbourhood": _l(
            "Empty: a town-wide rule (the town administrator's), for every neighbourhood "
            "without a rule of its own for the category; it names a department."),
        "service_group": _l("A service group of the rule's neighbourhood takes the request."),
        "department": _l(
            "Or a department: the request is passed on to it as soon as it comes in (kept in "
            "its history as an escalation), and the building's service group follows it."),
    }
    list_load_options = (joinedload(RoutingRule.neighbourhood),
                         joinedload(RoutingRule.service_group),
                         joinedload(RoutingRule.department))
    form_columns = ["category", "neighbourhood", "service_group", "department"]
    form_args = {"department": {"query_factory": lambda: departments_for(db.session)}}

    def on_model_change(self, form: Any, model: RoutingRule, is_created: bool) -> None:
        if model.neighbourhood is None and acting_user().role != Role.admin:
            raise ValidationError(gettext(
                "Choose your neighbourhood: only the town administrator sets town-wide rules."))
        try:
            check_rule(db.session, model)
        except RequestError as error:
            raise ValidationError(str(error.message)) from error
        super().on_model_change(form, model, is_created)
