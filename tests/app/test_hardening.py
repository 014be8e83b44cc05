"""Issue 10 hardening, application side."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.enums import EventKind, EventStatus
from app.models import Event
from tests.factories import make_event, make_household, make_neighbourhood

pytestmark = pytest.mark.integration


# --- 2. Care visits and household events are never public --------------------------------

def test_private_events_default_to_not_public(db_session: Session) -> None:
    visit = make_event(db_session, kind=EventKind.care_visit)
    household_event = make_event(db_session, kind=EventKind.other,
                                 household=make_household(db_session))
    ordinary = make_event(db_session)
    assert (visit.is_public, household_event.is_public, ordinary.is_public) == (
        False, False, True)


@pytest.mark.parametrize("kw", [{"kind": EventKind.care_visit}, {"kind": EventKind.other}])
def test_the_database_refuses_a_public_private_event(db_session: Session, kw) -> None:
    neighbourhood = make_neighbourhood(db_session)
    household = make_household(db_session, neighbourhood=neighbourhood)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        make_event(db_session, neighbourhood=neighbourhood, household=household,
                   is_public=True, **kw)
    visit = make_event(db_session, neighbourhood=neighbourhood, kind=EventKind.care_visit)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.execute(update(Event).where(Event.id == visit.id).values(is_public=True))
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.execute(text("UPDATE events SET is_public = true WHERE id = :id"),
                           {"id": visit.id})


def test_one_helper_decides_what_is_public(db_session: Session) -> None:
    ordinary = make_event(db_session, status=EventStatus.published)
    visit = make_event(db_session, kind=EventKind.care_visit, status=EventStatus.published)
    shown = set(db_session.scalars(select(Event.id).where(Event.shown_publicly)))
    assert ordinary.id in shown and visit.id not in shown
    assert ordinary.shown_publicly and not visit.shown_publicly
    visit.is_public = True  # in memory only (the database would refuse it)
    assert not visit.shown_publicly
    db_session.expire(visit)


# --- 11. Headers, HTTPS, fixed outcome codes --------------------------------------------------

def test_respond_done_shows_only_known_outcomes(client) -> None:
    forged = client.get("/respond/done/您的账户已被冻结，请致电 400-123-4567")
    assert forged.status_code == 404
    assert "400-123-4567" not in forged.get_data(as_text=True)
    assert client.get("/respond/done/confirmed").status_code == 200


def test_pages_allow_no_inline_scripts(client, db_session) -> None:
    import re

    page = client.get("/login")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline' ; " not in policy
    assert "script-src 'self' 'unsafe-inline'" not in policy
    templates = __import__("pathlib").Path("app/templates")
    for template in templates.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script>|<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r"\son[a-z]+=", text), template


def test_https_option_sends_hsts_and_secure_cookies(database_url: str) -> None:
    from tests.conftest import temporary_app

    with temporary_app(database_url) as plain_app:
        plain = plain_app.test_client().get("/login")
    assert "Strict-Transport-Security" not in plain.headers
    with temporary_app(database_url, LINLI_HTTPS=True) as app:
        response = app.test_client().get("/login", base_url="https://linli.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = response.headers.get("Set-Cookie", "")
    assert "Secure" in cookie, cookie
