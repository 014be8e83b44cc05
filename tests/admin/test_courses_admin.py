"""A coordinator makes an event a course in the admin; an unworkable rule changes nothing."""

from __future__ import annotations

import pytest

from app.models import Event
from tests.admin.conftest import as_text, quick_login
from tests.helpers import form_fields

pytestmark = pytest.mark.integration


def test_coordinator_turns_an_event_into_a_course(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    event = world.jiahong.rows["event"]  # one slot, no whole-event places
    path = f"/admin/event/edit/?id={event.id}"
    data = form_fields(as_text(client.get(path)))
    assert "completion_sessions" in data
    data.update(csrf_token=token, completion_sessions="1", capacity="")
    page = as_text(client.post(path, data=data))
    assert "课程需要设置名额" in page
    data.update(completion_sessions="2", capacity="20")
    page = as_text(client.post(path, data=data))
    assert "须在 1 到本课程的 1 期之间" in page
    db_session.expire_all()
    assert db_session.get(Event, event.id).completion_sessions is None
    data.update(completion_sessions="1")
    assert client.post(path, data=data).status_code == 302
    db_session.expire_all()
    saved = db_session.get(Event, event.id)
    assert saved.is_course and saved.capacity == 20
