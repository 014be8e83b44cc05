"""On a phone (390 px, Debian's chromium): an invalid public sign-up brings the error summary
into view and focus; the admin's lists stay readable (no one-character-a-line cells) and its
date picker is Chinese with Monday first. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest
from flask import Flask

from app.extensions import db
from tests.e2e.test_residents_browser import ARTIFACTS, PHONE, shoot
from tests.live import add_event

pytestmark = pytest.mark.e2e

playwright_sync = pytest.importorskip("playwright.sync_api")

PASSWORD = "correct horse battery staple"



def _with_slots(app: Flask) -> int:
    """An event with time slots and a long description: the form is far below the top."""
    from app.models import Event, Slot

    event_id = add_event(app, capacity=5)
    with app.app_context():
        event = db.session.get(Event, event_id)
        event.capacity = None
        event.description = "\n".join(["义诊、理发、磨刀、家电维修、法律咨询。"] * 30)
        for i in range(3):
            db.session.add(Slot(event=event, label=f"第{i + 1}场", capacity=2,
                                start_at=event.start_at, end_at=event.end_at))
        db.session.commit()
    return event_id


def _summary_in_view(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("""() => {
        const box = document.getElementById('signup-errors');
        if (!box) return false;
        const r = box.getBoundingClientRect();
        return r.top >= 0 && r.top < window.innerHeight;
    }""")


@pytest.mark.parametrize("javascript", [True, False])
def test_invalid_signup_shows_every_error_in_view(browser, site, javascript: bool) -> None:
    app, base = site
    event_id = _with_slots(app)
    context = browser.new_context(viewport=PHONE, locale="zh-CN",
                                  java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(f"{base}/events/{event_id}")
        page.fill("#phone", "12345")
        page.locator("button.primary").click()
        page.wait_for_load_state()
        summary = page.locator("#signup-errors")
        assert summary.count() == 1
        assert "请改正以下 4 个问题" in summary.inner_text()  # slot, name, phone, consent
        assert _summary_in_view(page)
        if javascript:
            assert page.evaluate("document.activeElement.id") == "signup-errors"
        assert page.locator('[aria-describedby="None"]').count() == 0
        shoot(page, f"zh-10-signup-errors-{'js' if javascript else 'nojs'}")
    finally:
        context.close()


def _admin_with_volunteers(app: Flask) -> None:
    from app.enums import Role
    from app.models import Neighbourhood, User, Volunteer
    from app.security import hash_password

    with app.app_context():
        n = Neighbourhood(town="金桥镇", name="佳虹居民区")
        db.session.add(User(username="town-admin", display_name="镇管理员", role=Role.admin,
                            password_hash=hash_password(PASSWORD)))
        for i, name in enumerate(["欧阳明远", "丁婷", "王芳芳", "李建国", "张秀英"]):
            db.session.add(Volunteer(name=name, phone=f"1390000{i:04d}", neighbourhood=n,
                                     email=f"volunteer{i}@example.org",
                                     notes="周末上午有空，可以帮忙量血压和维持秩序"))
        db.session.commit()


def _log_in_as_town_admin(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("#username", "town-admin")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(#username) button[type=submit]").click()


def test_admin_lists_and_date_picker_on_a_phone(browser, site) -> None:
    app, base = site
    _admin_with_volunteers(app)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        _log_in_as_town_admin(page, base)
        assert "/admin" in page.url, (page.url, page.locator("main").inner_text())
        for path in ("/admin/volunteer/", "/admin/event/", "/admin/household/"):
            page.goto(base + path)
            # Every header and cell stays on one line; the table scrolls sideways inside its
            # box instead of squeezing Chinese text to a character a line.
            tallest = page.evaluate("""() => Math.max(0, ...Array.from(
                document.querySelectorAll('.model-list th, .model-list td'),
                c => c.getBoundingClientRect().height))""")
            assert tallest < 60, (path, tallest)
            # The page itself does not move sideways; only the table's own box scrolls.
            page.evaluate("window.scrollTo(400, 0)")
            assert page.evaluate("window.scrollX") == 0, path
            assert page.evaluate("""() => {
                const box = document.querySelector('.table-responsive');
                return getComputedStyle(box).overflowX === 'auto'
                    && box.clientWidth <= window.innerWidth; }""")
            page.screenshot(path=str(ARTIFACTS / f"zh-admin-390{path.replace('/', '-')[:-1]}.png"))
        page.goto(f"{base}/admin/volunteer/")
        names = page.locator(".model-list td.col-name").all_inner_texts()
        assert [n.strip() for n in names] == ["丁婷", "李建国", "欧阳明远", "王芳芳", "张秀英"]

        page.goto(f"{base}/admin/event/new/")
        page.locator("#start_at").click()
        picker = page.locator(".daterangepicker").first
        picker.wait_for(state="visible")
        days = [t.strip() for t in picker.locator(".calendar th").all_inner_texts()
                if t.strip() and t.strip() in "一二三四五六日"]
        assert days[:7] == ["一", "二", "三", "四", "五", "六", "日"], days
        assert "Apply" not in picker.inner_text()
        shoot(page, "zh-admin-390-datepicker")
    finally:
        context.close()


def test_the_council_meeting_time_has_the_date_picker(browser, site) -> None:
    """The residents' council meeting on a request's handling page: the same Chinese date-time
    picker as the edit forms (before, a bare text box with no hint of the format)."""
    from app.enums import RequestStatus
    from app.models import Neighbourhood
    from app.services import requests
    from tests import factories as f

    app, base = site
    _admin_with_volunteers(app)
    with app.test_request_context():
        n = db.session.query(Neighbourhood).one()
        row = f.make_resident_request(db.session, neighbourhood=n)
        requests.change_status(db.session, row, RequestStatus.handling, user=None)
        requests.change_status(db.session, row, RequestStatus.council, user=None,
                               note="提交居民议事会")
        db.session.commit()
        row_id = row.id
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        _log_in_as_town_admin(page, base)
        page.goto(f"{base}/admin/residentrequest/handle/?id={row_id}")
        assert "格式如" in page.locator("#starts_at-hint").inner_text()
        page.locator("#starts_at").click()
        picker = page.locator(".daterangepicker").first
        picker.wait_for(state="visible")
        days = [t.strip() for t in picker.locator(".calendar th").all_inner_texts()
                if t.strip() and t.strip() in "一二三四五六日"]
        assert days[:7] == ["一", "二", "三", "四", "五", "六", "日"], days
        shoot(page, "zh-admin-council-meeting-picker")
    finally:
        context.close()
