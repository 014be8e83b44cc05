"""Checking in on the phone with the station's code: GET shows, POST records, window kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.enums import AssignmentStatus
from app.models import Attendance
from app.services import links
from app.services.attendance import recording
from tests.app.portal.test_portal import open_portal
from tests.factories import make_assignment, make_event, make_shift, make_volunteer
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration


def test_station_code_check_in_and_out(client, app, db_session) -> None:
    start = datetime.now(UTC) - timedelta(minutes=5)
    event = make_event(db_session, start_at=start, end_at=start + timedelta(hours=2))
    shift = make_shift(db_session, event, title="量血压站")
    volunteer = make_volunteer(db_session, neighbourhood=event.neighbourhood)
    seat = make_assignment(db_session, shift, volunteer, status=AssignmentStatus.confirmed)
    open_portal(client, app, volunteer)
    with app.app_context():
        opens, closes = recording.check_in_window(shift)
        token = links.checkin_token(shift.id, opens, closes)
    page = client.get(f"/portal/checkin/{token}").get_data(as_text=True)
    assert "量血压站" in page
    db_session.expire_all()
    assert db_session.scalar(sa.select(Attendance)) is None  # a GET records nothing
    response = client.post(f"/portal/checkin/{token}", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    db_session.expire_all()
    attendance = db_session.scalar(sa.select(Attendance).where(Attendance.assignment_id == seat.id))
    assert attendance is not None and attendance.checked_in_at is not None
    index = client.get("/portal/").get_data(as_text=True)
    assert f"/portal/checkout/{seat.id}" in index
    response = client.post(f"/portal/checkout/{seat.id}",
                           data={"csrf_token": csrf_token_from(index)})
    assert response.status_code == 302 and response.location.endswith("/portal/hours")
    hours_page = client.get("/portal/hours").get_data(as_text=True)
    assert "量血压站" in hours_page
