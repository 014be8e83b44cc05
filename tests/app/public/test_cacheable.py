"""The public event pages are cacheable for anonymous visitors: no session cookie, an ETag and
304; the sign-up form still works (and still refuses a missing or forged token), and the
anonymous token opens no other form."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import EventStatus
from app.models import Registration
from tests.app.conftest import signup_form
from tests.factories import make_event

pytestmark = pytest.mark.integration


def token_of(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                     r'name="csrf_token" value="([^"]+)"', html).group(0).rsplit('"', 2)[-2]


def test_anonymous_event_page_sets_no_cookie_and_answers_304(client: FlaskClient,
                                                            db_session: Session) -> None:
    event = make_event(db_session, capacity=5, status=EventStatus.published)
    first = client.get(f"/events/{event.id}")
    assert first.status_code == 200
    assert "Set-Cookie" not in first.headers
    assert first.headers["Cache-Control"] == "no-cache"
    etag = first.headers["ETag"]
    again = client.get(f"/events/{event.id}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    listing = client.get("/events/")
    assert "Set-Cookie" not in listing.headers and listing.headers.get("ETag")
    # Another language is another page, with its own ETag.
    english = client.get(f"/events/{event.id}", headers={"Accept-Language": "en",
                                                         "If-None-Match": etag})
    assert english.status_code in (200, 304)
    assert "Accept-Language" in first.headers["Vary"]


def test_anonymous_sign_up_with_the_page_token(client: FlaskClient, db_session: Session) -> None:
    event = make_event(db_session, capacity=5, status=EventStatus.published)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    token = token_of(page)
    done = client.post(f"/events/{event.id}/signup", data={**signup_form(), "csrf_token": token})
    assert done.status_code == 303
    forged = client.post(f"/events/{event.id}/signup",
                         data={**signup_form(phone="13900000002"), "csrf_token": token + "x"})
    assert forged.status_code == 400
    db_session.expire_all()
    assert len(db_session.scalars(select(Registration)).all()) == 1


def test_the_anonymous_token_opens_no_other_form(app, client: FlaskClient,
                                                 db_session: Session) -> None:
    event = make_event(db_session, capacity=5, status=EventStatus.published)
    token = token_of(client.get(f"/events/{event.id}").get_data(as_text=True))
    # The language switch accepts it; logging in or out does not.
    assert client.post("/language", data={"locale": "en", "csrf_token": token}).status_code == 302
    other = app.test_client()
    assert other.post("/logout", data={"csrf_token": token}).status_code == 400
    assert other.post("/login", data={"username": "x", "password": "y",
                                      "csrf_token": token}).status_code in (200, 400)


def test_a_sign_up_changes_the_validator(client: FlaskClient, db_session: Session) -> None:
    event = make_event(db_session, capacity=5, status=EventStatus.published)
    page = client.get(f"/events/{event.id}")
    etag = page.headers["ETag"]
    assert client.get(f"/events/{event.id}", headers={"If-None-Match": etag}).status_code == 304
    token = token_of(page.get_data(as_text=True))
    anonymous = client.application.test_client()
    assert anonymous.post(f"/events/{event.id}/signup",
                          data={**signup_form(), "csrf_token": token}).status_code == 303
    fresh = client.get(f"/events/{event.id}", headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    assert "4" in fresh.get_data(as_text=True)  # places left
