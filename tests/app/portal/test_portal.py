"""The volunteer portal: signed links and login, the subscribe page, rotation, .ics import."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import segno
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import Role
from app.models import Blackout, Volunteer
from app.services import ics_import, links
from tests.factories import PASSWORD, future, make_team, make_user, make_volunteer
from tests.helpers import csrf_token_from, login

pytestmark = pytest.mark.integration


def signed_link(app: Flask, volunteer: Volunteer) -> str:
    return "/portal/?t=" + links.portal_token(app.config["SECRET_KEY"], volunteer.id,
                                              volunteer.feed_token)


def open_portal(client: FlaskClient, app: Flask, volunteer: Volunteer) -> str:
    response = client.get(signed_link(app, volunteer))
    assert response.status_code == 302 and response.location.endswith("/portal/")
    page = client.get("/portal/")
    assert page.status_code == 200
    return page.get_data(as_text=True)


@pytest.mark.parametrize(("locale", "html_lang", "google"), [
    ("zh_CN", 'lang="zh-CN"', "在中国大陆通常无法访问 Google 日历"),
    ("en", 'lang="en"', "Google refreshes subscribed calendars only every several hours"),
])
def test_subscribe_page(client, app, db_session: Session, locale, html_lang, google) -> None:
    volunteer = make_volunteer(db_session, locale=locale)
    make_team(db_session, lead=volunteer)
    html = open_portal(client, app, volunteer)
    assert html_lang in html
    assert f'href="webcal://linli.test/feeds/v/{volunteer.feed_token}.ics"' in html
    assert f'value="http://linli.test/feeds/v/{volunteer.feed_token}.ics"' in html
    assert "<svg" in html and 'class="segno"' in html
    # The QR code holds the https link (WeChat's scanner does not open webcal://).
    https = f"http://linli.test/feeds/v/{volunteer.feed_token}.ics"
    qr = segno.make(https, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    assert qr in html
    # What works in the mainland first, Google Calendar last; a file for phones that cannot
    # subscribe.
    guide = html[html.index('id="how-to-subscribe"'):]
    assert guide.index("Apple") < guide.index("OPPO") < guide.index("Outlook") \
        < guide.index("Google")
    assert f'href="{https}?download=1"' in html
    download = client.get(f"/feeds/v/{volunteer.feed_token}.ics?download=1")
    assert download.headers["Content-Disposition"] == 'attachment; filename="linli.ics"'
    assert download.data.startswith(b"BEGIN:VCALENDAR")
    assert 'id="copy-button"' in html
    assert google in html
    assert "/feeds/t/" in html  # the lead also sees the team feed
    response = client.get("/portal/")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_login_as_volunteer_user(client, db_session: Session) -> None:
    volunteer = make_volunteer(db_session)
    user = make_user(db_session, role=Role.volunteer)
    user.volunteer_id = volunteer.id
    db_session.flush()
    assert client.get("/portal/").status_code == 302  # not logged in: to the login page
    login(client, user.username, PASSWORD)
    html = client.get("/portal/").get_data(as_text=True)
    assert volunteer.feed_token in html


def test_bad_expired_and_revoked_links(client, app, db_session: Session) -> None:
    volunteer = make_volunteer(db_session)
    response = client.get("/portal/?t=forged.token")
    assert response.status_code == 302 and "/login" in response.location
    assert client.get("/portal/").status_code == 302
    link = signed_link(app, volunteer)
    volunteer.feed_token = "a" * 43  # rotated: old mails stop working
    db_session.flush()
    client.get(link)
    assert client.get("/portal/").status_code == 302
    good = signed_link(app, volunteer)
    open_portal(client, app, volunteer)
    volunteer.active = False
    db_session.flush()
    assert client.get("/portal/").status_code == 302
    assert links.read_portal_token(app.config["SECRET_KEY"], good[len("/portal/?t="):],
                                   max_age=-1) is None


def test_rotate_link(client, app, db_session: Session) -> None:
    volunteer = make_volunteer(db_session)
    html = open_portal(client, app, volunteer)
    old = volunteer.feed_token
    assert client.post("/portal/rotate").status_code == 400  # no CSRF token
    response = client.post("/portal/rotate", data={"csrf_token": csrf_token_from(html)})
    assert response.status_code == 302
    db_session.expire_all()
    assert volunteer.feed_token != old
    assert client.get(f"/feeds/v/{old}.ics").status_code == 404
    assert client.get(f"/feeds/v/{volunteer.feed_token}.ics").status_code == 200
    assert volunteer.feed_token in client.get("/portal/").get_data(as_text=True)


def _ics(start, end) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n"
        "DTSTAMP:20260101T000000Z\r\nSUMMARY:家长会\r\n"
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}\r\nDTEND:{end:%Y%m%dT%H%M%SZ}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_import_preview_confirm_and_duplicates(client, app, db_session: Session) -> None:
    volunteer = make_volunteer(db_session)
    html = open_portal(client, app, volunteer)
    token = csrf_token_from(html)
    start = future(5)
    data = _ics(start, start + timedelta(hours=2))
    preview = client.post("/portal/import", data={
        "csrf_token": token, "file": (io.BytesIO(data), "cal.ics")},
        content_type="multipart/form-data")
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "家长会" in page and 'id="preview"' in page
    assert db_session.scalar(select(Blackout).where(Blackout.volunteer_id == volunteer.id)) is None
    signed = page.split('name="preview" value="')[1].split('"')[0]
    for _ in range(2):
        done = client.post("/portal/import/confirm", data={"csrf_token": token,
                                                           "preview": signed})
        assert done.status_code == 302
    blackouts = db_session.scalars(
        select(Blackout).where(Blackout.volunteer_id == volunteer.id)).all()
    assert len(blackouts) == 1  # the second confirm skipped the exact duplicate
    assert blackouts[0].reason == "imported from calendar"
    assert blackouts[0].start_at == start
    tampered = client.post("/portal/import/confirm", data={"csrf_token": token,
                                                           "preview": signed + "x"})
    assert tampered.status_code == 400


def test_import_malformed_and_too_large(client, app, db_session: Session,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # A smaller limit keeps the test client from spooling a 1 MB body to a temporary file.
    monkeypatch.setattr(ics_import, "MAX_BYTES", 10_000)
    volunteer = make_volunteer(db_session)
    token = csrf_token_from(open_portal(client, app, volunteer))
    for content, message in ((b"not a calendar", "BEGIN:VCALENDAR"),
                             (b"BEGIN:VCALENDAR\r\n" + b"x" * 10_000, "1 MB")):
        response = client.post("/portal/import", data={
            "csrf_token": token, "file": (io.BytesIO(content), "cal.ics")},
            content_type="multipart/form-data")
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert db_session.scalar(select(Blackout).where(Blackout.volunteer_id == volunteer.id)) is None


def test_import_refuses_the_rrule_bomb(client, app, db_session: Session) -> None:
    from tests.app.portal.test_ics_import import BOMB

    volunteer = make_volunteer(db_session)
    token = csrf_token_from(open_portal(client, app, volunteer))
    response = client.post("/portal/import", data={
        "csrf_token": token, "file": (io.BytesIO(BOMB), "bomb.ics")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "每小时或更频繁" in response.get_data(as_text=True)
    assert db_session.scalar(select(Blackout).where(Blackout.volunteer_id == volunteer.id)) is None


def test_replacing_the_link_ends_copied_portal_sessions(client, app, db_session: Session) -> None:
    from app.services import feeds

    volunteer = make_volunteer(db_session)
    html = open_portal(client, app, volunteer)
    name = app.config["SESSION_COOKIE_NAME"]
    copy = app.test_client()
    copy.set_cookie(name, client.get_cookie(name).value)
    assert copy.get("/portal/").status_code == 200  # a copied cookie works ... until
    response = client.post("/portal/rotate", data={"csrf_token": csrf_token_from(html)})
    assert response.status_code == 302
    db_session.expire_all()
    assert client.get("/portal/").status_code == 200  # the volunteer's own session goes on
    stolen = copy.get("/portal/")
    assert stolen.status_code == 302 and "/login" in stolen.location
    assert volunteer.feed_token not in stolen.get_data(as_text=True)
    feeds.rotate_volunteer_token(db_session, volunteer)  # as a coordinator does in the admin
    db_session.flush()
    assert client.get("/portal/").status_code == 302
