"""The forms of the scheduling pages (`admin.scheduling`) and of the buttons that act on a
run or a visit."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, FloatField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, NumberRange, ValidationError

from admin.model_forms import LinliForm
from app.services.scheduler import runs


class PeriodForm(LinliForm):
    neighbourhoods = SelectMultipleField(_l("Neighbourhoods"), coerce=int,
                                         validators=[DataRequired()])
    date_from = DateField(_l("From"), validators=[DataRequired()])
    date_to = DateField(_l("To"), validators=[DataRequired()])
    seconds = FloatField(_l("Time to spend planning (seconds)"),
                         description=_l("More time can find a better plan; the default is "
                                        "enough for a week of one neighbourhood."),
                         default=runs.DEFAULT_SECONDS,
                         validators=[NumberRange(min=1, max=600)])

    def validate_date_to(self, field: Any) -> None:
        if self.date_from.data and field.data and field.data < self.date_from.data:
            raise ValidationError(_("The end date must not be before the start date."))


class ManualForm(LinliForm):
    shift = SelectField(_l("Shift"), coerce=int, validators=[DataRequired()])
    volunteer = SelectField(_l("Volunteer"), coerce=int, validators=[DataRequired()])
    force = BooleanField(_l("Assign anyway, although rules are broken"))


class ActionForm(LinliForm):
    """Only the CSRF token: the buttons on the run page."""
