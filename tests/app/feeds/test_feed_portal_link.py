"""The link in each entry of a volunteer's own feed opens their portal without a login (signed,
per volunteer, the same bytes on every fetch), leads to the entry's page, ends when the feed
link is replaced, and never reaches a log."""

from __future__ import annotations

import icalendar
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, EventStatus
from app.feeds import logs
from app.services import feeds
from tests.factories import make_assignment, make_event, make_shift, make_volunteer

pytestmark = pytest.mark.integration


def _entry_url(client: FlaskClient, volunteer) -> str:
    body = client.get(f"/feeds/v/{volunteer.feed_token}.ics").data
    [entry] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    return str(entry["URL"])


def test_the_feed_link_opens_the_portal_without_login(client: FlaskClient, db_session: Session,
                                                       app: Flask) -> None:
    volunteer = make_volunteer(db_session, name="郭琴", locale="zh_CN")
    event = make_event(db_session, status=EventStatus.published,
                       neighbourhood=volunteer.neighbourhood)
    assignment = make_assignment(db_session, make_shift(db_session, event), volunteer,
                                 status=AssignmentStatus.confirmed)
    url = _entry_url(client, volunteer)
    assert url.startswith("http://linli.test/portal/?f=")
    assert url.endswith(f"#assignment-{assignment.id}")
    assert _entry_url(client, volunteer) == url  # the same bytes on the next fetch
    path = url.removeprefix("http://linli.test").partition("#")[0]
    opened = client.get(path)
    assert opened.status_code == 302 and opened.headers["Location"] == "/portal/"
    page = client.get("/portal/").get_data(as_text=True)
    assert f'id="assignment-{assignment.id}"' in page
    # A visit's link leads to the visit list.
    other = client.application.test_client()
    assert other.get(path + "&to=visits").headers["Location"] == "/portal/visits"
    assert other.get(path + "&to=elsewhere").headers["Location"] == "/portal/"
    # A forged or altered link opens nothing.
    stranger = client.application.test_client()
    assert "/login" in stranger.get(path[:-3] + "abc").headers["Location"]
    # Replacing the feed link ends the old one.
    with app.app_context():
        feeds.rotate_volunteer_token(db_session, volunteer)
    assert "/login" in stranger.get(path).headers["Location"]
    assert logs.redact(f'"GET {path} HTTP/1.1" 302', app.url_map) == \
        '"GET /portal/?f=[redacted] HTTP/1.1" 302'
