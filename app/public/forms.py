"""The sign-up form. It renders fields and carries the CSRF token; the rules live in
`app.services.signup`, so the pages, the API and the admin refuse the same things alike."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)

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


class RequestForm(FlaskForm):
    """A resident's request or suggestion; the rules live in `app.services.requests`."""

    class Meta:
        #: The form page is cacheable for anonymous visitors, like the event pages.
        csrf_class = AnonymousAwareCSRF

    neighbourhood = SelectField(_l("Your neighbourhood"), choices=[], validate_choice=False)
    building = SelectField(_l("Building (optional)"), choices=[], validate_choice=False)
    category = SelectField(_l("What is it about?"), choices=[], validate_choice=False)
    text = TextAreaField(_l("Your request or suggestion"),
                         render_kw={"rows": 6, "maxlength": 2000})
    place = StringField(_l("Where (building, courtyard, street)"),
                        render_kw={"maxlength": 120})
    name = StringField(_l("Your name (optional)"),
                       render_kw={"autocomplete": "name", "maxlength": 80})
    phone = TelField(_l("Mobile number (optional, to be told the outcome by SMS)"),
                     render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 20})
    email = EmailField(_l("E-mail (optional)"),
                       render_kw={"autocomplete": "email", "maxlength": 254})
    consent = BooleanField(
        _l("I agree that the neighbourhood committee uses my name and contact to handle this "
           "request and to tell me the outcome.")
    )
    website = StringField(_l("Leave this field empty"),
                          render_kw={"autocomplete": "off", "tabindex": "-1"})
    photo = FileField(_l("A photo (optional: JPEG, PNG or WebP, at most 5 MB)"),
                      render_kw={"accept": "image/jpeg,image/png,image/webp"})
    #: Set by "send mine anyway" once the resident has seen the same matter raised already.
    confirm_new = HiddenField()


class SurveyForm(FlaskForm):
    """The questionnaire after resolution; the rules live in `app.services.requests.survey`."""

    answer = RadioField(_l("Is your request resolved?"), choices=[], validate_choice=False)
    comment = TextAreaField(_l("Anything you would like to add (optional)"),
                            render_kw={"rows": 4, "maxlength": 1000})
