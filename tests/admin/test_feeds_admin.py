"""The calendar pieces of the volunteer admin: last synced, link rotation, .ics import page."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.models import Blackout, Volunteer
from tests.admin.conftest import as_text, quick_login
from tests.app.portal.test_ics_import import ics, vevent

pytestmark = pytest.mark.integration


def test_volunteer_list_shows_when_the_calendar_last_synced(client, world) -> None:
    quick_login(client, world.users["coordinator"])
    page = as_text(client.get("/admin/volunteer/"))
    assert "日历最近同步" in page and "未订阅" in page


def test_rotating_links_touches_only_own_volunteers(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    own = world.jiahong.rows["volunteer"]
    foreign = world.yongye.rows["volunteer"]
    own_before, foreign_before = own.feed_token, foreign.feed_token
    response = client.post("/admin/volunteer/action/", data={
        "action": "rotate_feed", "rowid": [str(own.id), str(foreign.id)], "csrf_token": token})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Volunteer, own.id).feed_token != own_before
    assert db_session.get(Volunteer, foreign.id).feed_token == foreign_before


def test_ics_import_page_is_scoped(client, world) -> None:
    quick_login(client, world.users["coordinator"])
    own = world.jiahong.rows["volunteer"]
    foreign = world.yongye.rows["volunteer"]
    assert client.get(f"/admin/volunteer/import-ics/{own.id}/").status_code == 200
    response = client.get(f"/admin/volunteer/import-ics/{foreign.id}/")
    assert response.status_code == 404 and "永业" not in as_text(response)


def test_feed_tokens_are_never_shown_in_admin_forms(client, world) -> None:
    quick_login(client, world.users["admin"])
    team = world.jiahong.rows["team"]
    volunteer = world.jiahong.rows["volunteer"]
    for path in (f"/admin/team/edit/?id={team.id}", f"/admin/volunteer/edit/?id={volunteer.id}",
                 f"/admin/volunteer/details/?id={volunteer.id}", "/admin/team/new/"):
        page = as_text(client.get(path))
        assert "feed_token" not in page, path
        assert volunteer.feed_token not in page and team.feed_token not in page, path


def test_coordinator_imports_busy_times_after_a_preview(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    volunteer = world.jiahong.rows["volunteer"]
    day = (datetime.now(UTC) + timedelta(days=10)).strftime("%Y%m%d")
    data = ics(vevent("dentist", "SUMMARY:看牙医", f"DTSTART;TZID=Asia/Shanghai:{day}T140000",
                      f"DTEND;TZID=Asia/Shanghai:{day}T160000"))
    path = f"/admin/volunteer/import-ics/{volunteer.id}/"
    before = _blackouts(db_session, volunteer)
    preview = client.post(path, data={"csrf_token": token,
                                      "file": (io.BytesIO(data), "calendar.ics")},
                          content_type="multipart/form-data")
    assert preview.status_code == 200
    assert _blackouts(db_session, volunteer) == before  # nothing changes before confirming
    page = as_text(preview)
    assert "看牙医" in page or "14:00" in page
    signed = re.search(r'name="preview" value="([^"]+)"', page)
    assert signed, "the preview page carries the signed list to confirm"
    done = client.post(path, data={"csrf_token": token, "preview": signed.group(1)})
    assert done.status_code == 302
    assert _blackouts(db_session, volunteer) == before + 1


def test_malformed_calendar_file_is_refused_and_changes_nothing(client, db_session,
                                                                 world) -> None:
    token = quick_login(client, world.users["coordinator"])
    volunteer = world.jiahong.rows["volunteer"]
    before = _blackouts(db_session, volunteer)
    response = client.post(f"/admin/volunteer/import-ics/{volunteer.id}/",
                           data={"csrf_token": token,
                                 "file": (io.BytesIO(b"not a calendar"), "x.ics")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "BEGIN:VCALENDAR" in as_text(response)
    assert _blackouts(db_session, volunteer) == before


def _blackouts(session, volunteer) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Blackout)
                          .where(Blackout.volunteer_id == volunteer.id))


def test_rrule_bomb_is_refused_in_the_admin_import(client, db_session, world) -> None:
    from tests.app.portal.test_ics_import import BOMB

    token = quick_login(client, world.users["coordinator"])
    volunteer = world.jiahong.rows["volunteer"]
    before = _blackouts(db_session, volunteer)
    response = client.post(f"/admin/volunteer/import-ics/{volunteer.id}/",
                           data={"csrf_token": token, "file": (io.BytesIO(BOMB), "bomb.ics")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and "每小时或更频繁" in as_text(response)
    assert _blackouts(db_session, volunteer) == before
