"""An invalid sign-up shows every problem at once, in one summary at the top of the form,
and the fields point only at descriptions that exist."""

from __future__ import annotations

import re

import pytest

from app.enums import EventStatus
from tests.app.conftest import signup_form
from tests.factories import make_event, make_slot
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration


def _post(client, event_id, **overrides):  # type: ignore[no-untyped-def]
    page = client.get(f"/events/{event_id}")
    assert 'aria-describedby="None"' not in page.get_data(as_text=True)
    data = signup_form(**overrides)
    data["csrf_token"] = csrf_token_from(page.get_data(as_text=True))
    return client.post(f"/events/{event_id}/signup", data=data)


def test_missing_slot_and_field_errors_in_one_round(client, db_session) -> None:
    event = make_event(db_session, status=EventStatus.published, capacity=None)
    make_slot(db_session, event, label="上午场", capacity=3)
    response = _post(client, event.id, name="", phone="123", consent=None)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = body[body.index('id="signup-errors"'):body.index("</div>", body.index(
        'id="signup-errors"'))]
    assert "请改正以下 4 个问题" in summary
    for anchor in ("#slot-0", "#name", "#phone", "#consent"):
        assert f'href="{anchor}"' in summary
    assert f'action="/events/{event.id}/signup#signup-errors"' in body
    assert 'aria-describedby="None"' not in body
    described = set(re.findall(r'aria-describedby="([^"]+)"', body))
    ids = set(re.findall(r'\sid="([^"]+)"', body))
    assert described and all(set(d.split()) <= ids for d in described)


def test_only_the_slot_missing_still_says_so(client, db_session) -> None:
    event = make_event(db_session, status=EventStatus.published, capacity=None)
    make_slot(db_session, event, capacity=3)
    response = _post(client, event.id)
    body = response.get_data(as_text=True)
    assert response.status_code in (400, 422)
    assert "请选择时段" in body or "请选择一个时段" in body
