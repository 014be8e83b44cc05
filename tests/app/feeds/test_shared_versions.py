"""Personal feed versions shared through Redis (app.services.feeds.shared): an unchanged poll is
answered 304 by any process without the database, and any committed change sends the next
poll back to it. Collected only where Redis is configured (TEST_HUEY_URL, CI's second run)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, EventStatus
from app.extensions import db
from app.feeds.views import feed_cache
from app.models import Assignment, Event, Volunteer, utcnow
from app.services.feeds.base import RenderedFeed
from app.services.feeds.shared import (
    EXTENSION,
    NOT_A_FEED_CHANGE,
    KnownFeed,
    SharedFeedVersions,
    needs_database,
)
from tests.conftest import _rolled_back_session, temporary_app
from tests.factories import future, make_assignment, make_event, make_shift, make_volunteer

REDIS_URL = os.environ["TEST_HUEY_URL"]


@pytest.fixture
def queue_name() -> Iterator[str]:
    name = f"test-feeds-{secrets.token_hex(4)}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{name}-*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def shared_app(app: Flask, database_url: str, queue_name: str) -> Iterator[Flask]:
    """A web process with Redis configured (`app` has migrated the database)."""
    with temporary_app(database_url, REDIS_URL=REDIS_URL, HUEY_NAME=queue_name) as application:
        yield application


@pytest.fixture
def session(shared_app: Flask) -> Iterator[Session]:
    with _rolled_back_session(shared_app) as rolled_back:
        yield rolled_back


@pytest.fixture
def client(shared_app: Flask, session: Session) -> FlaskClient:
    return shared_app.test_client()


@pytest.fixture
def assignment(session: Session) -> Assignment:
    """A member's confirmed shift next week, committed."""
    member = make_volunteer(session, name="王芳")
    start = future(7)
    event_ = make_event(session, start_at=start, end_at=start + timedelta(hours=3),
                        neighbourhood=member.neighbourhood, status=EventStatus.published,
                        place="金桥镇社区服务中心")
    made = make_assignment(session, make_shift(session, event_, title="量血压"), member,
                           status=AssignmentStatus.confirmed)
    session.commit()
    return made


@pytest.fixture
def volunteer(assignment: Assignment) -> Volunteer:
    return assignment.volunteer


def url(member: Volunteer) -> str:
    return f"/feeds/v/{member.feed_token}.ics"


def statements_during(application: Flask, call) -> tuple[list[str], object]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    with application.app_context():
        engine = db.engines[None]
    event.listen(engine, "before_cursor_execute", count)
    try:
        result = call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen, result


def test_an_unchanged_poll_is_answered_without_the_database(
        shared_app: Flask, client: FlaskClient, volunteer: Volunteer) -> None:
    first = client.get(url(volunteer))
    assert first.status_code == 200
    etag = first.headers["ETag"]
    statements, again = statements_during(
        shared_app, lambda: client.get(url(volunteer), headers={"If-None-Match": etag}))
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "private, no-cache"
    assert statements == []
    # Another ETag needs the bytes: the database is asked.
    statements, other = statements_during(
        shared_app, lambda: client.get(url(volunteer), headers={"If-None-Match": '"old"'}))
    assert other.status_code == 200 and statements


def test_another_process_answers_from_what_the_first_one_left(
        database_url: str, queue_name: str, client: FlaskClient, volunteer: Volunteer) -> None:
    etag = client.get(url(volunteer)).headers["ETag"]
    # A second worker: same Redis and queue name, its own connections, which cannot see the
    # test's uncommitted rows, so a 304 can only come from Redis.
    with temporary_app(database_url, REDIS_URL=REDIS_URL, HUEY_NAME=queue_name) as worker:
        other = worker.test_client()
        assert other.get(url(volunteer), headers={"If-None-Match": etag}).status_code == 304
        assert other.get(url(volunteer)).status_code == 404  # the bytes need its database


def test_a_committed_change_is_seen_at_the_next_poll(
        shared_app: Flask, client: FlaskClient, session: Session, volunteer: Volunteer,
        assignment: Assignment) -> None:
    first = client.get(url(volunteer))
    shift = assignment.shift
    with shared_app.app_context():
        shift.start_at += timedelta(hours=1)
        shift.end_at += timedelta(hours=1)
        session.commit()
    changed = client.get(url(volunteer), headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_a_statement_outside_the_flush_is_seen_too(
        shared_app: Flask, client: FlaskClient, session: Session, volunteer: Volunteer,
        assignment: Assignment) -> None:
    first = client.get(url(volunteer))
    event_id = assignment.shift.event_id
    with shared_app.app_context():
        session.execute(update(Event).where(Event.id == event_id).values(place="新的地点"))
        session.commit()
    feed_cache(shared_app).clear()  # the bulk UPDATE keeps updated_at; the bytes still change
    changed = client.get(url(volunteer), headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "新的地点" in changed.get_data(as_text=True)


def test_a_rolled_back_change_leaves_the_generation(
        shared_app: Flask, session: Session, volunteer: Volunteer,
        assignment: Assignment) -> None:
    shared: SharedFeedVersions = shared_app.extensions[EXTENSION]
    before, _ = shared.lookup(volunteer.feed_token)
    with shared_app.app_context():
        assignment.shift.title = "不算数"
        session.flush()
        session.rollback()
    assert shared.lookup(volunteer.feed_token)[0] == before


def test_a_deactivated_member_gets_404_at_once(
        shared_app: Flask, client: FlaskClient, session: Session, volunteer: Volunteer) -> None:
    etag = client.get(url(volunteer)).headers["ETag"]
    with shared_app.app_context():
        volunteer.active = False
        session.commit()
    assert client.get(url(volunteer), headers={"If-None-Match": etag}).status_code == 404


def test_the_fetch_is_still_recorded_every_ten_minutes(
        shared_app: Flask, client: FlaskClient, session: Session, volunteer: Volunteer) -> None:
    first = client.get(url(volunteer))
    etag = first.headers["ETag"]
    shared: SharedFeedVersions = shared_app.extensions[EXTENSION]
    generation, known = shared.lookup(volunteer.feed_token)
    assert known is not None
    # As if the last recorded fetch were 11 minutes old.
    long_ago = utcnow() - timedelta(minutes=11)
    with shared_app.app_context():
        session.execute(update(Volunteer).where(Volunteer.id == volunteer.id)
                        .values(feed_fetched_at=long_ago)
                        .execution_options(**{NOT_A_FEED_CHANGE: True}))
        session.commit()
    shared.remember(volunteer.feed_token, generation,
                    RenderedFeed(b"", etag, known.last_modified), long_ago)
    statements, again = statements_during(
        shared_app, lambda: client.get(url(volunteer), headers={"If-None-Match": etag}))
    assert again.status_code == 304 and statements  # went to the database to record it
    session.expire_all()
    assert volunteer.feed_fetched_at > long_ago
    assert shared.lookup(volunteer.feed_token)[1].fetched_at > long_ago


def test_recording_a_fetch_is_not_a_change(
        shared_app: Flask, client: FlaskClient, session: Session, volunteer: Volunteer) -> None:
    shared: SharedFeedVersions = shared_app.extensions[EXTENSION]
    before, _ = shared.lookup(volunteer.feed_token)
    client.get(url(volunteer))  # records the fetch (feed_fetched_at was empty)
    session.expire_all()
    assert volunteer.feed_fetched_at is not None
    assert shared.lookup(volunteer.feed_token)[0] == before


def test_a_redis_that_does_not_answer_sends_polls_to_the_database(
        client: FlaskClient, shared_app: Flask, volunteer: Volunteer) -> None:
    down = SharedFeedVersions.from_url("redis://127.0.0.1:1/0", prefix="down", seconds=60)
    shared_app.extensions[EXTENSION] = down
    first = client.get(url(volunteer))
    assert first.status_code == 200
    assert client.get(url(volunteer), headers={"If-None-Match": first.headers["ETag"]}
                      ).status_code == 304
    down.changed()  # logged, not raised


def test_a_known_feed_needs_the_database_when_its_fetch_is_due() -> None:
    now = utcnow()
    fresh = KnownFeed('"e"', None, now - timedelta(minutes=9))
    due = KnownFeed('"e"', None, now - timedelta(minutes=10))
    assert not needs_database(fresh, now)
    assert needs_database(due, now)
    assert needs_database(KnownFeed('"e"', None, None), now)
    assert needs_database(None, now)


def test_an_entry_it_cannot_read_sends_the_poll_to_the_database(
        shared_app: Flask, client: FlaskClient, volunteer: Volunteer) -> None:
    shared: SharedFeedVersions = shared_app.extensions[EXTENSION]
    etag = client.get(url(volunteer)).headers["ETag"]
    shared.client.set(shared._key(volunteer.feed_token), b"left by another version")
    assert shared.lookup(volunteer.feed_token)[1] is None
    assert client.get(url(volunteer), headers={"If-None-Match": etag}).status_code == 304
    assert shared.lookup(volunteer.feed_token)[1] is not None  # written again
