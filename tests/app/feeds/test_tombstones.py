"""A deleted or moved row stays in its feed as CANCELLED (SEQUENCE one higher) for 30 days.

Each test fetches the feed before and after the change the way a calendar client polls
(If-None-Match and If-Modified-Since from the first answer) and checks UID, SEQUENCE, STATUS
and Last-Modified; 304 only when nothing changed.
"""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from app.enums import AssignmentStatus, EventStatus
from app.models import Assignment, Event, FeedTombstone, Shift, Volunteer, utcnow
from app.services import feeds
from app.services.feeds import FeedKind, FeedSettings
from tests.factories import (
    PASSWORD,
    future,
    make_assignment,
    make_event,
    make_neighbourhood,
    make_shift,
    make_team,
    make_user,
    make_volunteer,
)
from tests.helpers import DEPLOYMENT_ID, csrf_token, login

pytestmark = pytest.mark.integration

SETTINGS = FeedSettings("http://linli.test", DEPLOYMENT_ID)


def entries(body: bytes) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(body)
    found = [e for e in cal.walk("VEVENT")]
    uids = [str(e["UID"]) for e in found]
    assert len(uids) == len(set(uids)), "one entry per UID"
    return dict(zip(uids, found, strict=True))


def poll(client: FlaskClient, path: str, before: TestResponse) -> TestResponse:
    """A calendar client's conditional fetch after `before`."""
    return client.get(path, headers={"If-None-Match": before.headers["ETag"],
                                     "If-Modified-Since": before.headers["Last-Modified"]})


def backdate(session: Session, *rows: object, seconds: int = 60) -> None:
    """Move the rows' `updated_at` back, so a change now is later than the first answer's
    Last-Modified (HTTP dates have whole seconds)."""
    for row in rows:
        row.updated_at = utcnow() - timedelta(seconds=seconds)  # type: ignore[attr-defined]
    session.flush()


def assert_tombstone(before: icalendar.Event, after: icalendar.Event) -> None:
    assert str(after["UID"]) == str(before["UID"])
    assert after["STATUS"] == "CANCELLED"
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert str(after["SUMMARY"]).startswith("已取消")
    assert after.decoded("DTSTART") == before.decoded("DTSTART")


@pytest.fixture
def published(db_session: Session):
    hood = make_neighbourhood(db_session, name="佳虹")
    team = make_team(db_session, name="理发服务队")
    start = future(10)
    event = make_event(db_session, neighbourhood=hood, title="学雷锋服务日", place="社区广场",
                       start_at=start, end_at=start + timedelta(hours=4),
                       status=EventStatus.published, is_public=True)
    shift = make_shift(db_session, event, title="理发", team=team, start_at=start,
                       end_at=start + timedelta(hours=3), max_volunteers=3)
    volunteer = make_volunteer(db_session, name="郭琴", neighbourhood=hood)
    assignment = make_assignment(db_session, shift, volunteer, status=AssignmentStatus.confirmed)
    backdate(db_session, event, shift, assignment)
    return {"hood": hood, "team": team, "event": event, "shift": shift,
            "volunteer": volunteer, "assignment": assignment}


def vpath(volunteer: Volunteer) -> str:
    return f"/feeds/v/{volunteer.feed_token}.ics"


def test_a_deleted_assignment_stays_cancelled_then_leaves(
        client: FlaskClient, db_session: Session, published, app: Flask) -> None:
    volunteer, assignment = published["volunteer"], published["assignment"]
    before = client.get(vpath(volunteer))
    [first] = entries(before.data).values()
    assert first["STATUS"] == "CONFIRMED"
    assert poll(client, vpath(volunteer), before).status_code == 304  # nothing changed yet
    db_session.delete(assignment)
    db_session.flush()
    after = poll(client, vpath(volunteer), before)
    assert after.status_code == 200
    [gone] = entries(after.data).values()
    assert_tombstone(first, gone)
    assert str(gone["DESCRIPTION"]) == "您已不在此班次上。"
    assert after.headers["Last-Modified"] != before.headers["Last-Modified"]
    assert after.headers["ETag"] != before.headers["ETag"]
    # Polled again with nothing changed: 304.
    assert poll(client, vpath(volunteer), after).status_code == 304
    # Thirty days on it leaves the feed, and the purge forgets it.
    later = utcnow() + timedelta(days=31)
    with app.app_context():
        feed = feeds.build_volunteer_feed(db_session, volunteer, now=later, settings=SETTINGS)
    assert entries(feed.body) == {}
    assert feeds.purge_tombstones(db_session, later) == 1
    assert db_session.scalar(select(func.count(FeedTombstone.id))) == 0


def test_a_deleted_shift_stays_in_the_personal_and_team_feeds(
        client: FlaskClient, db_session: Session, published) -> None:
    volunteer, team, shift = published["volunteer"], published["team"], published["shift"]
    tpath = f"/feeds/t/{team.feed_token}.ics"
    before_v, before_t = client.get(vpath(volunteer)), client.get(tpath)
    [entry_v] = entries(before_v.data).values()
    [entry_t] = entries(before_t.data).values()
    db_session.delete(shift)  # its assignment goes with it (ORM cascade)
    db_session.flush()
    after_v, after_t = poll(client, vpath(volunteer), before_v), poll(client, tpath, before_t)
    assert after_v.status_code == after_t.status_code == 200
    [gone_v] = entries(after_v.data).values()
    [gone_t] = entries(after_t.data).values()
    assert_tombstone(entry_v, gone_v)
    assert_tombstone(entry_t, gone_t)
    assert str(gone_t["UID"]) == f"team-shift-{shift.id}@{DEPLOYMENT_ID}"


def test_a_deleted_public_event_stays_in_the_public_feeds(
        client: FlaskClient, db_session: Session, published) -> None:
    event, hood = published["event"], published["hood"]
    epath, npath = f"/feeds/events/{event.id}.ics", f"/feeds/neighbourhoods/{hood.id}.ics"
    before_e, before_n = client.get(epath), client.get(npath)
    [entry_e] = entries(before_e.data).values()
    event_id = event.id
    db_session.delete(event)
    db_session.flush()
    after_e, after_n = poll(client, epath, before_e), poll(client, npath, before_n)
    # The deleted event's own feed still answers, with the cancellation.
    assert after_e.status_code == after_n.status_code == 200
    [gone_e] = entries(after_e.data).values()
    [gone_n] = entries(after_n.data).values()
    assert_tombstone(entry_e, gone_e)
    assert str(gone_n["UID"]) == f"event-{event_id}@{DEPLOYMENT_ID}"
    # Its volunteer's and team's feeds were told too (shift and assignment went with it).
    assert db_session.scalar(select(func.count(FeedTombstone.id))) == 3


def test_an_assignment_given_to_someone_else(client: FlaskClient, db_session: Session,
                                             published) -> None:
    old, assignment = published["volunteer"], published["assignment"]
    new = make_volunteer(db_session, name="李明", neighbourhood=published["hood"])
    before = client.get(vpath(old))
    [entry] = entries(before.data).values()
    assignment.volunteer = new
    db_session.flush()
    [gone] = entries(poll(client, vpath(old), before).data).values()
    assert_tombstone(entry, gone)
    [mine] = entries(client.get(vpath(new)).data).values()
    assert mine["STATUS"] == "CONFIRMED"


def test_a_shift_moved_to_another_team_and_back(client: FlaskClient, db_session: Session,
                                                published) -> None:
    shift, team = published["shift"], published["team"]
    other = make_team(db_session, name="量血压服务队")
    tpath = f"/feeds/t/{team.feed_token}.ics"
    before = client.get(tpath)
    [entry] = entries(before.data).values()
    shift.team = other
    db_session.flush()
    middle = poll(client, tpath, before)
    [gone] = entries(middle.data).values()
    assert_tombstone(entry, gone)
    [elsewhere] = entries(client.get(f"/feeds/t/{other.feed_token}.ics").data).values()
    assert elsewhere["STATUS"] == "CONFIRMED"
    backdate(db_session, shift, seconds=1)
    shift.team = team
    db_session.flush()
    # Back: one live entry (no duplicate UID), newer than the cancellation the client holds.
    [back] = entries(client.get(tpath).data).values()
    assert back["STATUS"] == "CONFIRMED" and back["SEQUENCE"] > gone["SEQUENCE"]


def test_drafts_and_proposals_leave_no_tombstone(db_session: Session, published) -> None:
    draft = make_event(db_session, status=EventStatus.draft, is_public=True,
                       neighbourhood=published["hood"])
    shift = make_shift(db_session, draft, team=published["team"])
    make_assignment(db_session, shift, published["volunteer"],
                    status=AssignmentStatus.confirmed)
    proposal = make_assignment(db_session, published["shift"],
                               make_volunteer(db_session, neighbourhood=published["hood"]),
                               status=AssignmentStatus.proposed)
    db_session.delete(draft)
    db_session.delete(proposal)
    db_session.flush()
    assert db_session.scalar(select(func.count(FeedTombstone.id))) == 0


def test_deleting_a_shift_in_the_admin_leaves_a_tombstone(
        client: FlaskClient, db_session: Session, published) -> None:
    make_user(db_session, username="boss")
    volunteer, shift = published["volunteer"], published["shift"]
    before = client.get(vpath(volunteer))
    login(client, "boss", PASSWORD)
    response = client.post("/admin/shift/delete/", data={
        "id": shift.id, "csrf_token": csrf_token(client, "/admin/shift/")})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.scalar(select(func.count(Assignment.id)).where(
        Assignment.volunteer_id == volunteer.id)) == 0
    [gone] = entries(poll(client, vpath(volunteer), before).data).values()
    assert gone["STATUS"] == "CANCELLED"


def test_public_tombstones_carry_no_phone(db_session: Session, published, app: Flask) -> None:
    event = published["event"]
    event.title = "义诊 联系13912345678"
    db_session.flush()
    db_session.delete(event)
    db_session.flush()
    with app.app_context():
        feed = feeds.build_public_feed(db_session, FeedKind.neighbourhood,
                                       published["hood"].id, now=utcnow(), settings=SETTINGS,
                                       locale="zh_CN")
    assert "13912345678" not in feed.body.decode()
    assert "已取消" in feed.body.decode()


# -- Bulk and cascading deletes: no flush, no ORM cascade, still a tombstone -----------------


def test_a_bulk_delete_of_assignments_leaves_tombstones(
        client: FlaskClient, db_session: Session, published) -> None:
    volunteer, shift = published["volunteer"], published["shift"]
    before = client.get(vpath(volunteer))
    [first] = entries(before.data).values()
    db_session.execute(delete(Assignment).where(Assignment.shift_id == shift.id))
    after = poll(client, vpath(volunteer), before)
    assert after.status_code == 200
    [gone] = entries(after.data).values()
    assert_tombstone(first, gone)
    assert after.headers["Last-Modified"] != before.headers["Last-Modified"]
    assert poll(client, vpath(volunteer), after).status_code == 304


def test_a_deleted_event_cascading_in_the_database_leaves_tombstones_everywhere(
        client: FlaskClient, db_session: Session, published) -> None:
    """A Core DELETE of the event: the database removes its shift and assignment by ON DELETE
    CASCADE, which no ORM listener sees; every feed that showed them keeps a cancellation."""
    event, hood, team = published["event"], published["hood"], published["team"]
    volunteer, shift = published["volunteer"], published["shift"]
    paths = [vpath(volunteer), f"/feeds/t/{team.feed_token}.ics",
             f"/feeds/events/{event.id}.ics", f"/feeds/neighbourhoods/{hood.id}.ics"]
    before = {path: client.get(path) for path in paths}
    old = {path: entries(response.data) for path, response in before.items()}
    uids = {path: set(found) for path, found in old.items()}
    assert all(len(found) == 1 for found in uids.values())
    db_session.execute(Event.__table__.delete().where(Event.__table__.c.id == event.id))
    assert db_session.scalar(select(func.count()).where(Shift.id == shift.id)) == 0
    for path in paths:
        after = poll(client, path, before[path])
        assert after.status_code == 200, path
        [(uid, gone)] = entries(after.data).items()
        [(old_uid, entry)] = old[path].items()
        assert uid == old_uid
        assert_tombstone(entry, gone)
        assert after.headers["Last-Modified"] != before[path].headers["Last-Modified"]
        assert poll(client, path, after).status_code == 304


def test_a_bulk_delete_of_drafts_leaves_no_tombstone(db_session: Session, published) -> None:
    shift, volunteer = published["shift"], published["volunteer"]
    draft = make_assignment(db_session, shift, make_volunteer(db_session),
                            status=AssignmentStatus.proposed)
    db_session.execute(delete(Assignment).where(Assignment.id == draft.id))
    db_session.flush()
    assert db_session.scalar(select(func.count(FeedTombstone.id))) == 0
    assert volunteer.id is not None
