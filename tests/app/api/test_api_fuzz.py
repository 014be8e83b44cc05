"""Schemathesis against the OpenAPI document: generated requests never cause a server error,
and responses match what the document promises."""

from __future__ import annotations

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy.orm import Session

from app.enums import EventStatus
from app.services import signup
from tests.factories import make_event, make_slot

pytestmark = pytest.mark.integration

EXAMPLES_PER_OPERATION = 40


def test_generated_requests_cause_no_server_error(app: Flask, client, db_session: Session) -> None:
    event = make_event(db_session, capacity=2, status=EventStatus.published)
    slot_event = make_event(db_session, capacity=None, status=EventStatus.published)
    make_slot(db_session, slot_event, capacity=1)
    with app.test_request_context():
        signup.register(db_session, event.id, signup.Applicant(
            name="甲", phone="13900000001", consent=True))
    db_session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6
    calls: list[str] = []
    for operation in operations:

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  derandomize=True, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case) -> None:  # type: ignore[no-untyped-def]
            # A schema cannot say "a mainland mobile number, however it is written" or
            # "consent must be given": such refusals are 422 problem documents, which the
            # remaining checks (no 5xx, responses as documented) still validate.
            case.call_and_validate(excluded_checks=[positive_data_acceptance])
            calls.append(case.operation.label)

        check()
    assert len(set(calls)) == len(operations) and len(calls) >= 4 * len(operations)
