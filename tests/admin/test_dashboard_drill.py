"""Every figure of every dashboard chart links to the rows behind it — from the chart (its data
carries the address and keys) and from its table view — in the user's scope: a count has as
many rows as its bar says, hours and seats add up to theirs; a chart the user does not see, a
row outside their scope or keys that name no figure are 404."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pytest

from tests.admin.conftest import as_text, quick_login
from tests.admin.test_dashboard import TOWN_CHARTS, _charts

pytestmark = pytest.mark.integration

#: Charts (and trend lines) whose figure is a number of rows; the others add up a column.
COUNTED = {"contacts", "requests", "requests_way", "trend:contacts", "trend:received",
           "trend:resolved"}
#: The column whose sum a figure is (1-based, after the row number).
SUMMED = {"hours": 5, "team_hours": 5, "trend:hours": 5, "coverage:filled": 5,
          "coverage:missing": 6}


def _points(body: str):
    for key, chart in _charts(body).items():
        for s in chart["series"]:
            for i, value in enumerate(s["values"]):
                if value:
                    yield key, chart["rows"], chart["keys"][i], s["key"], value


def _table(body: str) -> list[list[str]]:
    rows = body.split('id="drill-rows"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", rows, re.S)]


@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_every_chart_figure_opens_its_rows(client, world, role: str) -> None:
    quick_login(client, world.users[role])
    body = as_text(client.get("/admin/"))
    drilled = set()
    for chart, rows, category, series, value in _points(body):
        url = f"{rows}&category={quote(category)}&series={quote(series)}"
        assert f'href="{html.escape(url)}"' in body, url  # the table view's cell
        response = client.get(url)
        page = as_text(response)
        assert response.status_code == 200, url
        total = int(re.search(r'data-total="(\d+)"', page)[1])
        table = _table(page)
        name = chart if chart in COUNTED or chart in SUMMED else f"{chart}:{series}"
        if name in COUNTED:
            assert total == value == len(table), url
        elif name in SUMMED:
            column = SUMMED[name]
            assert round(sum(float(r[column]) for r in table), 1) == value, url
        else:  # the buildings: days since the latest of its households' contacts
            assert chart == "buildings" and total >= 1
        if role == "coordinator":
            assert "永业" not in page, url
        drilled.add(chart)
    assert drilled == TOWN_CHARTS


def test_charts_and_rows_outside_the_users_scope_are_404(app, client, world) -> None:
    building = world.yongye.rows["building"].id
    event = world.yongye.rows["event"].id
    team = world.yongye.rows["team"].id
    group = world.yongye.rows["servicegroup"].id
    foreign = [f"chart=buildings&category={building}&series=days",
               f"chart=coverage&category={event}-0&series=filled",
               f"chart=team_hours&category=2026-11&series={team}",
               f"chart=team_hours&category=2026-11&series=g{group}"]
    bad = ["chart=contacts&category=2026-13&series=done",
           "chart=contacts&category=2026-11&series=everything",
           "chart=requests&category=lost&series=requests",
           "chart=trend&category=2026-11&series=nothing",
           "chart=coverage&category=x-y&series=filled",
           "chart=nothing&category=1&series=1"]
    quick_login(client, world.users["coordinator"])
    for query in foreign + bad:
        assert client.get(f"/admin/chart-rows?{query}").status_code == 404, query
    own = world.jiahong.rows["building"].id
    response = client.get(f"/admin/chart-rows?chart=buildings&category={own}&series=days")
    assert response.status_code == 200 and "佳虹" in as_text(response)
    client = app.test_client()
    quick_login(client, world.users["team_lead"])
    for query in (f"chart=buildings&category={own}&series=days",
                  "chart=contacts&category=2026-11&series=done"):
        assert client.get(f"/admin/chart-rows?{query}").status_code == 404, query
    client = app.test_client()
    quick_login(client, world.users["admin"])
    for query in foreign:
        assert client.get(f"/admin/chart-rows?{query}").status_code == 200, query
