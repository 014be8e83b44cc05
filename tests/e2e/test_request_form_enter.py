"""Enter in a field of the public request form sends the request, as the "Send" button does,
and does not ask for an SMS code (the "send me a code" button comes first on the page), with
and without JavaScript, in Debian's chromium on a phone."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from app.enums import RequestChannel
from app.extensions import db
from tests.e2e.test_residents_browser import PHONE, shoot

pytestmark = pytest.mark.e2e

playwright_sync = pytest.importorskip("playwright.sync_api")


def _neighbourhood(app: Flask) -> int:
    from app.models import Neighbourhood

    with app.app_context():
        n = Neighbourhood(town="金桥镇", name="佳虹居民区")
        db.session.add(n)
        db.session.commit()
        return n.id


def _sent(app: Flask) -> tuple[list[tuple[str, str, RequestChannel]], list[str]]:
    """The requests kept (text, place, channel) and the SMS codes recorded."""
    from app.models import Notification, ResidentRequest

    with app.app_context():
        kept = [(r.text, r.place or "", r.channel)
                for r in db.session.scalars(select(ResidentRequest))]
        codes = list(db.session.scalars(select(Notification.template).where(
            Notification.template == "requests/verify")))
        return kept, codes


@pytest.mark.parametrize("javascript", [True, False])
def test_enter_in_a_field_sends_the_request(browser, site, javascript: bool) -> None:
    app, base = site
    neighbourhood_id = _neighbourhood(app)
    context = browser.new_context(viewport=PHONE, locale="zh-CN",
                                  java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(f"{base}/requests/new")
        page.select_option("#neighbourhood", str(neighbourhood_id))
        page.select_option("#category", "public_facilities")
        page.fill("#text", "3号楼门口的路灯坏了，晚上看不见台阶")
        page.check("#consent")
        page.fill("#place", "3号楼门口")
        # The first button one sees in the form is "send me a code by SMS".
        assert page.locator("form[enctype] button[type=submit]:not(.default-submit)"
                            ).first.inner_text() == "发送短信验证码"
        page.press("#place", "Enter")
        page.wait_for_url(re.compile(r"/requests/[^/?]+\?sent=1(#.*)?$"))
        kept, codes = _sent(app)
        assert kept == [("3号楼门口的路灯坏了，晚上看不见台阶", "3号楼门口",
                         RequestChannel.form)]
        assert codes == []
        shoot(page, f"zh-20-request-sent-by-enter-{'js' if javascript else 'nojs'}")
    finally:
        context.close()


def test_the_default_button_is_out_of_sight_and_out_of_the_tab_order(browser, site) -> None:
    app, base = site
    _neighbourhood(app)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{base}/requests/new")
        hidden = page.locator("form[enctype] button.default-submit")
        assert hidden.count() == 1
        box = hidden.bounding_box()
        assert box is not None and box["width"] <= 1 and box["height"] <= 1
        assert hidden.get_attribute("tabindex") == "-1"
        assert hidden.get_attribute("aria-hidden") == "true"
        # Tabbing from the last field reaches the visible "Send", never the hidden copy.
        page.focus("#consent")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "primary"
    finally:
        context.close()
