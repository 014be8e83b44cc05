"""The dashboard's and the five-comparisons report's charts render in a real browser (Debian's
chromium): each chart's canvas has painted pixels, in Chinese and in English, at 1366 px and
390 px, and a click on a bar opens the rows behind it. Screenshots go to test-artifacts/
(dashboard-<lang>-<width>.png, report-…)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from app.extensions import db
from tests.e2e.test_residents_browser import ARTIFACTS

pytestmark = pytest.mark.e2e

playwright_sync = pytest.importorskip("playwright.sync_api")

PASSWORD = "correct horse battery staple"

PAINTED = """(selector) => {
    const canvas = document.querySelector(selector + ' canvas');
    if (!canvas || !canvas.width || !canvas.height) return 0;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return painted;
}"""


#: The middle of the top bar of a horizontal bar chart, in page coordinates (scrolled to).
TOP_BAR = """(selector) => {
    const el = document.querySelector(selector);
    el.scrollIntoView({block: 'center'});
    const chart = echarts.getInstanceByDom(el);
    const data = chart.getOption().series[0].data;
    const last = data.length - 1;
    const point = chart.convertToPixel({seriesIndex: 0}, [data[last] / 2, last]);
    const box = el.getBoundingClientRect();
    return [box.left + point[0], box.top + point[1]];
}"""


def _town(app: Flask) -> None:
    from app.enums import (
        AssignmentStatus,
        EventKind,
        HoursKind,
        RequestCategory,
        Role,
        ServiceGroupKind,
        TeamKind,
        VisitKind,
    )
    from app.models import (
        Assignment,
        Building,
        Event,
        HoursEntry,
        Household,
        Neighbourhood,
        ResidentRequest,
        ServiceGroup,
        Shift,
        Team,
        User,
        Visit,
        Volunteer,
    )
    from app.security import hash_password

    now = datetime.now(UTC)
    with app.app_context():
        n = Neighbourhood(town="金桥镇", name="佳虹居民区")
        for username, locale in (("admin-zh", "zh_CN"), ("admin-en", "en")):
            db.session.add(User(username=username, display_name="镇管理员", role=Role.admin,
                                locale=locale, password_hash=hash_password(PASSWORD)))
        for g in range(3):
            group = ServiceGroup(neighbourhood=n, name=f"第{g + 1}团组",
                                 kind=ServiceGroupKind.resident_volunteers)
            building = Building(neighbourhood=n, number=str(g + 1), address=f"佳虹路{g + 1}号",
                                service_group=group)
            for i in range(g + 2):
                household = Household(neighbourhood=n, building=building, address="佳虹路",
                                      contact_name=f"住户{g}{i}", floor=1, room=f"10{i}")
                db.session.add(household)
                for days in range(i + 1):
                    db.session.add(Visit(household=household, kind=VisitKind.door,
                                         visited_at=now - timedelta(days=days, hours=1)))
            db.session.add(ResidentRequest(neighbourhood=n, category=RequestCategory.other,
                                           text="楼道灯坏了", service_group=group))
        team = Team(name="医疗服务队", kind=TeamKind.medical, town="金桥镇", neighbourhood=n)
        volunteer = Volunteer(name="丁婷", phone="13900000001", neighbourhood=n, teams=[team])
        db.session.add(HoursEntry(volunteer=volunteer, kind=HoursKind.attendance, minutes=150,
                                  service_on=now.date(), activity="量血压"))
        # Building 4 has never been contacted (grey in the grid).
        db.session.add(Building(neighbourhood=n, number="4", address="佳虹路4号"))
        fair = Event(neighbourhood=n, kind=EventKind.service_day, title="便民服务日",
                     start_at=now + timedelta(days=3), end_at=now + timedelta(days=3, hours=3))
        for need in (3, 2):
            shift = Shift(event=fair, title="量血压", start_at=fair.start_at,
                          end_at=fair.end_at, min_volunteers=need, max_volunteers=need)
            db.session.add(Assignment(shift=shift, volunteer=volunteer,
                                      status=AssignmentStatus.confirmed))
        db.session.commit()


@pytest.mark.parametrize("width", [1366, 390])
def test_charts_render_in_zh_and_en(browser, site, width: int) -> None:
    app, base = site
    _town(app)
    ARTIFACTS.mkdir(exist_ok=True)
    for username, lang in (("admin-zh", "zh"), ("admin-en", "en")):
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      locale="zh-CN" if lang == "zh" else "en-GB")
        page = context.new_page()
        try:
            page.goto(f"{base}/login")
            page.fill("#username", username)
            page.fill("#password", PASSWORD)
            with page.expect_navigation():
                page.locator("form:has(#username) button[type=submit]").click()
            page.goto(f"{base}/admin/")
            expected = "当前待办" if lang == "zh" else "What needs doing now"
            assert expected in page.content()
            for key in ("contacts", "requests", "hours", "trend", "coverage", "team_hours",
                        "requests_way", "buildings"):
                page.wait_for_selector(f"#chart-{key}[data-drawn]", timeout=10000)
                assert page.evaluate(PAINTED, f"#chart-{key}") > 500, (lang, width, key)
            page.screenshot(path=str(ARTIFACTS / f"dashboard-{lang}-{width}.png"),
                            full_page=True)
            # a bar of a dashboard chart opens its rows: the three requests received
            x, y = page.evaluate(TOP_BAR, "#chart-requests")
            with page.expect_navigation():
                page.mouse.click(x, y)
            assert "/admin/chart-rows?" in page.url and "chart=requests" in page.url
            assert "category=received" in page.url
            assert page.locator("#drill-rows tbody tr").count() == 3

            page.goto(f"{base}/admin/reports/")
            page.wait_for_selector(".report-chart[data-measure=contacts][data-drawn]",
                                   timeout=10000)
            for measure in ("contacts", "breadth", "completeness", "solved"):
                selector = f".report-chart[data-measure={measure}]"
                assert page.evaluate(PAINTED, selector) > 500, (lang, width, measure)
            page.screenshot(path=str(ARTIFACTS / f"report-{lang}-{width}.png"),
                            full_page=True)
            # a bar opens the rows behind its figure
            x, y = page.evaluate(TOP_BAR, ".report-chart[data-measure=contacts]")
            with page.expect_navigation():
                page.mouse.click(x, y)
            assert "/admin/reports/rows?" in page.url and "figure=contacts" in page.url
            assert page.locator("#drill-rows tbody tr").count() >= 2
        finally:
            context.close()
