"""The dashboard per role: what needs doing now, and the charts each role may see (their data in
the page for the charts' script, and a table view of each)."""

from __future__ import annotations

import html
import json
import re

import pytest

from app.enums import RequestStatus
from tests.admin.conftest import as_text, quick_login
from tests.factories import make_building, make_household, make_service_group, make_visit
from tests.helpers import count_page_statements

pytestmark = pytest.mark.integration


def _charts(body: str) -> dict[str, dict]:
    return {key: json.loads(html.unescape(data)) for key, data in re.findall(
        r'id="chart-(\w+)" data-series="([^"]*)"', body)}


TOWN_CHARTS = {"contacts", "requests", "hours", "trend", "coverage", "team_hours",
               "requests_way", "buildings"}


@pytest.mark.parametrize("role, todo, charts", [
    ("admin", 7, TOWN_CHARTS),
    ("coordinator", 7, TOWN_CHARTS),
    ("team_lead", 2, set()),
])
def test_dashboard_per_role(client, world, role: str, todo: int, charts: set[str]) -> None:
    quick_login(client, world.users[role])
    response = client.get("/admin/")
    body = as_text(response)
    assert response.status_code == 200
    assert body.count("todo-card") == todo
    assert ("尚无结对党员的六类家庭" in body) == (role != "team_lead")
    found = _charts(body)
    assert set(found) == charts
    assert body.count("chart-table") == len(charts)
    assert ("echarts.min.js" in body) == bool(charts)
    if "requests" in found:
        requests = found["requests"]
        assert requests["kind"] == "hbar" and len(requests["categories"]) == len(RequestStatus)
        # the world has one request in each neighbourhood: the coordinator counts their own
        assert sum(requests["series"][0]["values"]) == (2 if role == "admin" else 1)
        ways = found["requests_way"]
        assert ways["kind"] == "hstack"
        assert sum(sum(s["values"]) for s in ways["series"]) == (2 if role == "admin" else 1)
        trend = found["trend"]
        assert trend["kind"] == "line" and len(trend["categories"]) == 6
        assert len(trend["series"]) == 4
    if "buildings" in found:
        buildings = found["buildings"]
        assert buildings["kind"] == "grid" and buildings["pieces"]
        hoods = {label.split(" ")[0] for label in buildings["categories"]}
        assert hoods == ({"佳虹居民区", "永业居民区"} if role == "admin" else {"佳虹居民区"})


def test_expiring_licences_are_counted_in_the_users_scope(client, db_session, world) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from app.services import qualifications

    skill = world.shared["skill"]
    skill.requires_qualification = True
    soon = datetime.now(ZoneInfo("Asia/Shanghai")).date() + timedelta(days=10)
    world.yongye.rows["qualification"].valid_until = soon
    db_session.flush()
    label = f"{qualifications.ALERT_DAYS} 天内到期的资质证书"

    def count(role: str) -> int:
        browser = client.application.test_client()  # a browser of their own
        quick_login(browser, world.users[role])
        body = as_text(browser.get("/admin/"))
        found = re.search(r'display-4[^>]*>(\d+)</div>\s*<div class="text-muted">' + label,
                          body)
        assert found, body[:2000]
        return int(found.group(1))

    assert count("admin") == 1
    assert count("coordinator") == 0  # 永业's licence is not hers to chase


def test_dashboard_runs_a_constant_number_of_queries(app, client, db_session, world) -> None:
    """More households, contacts, buildings and groups: not one statement more (every figure,
    the contacts due among them, is counted in the database)."""
    from datetime import UTC, datetime, timedelta

    quick_login(client, world.users["admin"])
    client.get("/admin/")  # the session's user and menu, as on any page
    before = count_page_statements(app, client, "/admin/")
    body = as_text(client.get("/admin/"))
    due_before = body.split('id="dashboard-due"')[1].split("</table>")[0]
    long_ago = datetime.now(UTC) - timedelta(days=800)
    for g in range(3):
        hood = world.jiahong.neighbourhood
        group = make_service_group(db_session, neighbourhood=hood, name=f"新{g}组")
        building = make_building(db_session, neighbourhood=hood, service_group=group)
        for h in range(4):
            household = make_household(db_session, neighbourhood=hood, building=building,
                                       room=f"{g}0{h}", created_at=long_ago)
            make_visit(db_session, household=household, visited_at=long_ago)
    db_session.flush()
    assert count_page_statements(app, client, "/admin/") == before
    due_after = as_text(client.get("/admin/")).split('id="dashboard-due"')[1]
    assert due_after != due_before
    assert all(f"新{g}组</a></td><td>4</td><td>4</td>" in due_after for g in range(3))
