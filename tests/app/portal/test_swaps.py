"""Asking to drop or swap a confirmed shift from the portal: a request refused for what was
typed comes back in its form with the colleague's number and the reason, saying why, and
records nothing."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, EventStatus
from app.models import Assignment, ShiftChangeRequest
from app.services.scheduler.swaps import REASON_MAX
from tests.app.portal.test_portal import open_portal
from tests.factories import make_assignment, make_event, make_shift, make_volunteer
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration


def _form_of(page: str, assignment: Assignment) -> str:
    """The drop-or-swap form under one shift of the portal's list."""
    start = page.index(f'id="assignment-{assignment.id}"')
    return page[start:page.index("</details>", start)]


def _value(form: str, name: str) -> str | None:
    found = re.search(rf'name="{name}"[^>]*?(?: value="([^"]*)")?>', form)
    assert found, name
    return found.group(1)


@pytest.mark.parametrize(("typed", "why"), [
    ({"kind": "swap", "colleague_phone": "1380013", "reason": "孙子发烧"},
     "请填写同事的 11 位手机号"),
    ({"kind": "swap", "colleague_phone": "  ", "reason": "孙子发烧"}, "请填写同事的 11 位手机号"),
    ({"kind": "swap", "colleague_phone": "OWN", "reason": "孙子发烧"}, "这是您自己的号码"),
    ({"kind": "drop", "colleague_phone": "", "reason": "太" * (REASON_MAX + 1)},
     f"原因请不要超过 {REASON_MAX} 个字"),
])
def test_a_refused_request_keeps_what_was_typed(client: FlaskClient, app: Flask,
                                                db_session: Session, typed, why) -> None:
    volunteer = make_volunteer(db_session, locale="zh_CN")
    event = make_event(db_session, neighbourhood=volunteer.neighbourhood,
                       status=EventStatus.published)
    mine, other = (make_assignment(db_session, make_shift(db_session, event), volunteer,
                                   status=AssignmentStatus.confirmed) for _ in range(2))
    typed = {**typed, "colleague_phone": typed["colleague_phone"].replace(
        "OWN", volunteer.phone)}
    page = open_portal(client, app, volunteer)
    assert _value(_form_of(page, mine), "colleague_phone") is None

    response = client.post(f"/portal/assignments/{mine.id}/change",
                           data={"csrf_token": csrf_token_from(page), **typed})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    form = _form_of(page, mine)
    assert '<details class="mt-2 change-form" open>' in form
    assert why in form
    assert _value(form, "colleague_phone") == typed["colleague_phone"]
    assert _value(form, "reason") == typed["reason"]
    assert f'action="/portal/assignments/{mine.id}/change#assignment-{mine.id}"' in form
    # The other shift's form is as it was; nothing was asked.
    other_form = _form_of(page, other)
    assert " open>" not in other_form and why not in other_form
    assert _value(other_form, "reason") is None
    assert db_session.scalars(select(ShiftChangeRequest)).all() == []
    db_session.expire_all()
    assert mine.status == AssignmentStatus.confirmed
