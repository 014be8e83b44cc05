"""Feeds over HTTP: content, parsers, caching, change tracking, secrecy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import vobject
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, EventStatus
from app.feeds.views import feed_cache
from app.models import Volunteer
from app.services import feeds
from app.services.feeds import FeedSettings
from tests.factories import (
    make_assignment,
    make_event,
    make_household,
    make_neighbourhood,
    make_shift,
    make_team,
    make_volunteer,
)
from tests.helpers import DEPLOYMENT_ID

pytestmark = pytest.mark.integration


def url(v: Volunteer) -> str:
    return f"/feeds/v/{v.feed_token}.ics"


def parse_both(body: bytes) -> icalendar.Calendar:
    """Every feed must satisfy two independent parsers."""
    cal = icalendar.Calendar.from_ical(body)
    parsed = vobject.readOne(body.decode("utf-8"))
    assert parsed.name == "VCALENDAR"
    return cal


def vevents(body: bytes) -> list[icalendar.Event]:
    return list(parse_both(body).walk("VEVENT"))


def test_personal_feed_content(client: FlaskClient, db_session: Session, volunteer,
                               shift_for) -> None:
    confirmed = shift_for(volunteer)
    pending = shift_for(volunteer, days=8, status=AssignmentStatus.pending)
    declined = shift_for(volunteer, days=9, status=AssignmentStatus.declined)
    shift_for(volunteer, days=10, status=AssignmentStatus.proposed)
    response = client.get(url(volunteer))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    body = response.data
    text = body.decode()
    for line in ("PRODID:-//Linli", "X-WR-CALNAME:", "NAME:", "X-PUBLISHED-TTL:PT1H",
                 "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "BEGIN:VTIMEZONE",
                 "TZID:Asia/Shanghai", "DTSTART;TZID=Asia/Shanghai:"):
        assert line in text
    events = {str(e["UID"]): e for e in vevents(body)}
    # A draft never shows; a declined shift shows as CANCELLED (for 30 days), so calendars
    # that already had it drop it.
    assert set(events) == {f"assignment-{confirmed.id}@{DEPLOYMENT_ID}",
                           f"assignment-{pending.id}@{DEPLOYMENT_ID}",
                           f"assignment-{declined.id}@{DEPLOYMENT_ID}"}
    assert events[f"assignment-{declined.id}@{DEPLOYMENT_ID}"]["STATUS"] == "CANCELLED"
    first = events[f"assignment-{confirmed.id}@{DEPLOYMENT_ID}"]
    assert first["STATUS"] == "CONFIRMED"
    assert events[f"assignment-{pending.id}@{DEPLOYMENT_ID}"]["STATUS"] == "TENTATIVE"
    assert first["SUMMARY"].startswith("量血压 · ")
    assert first["LOCATION"] == "金桥镇社区服务中心"
    assert "李主任 13912345678" in first["DESCRIPTION"]
    assert "量血压" in first["DESCRIPTION"]
    assert str(first["URL"]).startswith("http://linli.test/portal/")
    assert first["DTSTART"].dt.utcoffset() == timedelta(hours=8)
    assert first["DTSTART"].dt.astimezone(UTC) == confirmed.shift.start_at
    latest = max(confirmed.updated_at, confirmed.shift.updated_at,
                 confirmed.shift.event.updated_at)
    assert first["DTSTAMP"].dt == latest.replace(microsecond=0)
    assert first["LAST-MODIFIED"].dt == first["DTSTAMP"].dt
    assert first.walk("VALARM")
    assert "\r\n" in text  # CRLF line ends, folded by the library


def test_english_volunteer_gets_english_summary(client, db_session, shift_for) -> None:
    volunteer = make_volunteer(db_session, locale="en")
    shift_for(volunteer, status=AssignmentStatus.pending)
    text = client.get(url(volunteer)).data.decode()
    assert "Please confirm:" in text
    assert "Required skill: Blood pressure" in text.replace("\r\n ", "")


def test_empty_feed_is_valid(client, volunteer) -> None:
    response = client.get(url(volunteer))
    assert response.status_code == 200
    assert vevents(response.data) == []
    assert "Last-Modified" not in response.headers


def test_two_fetches_same_bytes_and_304(client, db_session, volunteer, shift_for,
                                        app: Flask) -> None:
    shift_for(volunteer)
    first = client.get(url(volunteer))
    feed_cache(app).clear()  # the second render must give the same bytes, not just the cache
    second = client.get(url(volunteer))
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]
    again = client.get(url(volunteer), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    since = client.get(url(volunteer),
                       headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    stale = client.get(url(volunteer), headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200


def test_cache_serves_polls_without_rendering(client, volunteer, shift_for, app) -> None:
    shift_for(volunteer)
    cache = feed_cache(app)
    client.get(url(volunteer))
    misses = cache.misses
    for _ in range(3):
        client.get(url(volunteer))
    assert cache.misses == misses and cache.hits >= 3


def test_time_change_raises_sequence_keeps_uid(client, db_session, volunteer,
                                               shift_for) -> None:
    assignment = shift_for(volunteer)
    before = vevents(client.get(url(volunteer)).data)[0]
    assert before["SEQUENCE"] == 0
    shift = assignment.shift
    shift.start_at += timedelta(hours=1)
    shift.end_at += timedelta(hours=1)
    db_session.flush()
    assert assignment.sequence == 1
    db_session.flush()  # no new change: no second bump
    assert assignment.sequence == 1
    after = vevents(client.get(url(volunteer)).data)[0]
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == 1
    assert after["DTSTART"].dt - before["DTSTART"].dt == timedelta(hours=1)
    assert after["DTSTAMP"].dt >= before["DTSTAMP"].dt


def test_place_change_raises_sequence_title_change_does_not(db_session, volunteer,
                                                            shift_for) -> None:
    assignment = shift_for(volunteer)
    event = assignment.shift.event
    event.title = "新标题"
    db_session.flush()
    assert assignment.sequence == 0
    event.place = "佳虹路活动室"
    db_session.flush()
    assert assignment.sequence == 1
    assert feeds.bump_sequences(db_session, event_ids=[event.id]) == 1
    assert assignment.sequence == 2


def test_cancellation_shows_30_days_then_leaves(app, db_session, volunteer,
                                                shift_for) -> None:
    assignment = shift_for(volunteer, days=40)
    event = assignment.shift.event
    cancelled_at = datetime.now(UTC)
    event.status = EventStatus.cancelled
    event.cancelled_at = cancelled_at
    db_session.flush()
    assert assignment.sequence == 1
    settings = FeedSettings("http://linli.test", DEPLOYMENT_ID)
    with app.app_context():
        soon = feeds.build_volunteer_feed(db_session, volunteer, now=cancelled_at
                                          + timedelta(days=29), settings=settings)
        late = feeds.build_volunteer_feed(db_session, volunteer, now=cancelled_at
                                          + timedelta(days=31), settings=settings)
    [entry] = vevents(soon.body)
    assert entry["STATUS"] == "CANCELLED"
    assert "VALARM" not in soon.body.decode()
    assert vevents(late.body) == []
    version_soon = feeds.volunteer_feed_version(db_session, volunteer.feed_token,
                                                cancelled_at + timedelta(days=29))
    version_late = feeds.volunteer_feed_version(db_session, volunteer.feed_token,
                                                cancelled_at + timedelta(days=31))
    assert version_soon.key != version_late.key


def test_a_declined_assignment_shows_as_cancelled_then_leaves(client, db_session, volunteer,
                                                              shift_for) -> None:
    assignment = shift_for(volunteer)
    before = client.get(url(volunteer))
    (entry,) = vevents(before.data)
    assignment.status = AssignmentStatus.declined
    assignment.updated_at = before_change = assignment.updated_at + timedelta(seconds=5)
    db_session.flush()
    # A client that asks "changed since?" is told: the entry is there, CANCELLED, newer.
    after = client.get(url(volunteer), headers={
        "If-Modified-Since": before.headers["Last-Modified"],
        "If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    (gone,) = vevents(after.data)
    assert gone["UID"] == entry["UID"] and gone["STATUS"] == "CANCELLED"
    assert gone["SEQUENCE"] > entry["SEQUENCE"]
    assert after.headers["Last-Modified"] != before.headers["Last-Modified"]
    # Thirty days on, it leaves the feed.
    assignment.updated_at = before_change - timedelta(days=31)
    db_session.flush()
    assert vevents(client.get(url(volunteer)).data) == []


def test_rotated_deactivated_and_unknown_links_404(client, db_session, volunteer) -> None:
    old = url(volunteer)
    assert client.get(old).status_code == 200
    feeds.rotate_volunteer_token(db_session, volunteer)
    assert client.get(old).status_code == 404
    assert client.get(url(volunteer)).status_code == 200
    volunteer.active = False
    db_session.flush()
    response = client.get(url(volunteer))
    assert response.status_code == 404
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/feeds/v/short.ics").status_code == 404
    assert client.get("/feeds/t/" + "x" * 43 + ".ics").status_code == 404


def test_fetch_recorded_throttled_and_updated_at_kept(client, db_session, volunteer) -> None:
    changed = volunteer.updated_at
    client.get(url(volunteer))
    db_session.expire_all()
    first = volunteer.feed_fetched_at
    assert first is not None
    assert volunteer.updated_at == changed
    client.get(url(volunteer))
    db_session.expire_all()
    assert volunteer.feed_fetched_at == first  # within 10 minutes: not written again
    volunteer.feed_fetched_at = first - timedelta(minutes=11)
    db_session.flush()
    client.get(url(volunteer))
    db_session.expire_all()
    assert volunteer.feed_fetched_at > first - timedelta(minutes=11)


def test_team_feed(client, db_session, volunteer, shift_for) -> None:
    team = make_team(db_session, lead=volunteer)
    assignment = shift_for(volunteer)
    assignment.shift.team = team
    db_session.flush()
    response = client.get(f"/feeds/t/{team.feed_token}.ics")
    assert response.status_code == 200
    [entry] = vevents(response.data)
    assert entry["UID"] == f"team-shift-{assignment.shift.id}@{DEPLOYMENT_ID}"
    assert "王芳" in entry["DESCRIPTION"]
    assert volunteer.phone not in response.data.decode()
    feeds.rotate_team_token(db_session, team)
    assert client.get(response.request.path).status_code == 404
    volunteer.active = False
    db_session.flush()
    assert client.get(f"/feeds/t/{team.feed_token}.ics").status_code == 404


def test_public_feeds_have_no_personal_data(client, db_session) -> None:
    hood = make_neighbourhood(db_session, name="金桥居民区")
    public = make_event(db_session, neighbourhood=hood, status=EventStatus.published,
                        title="学雷锋便民服务日", place="社区广场", contact="张三 13911112222",
                        description="量血压、理发。咨询电话 021-5888 1234")
    household = make_household(db_session, neighbourhood=hood, address="佳虹路99弄3号",
                               contact_phone="13800009999")
    visit = make_event(db_session, neighbourhood=hood, status=EventStatus.published,
                       title="上门探访", household=household, place=household.address)
    private = make_event(db_session, neighbourhood=hood, status=EventStatus.published,
                         is_public=False, title="内部培训")
    draft = make_event(db_session, neighbourhood=hood, title="草稿活动")
    volunteer = make_volunteer(db_session, neighbourhood=hood, phone="13700001111")
    make_assignment(db_session, make_shift(db_session, public), volunteer,
                    status=AssignmentStatus.confirmed)
    area = client.get(f"/feeds/neighbourhoods/{hood.id}.ics")
    single = client.get(f"/feeds/events/{public.id}.ics")
    assert area.status_code == single.status_code == 200
    for response in (area, single):
        text = response.data.decode().replace("\r\n ", "")
        for secret in ("13911112222", "张三", "5888 1234", "佳虹路99弄3号", "13800009999",
                       "13700001111", volunteer.name, "上门探访", "内部培训", "草稿活动",
                       "王阿婆"):
            assert secret not in text, secret
        assert [str(e["UID"]) for e in vevents(response.data)] == [
            f"event-{public.id}@{DEPLOYMENT_ID}"]
        assert response.headers["Cache-Control"].startswith("public")
    for hidden in (visit, private, draft):
        assert client.get(f"/feeds/events/{hidden.id}.ics").status_code == 404
    assert client.get("/feeds/neighbourhoods/999999.ics").status_code == 404
    english = client.get(f"/feeds/neighbourhoods/{hood.id}.ics?lang=en").data.decode()
    assert "X-WR-CALNAME:Linli · " in english
