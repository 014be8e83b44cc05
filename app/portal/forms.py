"""Forms of the member's pages (also used by the admin's certificate page)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import InputRequired


class CertificateForm(FlaskForm):
    """The period an hours certificate covers."""

    starts_on = DateField(_l("From"), validators=[InputRequired(
        message=_l("Choose the first day of the period."))])
    ends_on = DateField(_l("To"), validators=[InputRequired(
        message=_l("Choose the last day of the period."))])
