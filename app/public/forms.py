"""The sign-up form. It renders fields and carries the CSRF token; the rules live in
`app.services.signup`, so the pages, the API and the admin refuse the same things alike."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TelField

from app.csrf import AnonymousAwareCSRF


class SignupForm(FlaskForm):
    class Meta:
        #: The event page is cacheable for anonymous visitors (see app/csrf.py).
        csrf_class = AnonymousAwareCSRF

    slot = RadioField(_l("Time"), choices=[], validate_choice=False)
    name = StringField(_l("Name"), render_kw={"autocomplete": "name", "maxlength": 80})
    phone = TelField(_l("Mobile number"),
                     render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 20})
    building = StringField(_l("Building"), render_kw={"maxlength": 40})
    room = StringField(_l("Room"), render_kw={"maxlength": 40})
    party_size = SelectField(_l("Number of people"), choices=[], validate_choice=False,
                             default="1")
    email = EmailField(_l("E-mail (optional, for notices)"),
                       render_kw={"autocomplete": "email", "maxlength": 254})
    consent = BooleanField(
        _l("I agree that the neighbourhood committee uses these details to organise this "
           "event and deletes them afterwards.")
    )
    #: Honeypot: hidden from people by CSS; bots that fill every field give themselves away.
    website = StringField(_l("Leave this field empty"),
                          render_kw={"autocomplete": "off", "tabindex": "-1"})
