"""One byte-level snapshot per feed kind: the same rows give the same bytes, and a change in
what a calendar client receives shows up as a diff. Rows get fixed ids far above what
sequences hand out, so the bytes are the same on every database. Regenerate after an
intended change with `LINLI_UPDATE_SNAPSHOTS=1 pytest tests/app/services/feeds`
and read the diff."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, EventStatus, RoundStatus, VisitKind, VisitOutcome
from app.models import FeedTombstone, Visit, VisitRound
from app.services import feeds
from app.services.feeds import FeedKind, FeedSettings
from tests import factories

pytestmark = pytest.mark.integration

SNAPSHOTS = Path(__file__).parent / "snapshots"
NOW = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)
CREATED = datetime(2027, 2, 20, 2, 0, tzinfo=UTC)
CHANGED = datetime(2027, 2, 25, 3, 30, tzinfo=UTC)
SETTINGS = FeedSettings("https://linli.example.cn", "2f4c9a1e7b3d4e8f9a6c5b1d0e2f3a4b",
                        link_key="snapshot-secret-key")


@pytest.fixture
def rows(db_session: Session):
    stamps = {"created_at": CREATED, "updated_at": CHANGED}
    hood = factories.make_neighbourhood(db_session, id=900001, name="佳虹", name_en="Jiahong")
    skill = factories.make_skill(db_session, id=900002, code="haircut_snap", name_zh="理发",
                                 name_en="Haircut")
    team = factories.make_team(db_session, id=900003, name="理发服务队")
    start = datetime(2027, 3, 5, 0, 30, tzinfo=UTC)
    event = factories.make_event(
        db_session, id=900004, neighbourhood=hood, title="学雷锋服务日", place="金桥镇社区广场",
        contact="王主任 13900000000", start_at=start, end_at=start + timedelta(hours=4),
        status=EventStatus.published, is_public=True, **stamps)
    shift = factories.make_shift(db_session, event, id=900005, title="理发", skill=skill, team=team,
                                 start_at=start, end_at=start + timedelta(hours=3), **stamps)
    volunteer = factories.make_volunteer(db_session, id=900006, name="郭琴", neighbourhood=hood,
                                         feed_token="snapshot-feed-token-0123456789",
                                         locale="zh_CN", **stamps)
    factories.make_assignment(db_session, shift, volunteer, id=900007,
                              status=AssignmentStatus.confirmed, sequence=1, **stamps)
    return {"volunteer": volunteer, "team": team, "event": event, "hood": hood}


def _check(kind: str, body: bytes) -> None:
    path = SNAPSHOTS / f"{kind}.ics"
    if os.environ.get("LINLI_UPDATE_SNAPSHOTS"):
        path.write_bytes(body)
    assert body == path.read_bytes()
    assert body.endswith(b"END:VCALENDAR\r\n")


def test_volunteer_feed(app: Flask, db_session: Session, rows) -> None:
    with app.app_context():
        feed = feeds.build_volunteer_feed(db_session, rows["volunteer"], now=NOW,
                                          settings=SETTINGS)
    _check("volunteer", feed.body)


def test_team_feed(app: Flask, db_session: Session, rows) -> None:
    with app.app_context():
        feed = feeds.build_team_feed(db_session, rows["team"], now=NOW, settings=SETTINGS,
                                     locale="zh_CN")
    _check("team", feed.body)


@pytest.mark.parametrize("kind", [FeedKind.event, FeedKind.neighbourhood])
def test_public_feeds(app: Flask, db_session: Session, rows, kind: FeedKind) -> None:
    owner = rows["event"].id if kind == FeedKind.event else rows["hood"].id
    with app.app_context():
        feed = feeds.build_public_feed(db_session, kind, owner, now=NOW, settings=SETTINGS,
                                       locale="en")
    _check(kind.value, feed.body)
    assert "13900000000" not in feed.body.decode()  # no contact on a public feed


def test_volunteer_feed_with_visits(app: Flask, db_session: Session, rows) -> None:
    """Contacts of a published visit round: a planned one and one already recorded."""
    stamps = {"created_at": CREATED, "updated_at": CHANGED}
    volunteer = rows["volunteer"]
    household = factories.make_household(
        db_session, id=900008, neighbourhood=rows["hood"], address="佳虹路100弄12号701室",
        contact_name="李阿婆", contact_phone="13811112222", notes="耳背", **stamps)
    round_ = VisitRound(id=900009, neighbourhood=rows["hood"], starts_on=NOW.date(), weeks=2,
                        status=RoundStatus.published, **stamps)
    db_session.add_all([
        round_,
        Visit(id=900010, household=household, round=round_, volunteer=volunteer,
              kind=VisitKind.door, outcome=VisitOutcome.planned,
              visited_at=datetime(2027, 3, 6, 11, 0, tzinfo=UTC), **stamps),
        Visit(id=900011, household=household, round=round_, volunteer=volunteer,
              kind=VisitKind.phone, outcome=VisitOutcome.not_at_home,
              visited_at=datetime(2027, 2, 26, 2, 0, tzinfo=UTC), **stamps),
    ])
    db_session.flush()
    with app.app_context():
        feed = feeds.build_volunteer_feed(db_session, volunteer, now=NOW, settings=SETTINGS)
    _check("volunteer_visits", feed.body)
    assert "13811112222" not in feed.body.decode() and "耳背" not in feed.body.decode()


def test_removed_entries(app: Flask, db_session: Session, rows) -> None:
    """The shift deleted: the volunteer's and the team's entries stay as CANCELLED tombstones
    (SEQUENCE one higher), the public event (deleted too) in the neighbourhood's feed."""
    db_session.delete(rows["event"])
    db_session.flush()
    for stone in db_session.scalars(select(FeedTombstone)):
        stone.removed_at = CHANGED + timedelta(days=1)
    db_session.flush()
    with app.app_context():
        volunteer = feeds.build_volunteer_feed(db_session, rows["volunteer"], now=NOW,
                                               settings=SETTINGS)
        team = feeds.build_team_feed(db_session, rows["team"], now=NOW, settings=SETTINGS,
                                     locale="zh_CN")
        hood = feeds.build_public_feed(db_session, FeedKind.neighbourhood, rows["hood"].id,
                                       now=NOW, settings=SETTINGS, locale="zh_CN")
    _check("volunteer_removed", volunteer.body)
    _check("team_removed", team.body)
    _check("neighbourhood_removed", hood.body)
    assert "13900000000" not in hood.body.decode()
