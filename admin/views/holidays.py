"""The public holiday calendar (节假日安排): kept by the town admin, read by coordinators so
they can see why a repeat rule skipped a day."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from admin.base import LinliModelView
from admin.filters import enum_filters
from app.enums import HolidayKind
from app.extensions import db
from app.models import HolidayPeriod
from app.services.holidays import HolidayError, check_period


class HolidayPeriodView(LinliModelView):
    column_list = ["first_day", "last_day", "name", "kind", "confirmed"]
    column_searchable_list = ["name", "name_en"]
    column_filters = [*enum_filters(HolidayPeriod.kind, _l("Kind"), HolidayKind),
                      "confirmed", "first_day"]
    column_default_sort = ("first_day", True)
    column_labels = {"first_day": _l("First day"), "last_day": _l("Last day"),
                     "confirmed": _l("Published by the State Council")}
    column_descriptions = {
        "kind": _l("A day off, or a weekend day worked in exchange (调休上班)."),
        "confirmed": _l("Untick while the year's notice is not out: repeat rules still skip "
                        "the day, and their preview says it is to be confirmed."),
    }
    form_columns = ["name", "name_en", "kind", "first_day", "last_day", "confirmed"]

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        # Checked first: the base class's queries would flush a backward period into the
        # database's own refusal, which cannot say what is wrong.
        try:
            check_period(db.session, model)
        except HolidayError as error:
            raise ValidationError(str(error)) from error
        super().on_model_change(form, model, is_created)
