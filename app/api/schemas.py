"""Request and response schemas of the public JSON API (marshmallow, documented by
flask-smorest).

No phone or address ever appears in a public response; names are masked. A member's own
visit list (`app.api.member`, behind her token or session) has its own schemas there.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.enums import EventKind, RegistrationStatus
from app.i18n import EARLIEST_DAY, LATEST_DAY


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details."""

    type = fields.String(metadata={"description": "URI identifying the problem type"})
    title = fields.String(metadata={"description": "Short summary, in the client's language"})
    status = fields.Integer()
    detail = fields.String(metadata={"description": "Explanation, in the client's language"})
    code = fields.String(metadata={"description": "Stable machine-readable reason, e.g. "
                                                  "`full`, `duplicate`, `closed`, `invalid`"})
    errors = fields.Dict(keys=fields.String(), metadata={"description": "Field → message"})


#: Local days a filter may name (see `app.i18n.EARLIEST_DAY`).
_DAYS = validate.Range(min=EARLIEST_DAY, max=LATEST_DAY)
_DAY_PATTERN = r"^(19|2[0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$"


class EventQuerySchema(ma.Schema):
    neighbourhood = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    kind = fields.String(validate=validate.OneOf([k.value for k in EventKind]))
    date_from = fields.Date(data_key="from", validate=_DAYS,
                            metadata={"description": "Local date, inclusive",
                                      "pattern": _DAY_PATTERN})
    date_to = fields.Date(data_key="to", validate=_DAYS,
                          metadata={"description": "Local date, inclusive",
                                    "pattern": _DAY_PATTERN})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100_000))


class NeighbourhoodSchema(ma.Schema):
    id = fields.Integer()
    town = fields.String()
    name = fields.String()
    name_en = fields.String(allow_none=True)


class PlacesSchema(ma.Schema):
    capacity = fields.Integer()
    remaining = fields.Integer()
    waitlisted = fields.Integer()


class SlotSchema(ma.Schema):
    id = fields.Integer()
    label = fields.String()
    start_at = fields.AwareDateTime()
    end_at = fields.AwareDateTime()
    places = fields.Nested(PlacesSchema)


class CourseSchema(ma.Schema):
    """A course 课程: one sign-up for all its sessions (the event's slots, with the event's
    places); completed by attending at least `completion_sessions` of them."""

    completion_sessions = fields.Integer(metadata={
        "description": "Sessions to attend to complete the course (and get its certificate)"})
    sessions = fields.Integer(metadata={"description": "How many sessions the course has"})


class EventSchema(ma.Schema):
    id = fields.Integer()
    title = fields.String()
    kind = fields.String(validate=validate.OneOf([k.value for k in EventKind]))
    kind_label = fields.String()
    description = fields.String(allow_none=True)
    place = fields.String(allow_none=True)
    start_at = fields.AwareDateTime()
    end_at = fields.AwareDateTime()
    neighbourhood = fields.Nested(NeighbourhoodSchema)
    registration = fields.String(
        validate=validate.OneOf(["open", "not_open", "closed", "none"]),
        metadata={"description": "Whether residents can sign up now"})
    registration_opens_at = fields.AwareDateTime(allow_none=True)
    registration_closes_at = fields.AwareDateTime(allow_none=True)
    waitlist_enabled = fields.Boolean()
    max_party_size = fields.Integer()
    places = fields.Nested(PlacesSchema, allow_none=True,
                           metadata={"description": "Whole-event places; null when only "
                                                    "slots are bookable"})
    slots = fields.List(fields.Nested(SlotSchema), metadata={
        "description": "Bookable time slots; for a course, its sessions (a course sign-up "
                       "without `slot_id` books them all; a session with places of its own "
                       "also takes a session-only sign-up)"})
    course = fields.Nested(CourseSchema, allow_none=True, metadata={
        "description": "The completion rule when the event is a course; null otherwise"})
    services = fields.List(fields.String())
    url = fields.String(metadata={"description": "The event's public page"})


class EventListSchema(ma.Schema):
    items = fields.List(fields.Nested(EventSchema))
    limit = fields.Integer()
    offset = fields.Integer()


class RegistrationInSchema(ma.Schema):
    """The rules (mobile number format, people, consent) are checked by the sign-up service
    and reported per field with a 422 problem; types are checked here."""

    name = fields.String(required=True, validate=validate.Length(max=200))
    phone = fields.String(required=True, validate=validate.Length(max=40),
                          metadata={"description": "Mainland mobile number; spaces, dashes "
                                                   "and +86 are accepted", "example":
                                                   "138 0013 8000"})
    building = fields.String(allow_none=True, validate=validate.Length(max=200))
    room = fields.String(allow_none=True, validate=validate.Length(max=200))
    party_size = fields.Integer(load_default=1, strict=True,
                                validate=validate.Range(min=-(2**31), max=2**31 - 1))
    email = fields.String(allow_none=True, validate=validate.Length(max=400))
    consent = fields.Boolean(required=True, metadata={
        "description": "The resident agrees to the use of these details for this event"})
    slot_id = fields.Integer(allow_none=True, strict=True,
                             validate=validate.Range(min=-(2**31), max=2**31 - 1))
    session_notices = fields.Boolean(load_default=False, metadata={
        "description": "Courses only (a sign-up for the whole course): remind me the day "
                       "before each session. Ignored for other sign-ups"})


class RegistrationSchema(ma.Schema):
    reference_code = fields.String()
    status = fields.String(validate=validate.OneOf([s.value for s in RegistrationStatus]))
    waitlist_position = fields.Integer(allow_none=True)
    name = fields.String(metadata={"description": "Masked, e.g. 张**"})
    party_size = fields.Integer()
    event_id = fields.Integer()
    slot_id = fields.Integer(allow_none=True)
    session_notices = fields.Boolean(metadata={
        "description": "Whether the resident is reminded before each session of the course"})
    cancel_token = fields.String(metadata={"description": "Keep it secret: it cancels"})
    url = fields.String(metadata={"description": "The resident's own page with a cancel "
                                                 "button"})
