"""Issue 10 hardening, admin side: private events, relation scope, CSV export, households."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import Event
from tests.admin.conftest import as_text, quick_login
from tests.admin.test_writes import _event_form

pytestmark = pytest.mark.integration


def test_a_public_care_visit_is_refused_with_a_message(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    form = _event_form(world, world.jiahong.neighbourhood.id, "上门探访 · 朱巧珍", token)
    form["kind"] = "care_visit"
    response = client.post("/admin/event/new/", data=form)
    assert response.status_code == 200
    assert "永不公开" in as_text(response)
    assert db_session.scalar(select(func.count()).select_from(Event)
                             .where(Event.title == "上门探访 · 朱巧珍")) == 0
    del form["is_public"]  # unticked: saved, and not public
    assert client.post("/admin/event/new/", data=form).status_code == 302
    event = db_session.scalar(select(Event).where(Event.title == "上门探访 · 朱巧珍"))
    assert event is not None and not event.is_public
