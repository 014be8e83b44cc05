"""Schemathesis against the OpenAPI document, in all its phases (the schema's examples, the
coverage of every boundary and invalid value, random fuzzing, and stateful sequences that
feed one response into the next request): generated requests never cause a server error,
and responses match what the document promises."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy.orm import Session

from app.enums import EventStatus
from app.services import signup
from tests.factories import make_event, make_slot

pytestmark = pytest.mark.integration

EXAMPLES_PER_OPERATION = 40
STATEFUL_SCENARIOS = 30
#: A schema cannot say "a mainland mobile number, however it is written" or "consent must be
#: given": such refusals are 422 problem documents, which the remaining checks (no 5xx,
#: responses as documented) still validate.
EXCLUDED_CHECKS = [positive_data_acceptance]


def _settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck), stateful_step_count=6)


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
    calls: Counter[tuple[str, str]] = Counter()
    server_errors: list[str] = []

    def record(case, response) -> None:  # type: ignore[no-untyped-def]
        calls[(case.operation.label, case.meta.phase.name.value if case.meta else "?")] += 1
        if response.status_code >= 500:
            server_errors.append(f"{case.operation.label} {case.path_parameters} "
                                 f"{case.query} {case.body!r}: {response.status_code}")

    for operation in operations:

        def check(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call()
            record(case, response)
            case.validate_response(response, excluded_checks=EXCLUDED_CHECKS)

        test = create_test(operation=operation, test_func=check, config=HypothesisTestConfig(
            project=schema.config, settings=_settings(EXAMPLES_PER_OPERATION),
            modes=[HypothesisTestMode.EXAMPLES, HypothesisTestMode.COVERAGE,
                   HypothesisTestMode.FUZZING]))
        test()

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def validate_response(self, response, case, additional_checks=(),  # type: ignore[no-untyped-def]
                              **kwargs):
            record(case, response)
            case.validate_response(response, additional_checks=additional_checks,
                                   excluded_checks=EXCLUDED_CHECKS,
                                   recorder=getattr(self, "recorder", None))

    Workflow.run(settings=_settings(STATEFUL_SCENARIOS))

    phases = Counter(phase for (_label, phase), n in calls.items() for _ in range(n))
    print(f"\nschemathesis: {sum(calls.values())} requests, by phase {dict(phases)}, "
          f"{len(server_errors)} server errors")
    assert not server_errors, server_errors[:20]
    assert {label for label, _phase in calls} == {op.label for op in operations}
    assert {"examples", "coverage", "fuzzing", "stateful"} <= set(phases), phases
