"""The shapes of the Open311 GeoReport v2 endpoints, for the OpenAPI document (marshmallow).

The views build these bodies themselves (as JSON or XML, by the path's suffix); these schemas
describe them. Fields named `linli_*` are Linli's additions; a client that knows only Open311
ignores them.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from app.enums import RequestCategory, RequestStatus


class ServiceSchema(ma.Schema):
    service_code = fields.String(validate=validate.OneOf([c.value for c in RequestCategory]))
    service_name = fields.String(metadata={"description": "In the client's language"})
    description = fields.String()
    metadata = fields.Boolean(metadata={"description": "Always false: no extra attributes"})
    type = fields.String(metadata={"description": "Always `realtime`"})
    keywords = fields.String()
    group = fields.String()


class DiscoveryEndpointSchema(ma.Schema):
    specification = fields.String(metadata={"description": "http://wiki.open311.org/GeoReport_v2"})
    url = fields.String(metadata={"description": "The base address of the endpoint"})
    changeset = fields.String()
    type = fields.String(metadata={"description": "Always `production`"})
    formats = fields.List(fields.String())


class DiscoverySchema(ma.Schema):
    changeset = fields.String(metadata={"description": "When the endpoint last changed"})
    contact = fields.String()
    key_service = fields.String(metadata={"description": "In the client's language"})
    endpoints = fields.List(fields.Nested(DiscoveryEndpointSchema))


class Open311ErrorSchema(ma.Schema):
    code = fields.Integer(metadata={"description": "The HTTP status"})
    description = fields.String(metadata={"description": "In the client's language"})
    field = fields.String(metadata={"description": "Linli: the parameter at fault"})
    similar = fields.List(fields.Dict(), metadata={
        "description": "Linli, with code 409: open improvements already raised there, by the "
                       "committee's public title; resend with `confirm_new=true` to raise it "
                       "anyway"})


class RequestInSchema(ma.Schema):
    """A new request, as `application/x-www-form-urlencoded` (Open311), `multipart/form-data`
    (with a photo) or JSON."""

    service_code = fields.String(required=True, metadata={"description": "From `services`"})
    jurisdiction_id = fields.Integer(metadata={
        "description": "The neighbourhood's id (`/api/v1/neighbourhoods`); not needed with "
                       "`address_id`"})
    address_id = fields.Integer(metadata={"description": "A building's id"})
    address_string = fields.String(metadata={"description": "Where: a courtyard, a corner"})
    lat = fields.Float(metadata={"description": "Kept with the place as given"})
    long = fields.Float(metadata={"description": "Kept with the place as given"})
    description = fields.String(required=True)
    first_name = fields.String()
    last_name = fields.String()
    phone = fields.String(metadata={"description": "Kept only with `verification_code`"})
    verification_code = fields.String(metadata={
        "description": "Linli: the code sent by SMS through `verifications`"})
    email = fields.String()
    consent = fields.Boolean(metadata={
        "description": "Linli: required with a name, phone or e-mail; the resident agrees to "
                       "their use for this request"})
    confirm_new = fields.Boolean(metadata={
        "description": "Linli: raise it even though similar open improvements exist (409)"})
    media = fields.Raw(metadata={"type": "string", "format": "binary",
                                 "description": "A photo (JPEG, PNG or WebP, at most 5 MB), "
                                                "multipart only; `media_url` is refused"})


class VerificationInSchema(ma.Schema):
    phone = fields.String(required=True, metadata={"example": "138 0013 8000"})


class VerificationSchema(ma.Schema):
    phone = fields.String(metadata={"description": "The number, masked"})
    expires_in = fields.Integer(metadata={"description": "Seconds the code is good for, "
                                                          "at least"})


class CreatedSchema(ma.Schema):
    service_request_id = fields.String(metadata={"description": "The resident's reference "
                                                                "code"})
    service_notice = fields.String()
    account_id = fields.String(allow_none=True)
    linli_url = fields.String(metadata={"description": "The resident's private page of the "
                                                       "request: keep it secret"})


class ServiceRequestSchema(ma.Schema):
    service_request_id = fields.String()
    status = fields.String(validate=validate.OneOf(["open", "closed"]))
    status_notes = fields.String(metadata={"description": "Who has it and what happens next"})
    service_name = fields.String()
    service_code = fields.String()
    agency_responsible = fields.String()
    service_notice = fields.String(allow_none=True)
    requested_datetime = fields.AwareDateTime()
    updated_datetime = fields.AwareDateTime()
    expected_datetime = fields.AwareDateTime(allow_none=True)
    address = fields.String(allow_none=True)
    address_id = fields.Integer(allow_none=True)
    media_url = fields.String(allow_none=True, metadata={
        "description": "A photo published on the notice board, once the result is posted"})
    linli_state = fields.String(validate=validate.OneOf([s.value for s in RequestStatus]))
    linli_state_label = fields.String()
    linli_board_title = fields.String(allow_none=True, metadata={
        "description": "The committee's public title, once posted on the notice board"})
