"""Every figure of every dashboard chart links to the rows behind it — from the chart (its data
carries the address and keys) and from its table view — in the user's scope: a count has as
many rows as its bar says, hours and seats add up to theirs; a chart the user does not see, a
row outside their scope or keys that name no figure are 404."""

from __future__ import annotations

import csv
import html
import io
import re
from urllib.parse import quote

import openpyxl
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


#: A figure's rows: the page and its downloads.
PATHS = ("/admin/chart-rows", "/admin/chart-rows.csv", "/admin/chart-rows.xlsx")


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


def _check_downloads(client, url: str, total: int, summed: int | None, value: float,
                     role: str) -> None:
    """The figure's CSV and XLSX hold every row of the page, its sum where it has one (a
    number in the workbook, not text), and nothing of the other neighbourhood for a
    coordinator."""
    csv_url = url.replace("/admin/chart-rows?", "/admin/chart-rows.csv?")
    response = client.get(csv_url)
    assert response.status_code == 200, csv_url
    assert response.data.startswith("\ufeff".encode()), csv_url
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(lines) == total + 1, csv_url
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url.replace(
        "/admin/chart-rows?", "/admin/chart-rows.xlsx?")).data)).worksheets[0]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0] == lines[0] and len(cells) == total + 1, url
    if summed is not None:
        column = [row[summed - 1] for row in cells[1:]]
        assert all(isinstance(v, int | float) for v in column), (url, column)
        assert round(sum(column), 1) == value, url
    if role == "coordinator":
        assert "永业" not in response.data.decode("utf-8-sig"), csv_url
        assert not any("永业" in str(v) for row in cells for v in row), url


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
        _check_downloads(client, url, total, SUMMED.get(name), value, role)
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
        for path in PATHS:  # the page and its downloads alike
            assert client.get(f"{path}?{query}").status_code == 404, (path, query)
    own = world.jiahong.rows["building"].id
    response = client.get(f"/admin/chart-rows?chart=buildings&category={own}&series=days")
    assert response.status_code == 200 and "佳虹" in as_text(response)
    client = app.test_client()
    quick_login(client, world.users["team_lead"])
    for query in (f"chart=buildings&category={own}&series=days",
                  "chart=contacts&category=2026-11&series=done"):
        for path in PATHS:
            assert client.get(f"{path}?{query}").status_code == 404, (path, query)
    client = app.test_client()
    quick_login(client, world.users["admin"])
    for query in foreign:
        for path in PATHS:
            assert client.get(f"{path}?{query}").status_code == 200, (path, query)


def test_a_figures_rows_download_as_excel_opens_them(client, db_session, world) -> None:
    """The buildings' rows as files: Chinese headers and file name (RFC 5987, with an ASCII
    fallback), CSV with a byte-order mark, a name that a spreadsheet would run as a formula
    kept as text, the last contact's time as on the page."""
    household = world.jiahong.rows["household"]
    household.contact_name = '=HYPERLINK("http://example.com","点我")'
    db_session.flush()
    quick_login(client, world.users["coordinator"])
    query = f"chart=buildings&category={world.jiahong.rows['building'].id}&series=days"
    response = client.get(f"/admin/chart-rows?{query}")
    page = as_text(response)
    assert 'id="rows-csv"' in page and 'id="rows-xlsx"' in page
    assert html.escape(f"/admin/chart-rows.csv?{query}") in page
    response = client.get(f"/admin/chart-rows.csv?{query}")
    disposition = response.headers["Content-Disposition"]
    assert response.headers["Content-Type"].startswith("text/csv")
    assert f"filename*=UTF-8''{quote('各楼栋距上次联系的天数')}" in disposition
    assert f'filename="chart-rows-buildings-{world.jiahong.rows["building"].id}-days.csv"' \
        in disposition
    lines = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert lines[0] == ["地址", "室号", "联系人", "最近一次有效联系"]
    assert ["'" + household.contact_name] == [r[2] for r in lines[1:]
                                             if r[2].startswith("'")]
    response = client.get(f"/admin/chart-rows.xlsx?{query}")
    assert response.headers["Content-Type"].endswith("spreadsheetml.sheet")
    assert ".xlsx" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert sheet.title == "各楼栋距上次联系的天数"
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == lines[0]
    assert [r[2] for r in rows[1:]] == [r[2] for r in lines[1:]]
    assert all(sheet.cell(row=i, column=3).data_type == "s" for i in range(1, len(rows) + 1))
