"""A resident on a phone: browse, sign up, confirmation, cancel, and the waitlist on a full
event — in Chinese and in English, in Debian's chromium at 390×844, with screenshots."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask import Flask

from app.extensions import db
from tests.live import add_event

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("LINLI_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}

if not Path(CHROMIUM).exists():
    pytest.skip(f"chromium not found at {CHROMIUM}: apt-get install -y chromium "
                "fonts-wqy-microhei", allow_module_level=True)

playwright_sync = pytest.importorskip("playwright.sync_api")



def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def add_station(app: Flask, event_id: int, title: str) -> None:
    from app.models import Event, Shift

    with app.app_context():
        event = db.session.get(Event, event_id)
        db.session.add(Shift(event=event, title=title, start_at=event.start_at,
                             end_at=event.end_at))
        db.session.commit()


def fits_width(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize(("locale", "javascript"), [("zh-CN", False), ("en-US", True)])
def test_browse_sign_up_confirm_cancel_and_waitlist(browser, site, locale: str,
                                                    javascript: bool) -> None:
    app, base = site
    tag = "zh" if locale.startswith("zh") else "en"
    event_id = add_event(app, capacity=2)
    add_station(app, event_id, "量血压")
    full_id = add_event(app, capacity=1, place="社区活动中心")
    context = browser.new_context(viewport=PHONE, locale=locale, java_script_enabled=javascript,
                                  extra_http_headers={"Accept-Language": locale})
    page = context.new_page()
    try:
        page.goto(f"{base}/events/")
        # Chinese whatever the browser's language; English is one press of the switch away.
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        if tag == "en":
            page.locator('button[name="locale"][value="en"]').click()
            page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == (
            "zh-CN" if tag == "zh" else "en")
        assert fits_width(page)
        shoot(page, f"{tag}-1-list")
        # Each click that loads a page waits for it (content() during a navigation is empty).
        with page.expect_navigation():
            page.locator(f'a[href="/events/{event_id}"]').click()
        assert "量血压" in page.content()
        page.fill("#name", "张三丰")
        page.fill("#phone", "+86 138-0013-8000")
        page.fill("#building", "3号楼")
        page.fill("#room", "201")
        page.check("#consent")
        shoot(page, f"{tag}-2-form")
        page.locator("button.primary").click()
        page.wait_for_url(re.compile(r"/r/[^/]+$"))
        code = page.locator("#reference-code").inner_text().strip()
        assert re.fullmatch(r"[A-Z2-9]{8}", code)
        content = page.content()
        assert "张**" in content and "13800138000" not in content and "张三丰" not in content
        if tag == "en":
            assert "You have a place" in content
        shoot(page, f"{tag}-3-confirmation")
        with page.expect_navigation():
            page.locator('a[href$="/cancel"]').click()
        shoot(page, f"{tag}-4-cancel-ask")
        page.locator("button.danger").click()
        page.wait_for_url(re.compile(r"cancelled=1"))
        assert page.locator(".alert.success").count() == 1
        shoot(page, f"{tag}-5-cancelled")

        # A full event offers the waitlist, and the resident gets a position.
        add_event_signup(app, full_id)
        page.goto(f"{base}/events/{full_id}")
        assert page.locator(".waitlist-notice").count() == 1
        page.fill("#name", "李四")
        page.fill("#phone", "139 0000 0002")
        page.check("#consent")
        shoot(page, f"{tag}-6-full-event")
        page.locator("button.primary").click()
        page.wait_for_url(re.compile(r"/r/[^/]+$"))
        assert page.locator(".waitlist-notice").count() == 1
        if tag == "en":
            assert "number 1 on the waitlist" in page.content()
        shoot(page, f"{tag}-7-waitlisted")

        # Bad input: a clear message, the form keeps what was typed.
        page.goto(f"{base}/events/{event_id}")
        page.fill("#name", "王五")
        page.fill("#phone", "12345")
        with page.expect_navigation():
            page.locator("button.primary").click()
        assert page.locator("#phone-error").count() == 1
        assert page.locator("#consent-error").count() == 1
        assert page.input_value("#name") == "王五"
        shoot(page, f"{tag}-8-errors")
    finally:
        context.close()


def add_event_signup(app: Flask, event_id: int) -> None:
    from app.services import signup

    with app.test_request_context():
        signup.register(db.session, event_id, signup.Applicant(
            name="甲", phone="13900000001", consent=True))
        db.session.commit()


def test_narrow_screen_and_large_text(browser, site) -> None:
    """360 px wide with the text at 200 %: nothing needs sideways scrolling."""
    app, base = site
    event_id = add_event(app, capacity=5, place="金桥镇佳虹路社区党群服务中心三楼多功能厅")
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    try:
        for path in ("/events/", f"/events/{event_id}"):
            page.goto(base + path)
            page.add_style_tag(content="html { font-size: 225% !important; }")
            assert fits_width(page), path
        shoot(page, "zh-9-360px-200pct")
    finally:
        context.close()
