"""Confirming or declining a shift awaiting the volunteer's answer from the portal's list of
their shifts: the same answer as the link in their message, by POST with the CSRF token."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, EventStatus, Role
from app.models import Notification
from tests.app.portal.test_portal import open_portal
from tests.factories import (
    make_assignment,
    make_event,
    make_shift,
    make_user,
    make_volunteer,
)
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration


def answer(client: FlaskClient, assignment_id: int, action: str) -> str:
    token = csrf_token_from(client.get("/portal/").get_data(as_text=True))
    response = client.post(f"/portal/assignments/{assignment_id}/{action}",
                           data={"csrf_token": token}, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def buttons(page: str, assignment_id: int) -> set[str]:
    return {action for action in ("confirm", "decline", "change")
            if re.search(f'action="/portal/assignments/{assignment_id}/{action}["#]', page)}


def test_confirm_and_decline_a_pending_shift_from_the_portal(client: FlaskClient, app,
                                                             db_session: Session) -> None:
    volunteer = make_volunteer(db_session, locale="zh_CN")
    hood = volunteer.neighbourhood
    other = make_volunteer(db_session, neighbourhood=hood)
    coordinator = make_user(db_session, Role.coordinator, username="answers-coordinator",
                            neighbourhoods=[hood])
    event = make_event(db_session, neighbourhood=hood, status=EventStatus.published)
    first, second, kept = (
        make_assignment(db_session, make_shift(db_session, event), volunteer, status=status)
        for status in (AssignmentStatus.pending, AssignmentStatus.pending,
                       AssignmentStatus.confirmed))
    theirs = make_assignment(db_session, make_shift(db_session, event), other,
                             status=AssignmentStatus.pending)

    page = open_portal(client, app, volunteer)
    assert buttons(page, first.id) == buttons(page, second.id) == {"confirm", "decline"}
    assert buttons(page, kept.id) == {"change"}  # a confirmed shift is dropped or swapped
    # Nothing changes on a GET, without the CSRF token, or on someone else's shift.
    assert client.get(f"/portal/assignments/{first.id}/confirm").status_code == 405
    assert client.post(f"/portal/assignments/{first.id}/confirm").status_code == 400
    token = csrf_token_from(page)
    assert client.post(f"/portal/assignments/{theirs.id}/confirm",
                       data={"csrf_token": token}).status_code == 404
    db_session.expire_all()
    assert first.status == theirs.status == AssignmentStatus.pending

    page = answer(client, first.id, "confirm")
    assert "谢谢！您的班次已确认。" in page
    db_session.expire_all()
    assert first.status == AssignmentStatus.confirmed and first.responded_at is not None
    assert buttons(page, first.id) == {"change"}
    assert "此班次此前已确认。" in answer(client, first.id, "confirm")

    page = answer(client, second.id, "decline")
    assert "您已谢绝此班次。协调员会看到并另找他人。" in page
    db_session.expire_all()
    assert second.status == AssignmentStatus.declined
    assert f'id="assignment-{second.id}"' not in page  # no longer among the coming shifts
    told = db_session.scalars(select(Notification).where(
        Notification.template == "scheduler/declined")).all()
    assert [n.user_id for n in told] == [coordinator.id]

    # A confirmed shift is not declined from here: the drop or swap request says so.
    page = answer(client, kept.id, "decline")
    assert "如果不能来，请在班次下方申请退出或换班" in page
    db_session.expire_all()
    assert kept.status == AssignmentStatus.confirmed
