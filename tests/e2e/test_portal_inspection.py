"""A patrol member on a phone (390 px, Debian's chromium) answers an inspection's checklist:
the answer tapped looks chosen (the portal loads no Bootstrap script, so CSS alone must show
it), and a photo added afterwards keeps the answers. Screenshot to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from app.extensions import db
from tests.e2e.test_residents_browser import PHONE, shoot

pytestmark = pytest.mark.e2e

playwright_sync = pytest.importorskip("playwright.sync_api")


def _member_with_a_site(app: Flask) -> str:
    """A certified member of a group with an internet café to inspect; her portal link."""
    from app.enums import ChecklistAnswer, PatrolSiteKind
    from app.models import PatrolChecklistItem
    from tests import factories as f
    from tests.app.portal.test_portal import signed_link

    with app.app_context():
        n = f.make_neighbourhood(db.session, town="月浦镇", name="月浦新村")
        member = f.make_volunteer(db.session, neighbourhood=n, name="监督员甲")
        group = f.make_patrol_group(db.session, neighbourhood=n, name="第一小组",
                                    members=[member])
        f.make_patrol_site(db.session, neighbourhood=n, name="星空网吧", group=group)
        db.session.add_all([
            PatrolChecklistItem(site_kind=PatrolSiteKind.internet_cafe, position=1,
                                question="有未成年人上网", concern_answer=ChecklistAnswer.yes),
            PatrolChecklistItem(site_kind=PatrolSiteKind.internet_cafe, position=2,
                                question="营业执照已悬挂")])
        db.session.commit()
        return signed_link(app, member)


def _look(page, label):  # type: ignore[no-untyped-def]
    return label.evaluate("""l => { const s = getComputedStyle(l);
        return [s.backgroundColor, s.color, s.fontWeight,
                getComputedStyle(l, '::before').content].join('|'); }""")


def test_a_tapped_answer_looks_chosen_and_a_photo_keeps_it(browser, site,
                                                           tmp_path: Path) -> None:
    from tests.app.services.requests.test_photos import jpeg_with_gps

    app, base = site
    link = _member_with_a_site(app)
    context = browser.new_context(viewport=PHONE, locale="zh-CN", has_touch=True)
    page = context.new_page()
    try:
        page.goto(base + link)
        page.goto(f"{base}/portal/patrols")
        with page.expect_navigation():
            page.locator("#start-form button[type=submit]").click()
        items = page.locator(".checklist-item")
        assert items.count() == 2
        first, second = (items.nth(k).locator("label") for k in range(2))
        untouched = _look(page, first.nth(1))
        first.nth(1).tap()  # 否
        second.nth(0).tap()  # 是
        # Move the pointer away: the look of a chosen answer is not the look of a hover.
        page.mouse.move(0, 0)
        assert page.locator(".checklist-item").nth(0).locator("input:checked").get_attribute(
            "value") == "no"
        chosen, other = _look(page, first.nth(1)), _look(page, first.nth(0))
        assert chosen != untouched and other == untouched
        assert "✓" in chosen and "✓" not in other
        shoot(page, "zh-portal-390-inspection-checklist")

        photo = tmp_path / "cafe.jpg"
        photo.write_bytes(jpeg_with_gps())
        page.set_input_files("#photo", str(photo))
        with page.expect_navigation():
            page.locator("#photo-button").click()
        assert "照片已添加" in page.locator("main").inner_text()
        assert page.locator("#inspection-photos img").count() == 1
        items = page.locator(".checklist-item")
        assert items.nth(0).locator("input:checked").get_attribute("value") == "no"
        assert items.nth(1).locator("input:checked").get_attribute("value") == "yes"
        assert "✓" in _look(page, items.nth(0).locator("label").nth(1))
    finally:
        context.close()
