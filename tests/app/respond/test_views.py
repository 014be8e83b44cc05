"""The confirm / decline link in a volunteer's message (SMS or mail): it declines only a shift
awaiting the answer; a confirmed shift is left through the portal's drop or swap request, which
the coordinator decides."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, EventStatus, Role
from app.models import Assignment, Notification
from app.services import links
from tests.factories import make_assignment, make_event, make_shift, make_user, make_volunteer
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration

ASK_TO_DROP = "您已确认此班次，不能在这里谢绝，班次仍由您负责。"


def _link(client: FlaskClient, assignment: Assignment) -> str:
    with client.application.test_request_context():
        return links.respond_url(assignment).removeprefix("http://linli.test")


def test_the_decline_link_leaves_a_confirmed_shift_alone(client: FlaskClient,
                                                         db_session: Session) -> None:
    volunteer = make_volunteer(db_session)
    hood = volunteer.neighbourhood
    make_user(db_session, Role.coordinator, username="respond-coordinator",
              email="jh@example.test", neighbourhoods=[hood])
    event = make_event(db_session, neighbourhood=hood, status=EventStatus.published)
    confirmed = make_assignment(db_session, make_shift(db_session, event), volunteer,
                                status=AssignmentStatus.confirmed)
    pending = make_assignment(db_session, make_shift(db_session, event), volunteer,
                              status=AssignmentStatus.pending)
    sequence = confirmed.sequence
    path = _link(client, confirmed)

    page = client.get(path).get_data(as_text=True)
    assert f'action="{path}/decline"' not in page
    assert ASK_TO_DROP in page and "申请退出或换班" in page
    assert 'href="/portal/"' in page

    # The volunteer opened the link while the shift awaited the answer, and confirmed it on
    # the portal since; or the decline is posted by hand: either way nothing changes.
    # One link, made once: a link made a second later is signed with another time.
    pending_path = _link(client, pending)
    pending_page = client.get(pending_path).get_data(as_text=True)
    assert f'action="{pending_path}/decline"' in pending_page
    response = client.post(f"{path}/decline", data={"csrf_token": csrf_token_from(pending_page)},
                           follow_redirects=True)
    assert response.request.path == "/respond/done/confirmed_ask_to_drop"
    done = response.get_data(as_text=True)
    assert ASK_TO_DROP in done and 'href="/portal/"' in done
    db_session.expire_all()
    assert confirmed.status == AssignmentStatus.confirmed and confirmed.sequence == sequence
    assert db_session.scalars(select(Notification).where(
        Notification.template == "scheduler/declined")).all() == []

    # A shift awaiting the answer is still declined by the link.
    response = client.post(f"{_link(client, pending)}/decline",
                           data={"csrf_token": csrf_token_from(pending_page)},
                           follow_redirects=True)
    assert response.request.path == "/respond/done/declined"
    db_session.expire_all()
    assert pending.status == AssignmentStatus.declined
