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
from app.models import Event, Slot


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
    #: Shown for a course only.
    session_notices = BooleanField(_l("Remind me before each session"))
    #: Honeypot: hidden from people by CSS; bots that fill every field give themselves away.
    website = StringField(_l("Leave this field empty"),
                          render_kw={"autocomplete": "off", "tabindex": "-1"})


def signup_form(event: Event, form: SignupForm | None = None) -> SignupForm:
    """The form with the event's choices: party sizes, and the slots a resident may pick."""
    form = form or SignupForm()
    form.party_size.choices = [(str(n), str(n)) for n in range(1, event.max_party_size + 1)]
    form.slot.choices = [(str(slot.id), slot.label) for slot in bookable_slots(event)]
    if event.is_course and form.slot.choices:
        form.slot.choices.insert(0, ("", str(_l("The whole course (%(n)s sessions)",
                                                n=len(event.slots)))))
    elif event.capacity is not None and event.slots:
        form.slot.choices.insert(0, ("", str(_l("The whole event"))))
    return form


def bookable_slots(event: Event) -> list[Slot]:
    """The slots a resident may choose: all of them, but of a course only the sessions with
    places of their own (session-only sign-ups); the others come with the whole course."""
    if event.is_course:
        return [slot for slot in event.slots if slot.capacity > 0]
    return list(event.slots)


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
    verification_code = StringField(
        _l("Verification code from the SMS"),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 6})
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
    #: The token of the photo chosen before the form came back (`photos.hold`).
    held_photo = HiddenField()


class SurveyForm(FlaskForm):
    """The questionnaire after resolution; the rules live in `app.services.requests.survey`."""

    answer = RadioField(_l("Is your request resolved?"), choices=[], validate_choice=False)
    comment = TextAreaField(_l("Anything you would like to add (optional)"),
                            render_kw={"rows": 4, "maxlength": 1000})
