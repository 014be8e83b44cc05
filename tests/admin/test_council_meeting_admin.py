"""Arranging the council meeting again from the handling page moves it: a past time is refused
with a message (nothing changes), a new time and place keep the same meeting and everybody
invited to it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.enums import RequestStatus
from app.models import Event, ResidentRequest
from app.services import requests
from tests.admin.conftest import as_text, quick_login
from tests.helpers import csrf_token_from, form_fields

pytestmark = pytest.mark.integration

S = RequestStatus
SIX = "王建国\n李秀英\n张伟\n赵敏\n钱七\n孙八"
ZONE = ZoneInfo("Asia/Shanghai")
#: A date-time as the admin's fields write their example.
EXAMPLE = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d)")


def _moment_to_come(example: str) -> bool:
    moment = datetime.strptime(example, "%Y-%m-%d %H:%M").replace(tzinfo=ZONE)
    now = datetime.now(UTC)
    return now < moment < now + timedelta(days=8)


def _step(client, row_id: int, status: str, note: str = ""):
    fields = form_fields(as_text(client.get(f"/admin/residentrequest/handle/?id={row_id}")))
    return client.post(f"/admin/residentrequest/handle/?id={row_id}", data={
        "csrf_token": fields["csrf_token"], "status": status, "note": note,
        "expected": fields["expected"]})


def test_rearranging_moves_the_meeting_with_its_invited(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    row = world.jiahong.rows["residentrequest"]
    assert _step(client, row.id, S.handling.value).status_code == 302
    assert _step(client, row.id, S.council.value, "提交议事会").status_code == 302
    token = csrf_token_from(as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}")))
    url = f"/admin/residentrequest/meeting/?id={row.id}"
    first = client.post(url, data={"csrf_token": token, "starts_at": "2099-12-10 19:00",
                                   "place": "佳虹居委会会议室", "representatives": SIX})
    assert first.status_code == 302, as_text(first)[-800:]
    db_session.expire_all()
    event_id = db_session.get(ResidentRequest, row.id).council_event_id
    page = as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}"))
    assert "另行安排会议" not in page and "改期" in page

    past = client.post(url, data={"csrf_token": token, "starts_at": "2020-01-01 19:00",
                                  "place": "佳虹居委会会议室", "representatives": ""})
    assert past.status_code == 422 and "会议时间已过" in as_text(past)
    db_session.expire_all()
    assert db_session.get(Event, event_id).start_at.year == 2099

    moved = client.post(url, data={"csrf_token": token, "starts_at": "2099-12-17 19:00",
                                   "place": "社区活动中心", "representatives": ""})
    assert moved.status_code == 302, as_text(moved)[-800:]
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, row.id)
    assert fresh.council_event_id == event_id
    event = db_session.get(Event, event_id)
    assert (event.start_at.day, event.place) == (17, "社区活动中心")
    assert len(requests.attendees(db_session, event_id)) == 6
    assert db_session.scalar(select(func.count()).select_from(Event).where(
        Event.title.like("居民议事会%"),
        Event.neighbourhood_id == world.jiahong.neighbourhood.id)) == 1
    assert "会议已改到" in as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}"))


def test_the_meeting_time_has_the_picker_and_a_bad_one_is_refused_on_its_field(
        client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    row = world.jiahong.rows["residentrequest"]
    assert _step(client, row.id, S.handling.value).status_code == 302
    assert _step(client, row.id, S.council.value, "提交议事会").status_code == 302
    page = as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}"))
    meeting = page[page.index('id="meeting-form"'):]
    meeting = meeting[:meeting.index("</form>")]
    # The date-time picker of every admin edit form: its widget, its script, and a hint.
    assert 'data-role="datetimepicker"' in meeting
    assert "bootstrap-daterangepicker/daterangepicker.js" in page and "admin/js/form.js" in page
    assert "当地时间（Asia/Shanghai），格式如 " in meeting and 'id="starts_at-hint"' in meeting
    # Its example is a moment to come, as the field refuses past times (drawn with the page).
    assert _moment_to_come(EXAMPLE.search(meeting).group(1))

    url = f"/admin/residentrequest/meeting/?id={row.id}"
    token = csrf_token_from(page)
    for typed, message in (("下周三晚上七点", "无法识别的日期时间：请按 "),
                           ("2020-01-01 19:00", "会议时间已过")):
        refused = client.post(url, data={"csrf_token": token, "starts_at": typed,
                                         "place": "佳虹居委会会议室", "representatives": SIX})
        body = as_text(refused)
        assert refused.status_code == 422, typed
        field = body[body.index('id="meeting-form"'):]
        field = field[:field.index('name="place"')]
        assert 'is-invalid' in field and 'id="starts_at-error"' in field and message in field
        assert f'value="{typed}"' in field  # what was typed is kept
        if typed == "下周三晚上七点":
            assert _moment_to_come(EXAMPLE.search(field).group(1))
        assert "王建国" in body[body.index('id="meeting-form"'):]
    db_session.expire_all()
    assert db_session.get(ResidentRequest, row.id).council_event_id is None
