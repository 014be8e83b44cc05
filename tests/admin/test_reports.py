"""The five-comparisons page, its exports and the weights, on the hand-built town of
`tests.app.services.reports.town` (its figures are checked there; here: what the page, the
spreadsheet and the CSV carry, bad input, and the weights form)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.enums import Role
from app.models import ComparisonWeights
from tests.admin.conftest import as_text, make_user, quick_login
from tests.app.services.reports.town import build_town
from tests.factories import make_building, make_household, make_service_group, make_visit

pytestmark = pytest.mark.integration

MARCH = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def town(db_session):
    return build_town(db_session)


def test_page_ranks_with_trend_charts_and_tables(client, db_session, town) -> None:
    quick_login(client, make_user(db_session, Role.admin, "report-admin"))
    response = client.get(f"/admin/reports/?{MARCH}")
    body = as_text(response)
    assert response.status_code == 200
    assert "2026-01-29 – 2026-02-28" in body  # the previous period compared with
    assert 'id="ranking"' in body and body.index("A组") < body.index("B组")
    assert body.count('class="report-chart"') == 5 and body.count("chart-table") == 5
    assert "vendor/echarts/echarts.min.js" in body and "reports.js" in body
    assert "<script>" not in body.split('id="five-comparisons"')[1].split("{% endblock")[0]
    assert "66.7%" in body  # A's share contacted, 2 of 3
    # The note says how "resolved at neighbourhood level" is counted: from the linkage's
    # escalation record, which exists (it once said every resolution counted as local).
    assert "居民区层面解决指从未上报到镇部门或区里" in body and "尚未记录逐级上报" not in body
    data = client.get(f"/admin/reports/data.json?{MARCH}").get_json()
    contacts = next(c for c in data["charts"] if c["measure"] == "contacts")
    assert dict(zip(data["groups"], contacts["values"], strict=True))["佳虹 · A组"] == 4


def _page_statements(client, engine, url: str) -> tuple[int, str]:
    statements: list[str] = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    return len(statements), as_text(response)


def test_page_runs_a_constant_number_of_queries(client, db_session, town) -> None:
    """The page's statements do not grow with groups, buildings, households or contacts; the
    charts' figures come with the page (no second computation from data.json)."""
    quick_login(client, make_user(db_session, Role.admin, "report-admin"))
    engine = db_session.get_bind().engine
    client.get(f"/admin/reports/?{MARCH}")  # the session's user and menu, as on any page
    # a write before each measure: the report is computed, not the one kept for its version
    make_visit(db_session, household=town["households"][5],
               visited_at=datetime(2026, 3, 9, 9, tzinfo=UTC))
    db_session.flush()
    before, body = _page_statements(client, engine, f"/admin/reports/?{MARCH}")
    assert 'data-figures="' in body and "A组" in body.split('data-figures="')[1]
    for g in range(4):
        group = make_service_group(db_session, neighbourhood=town["n2"], name=f"新{g}组")
        building = make_building(db_session, neighbourhood=town["n2"], service_group=group)
        for h in range(3):
            household = make_household(db_session, neighbourhood_id=town["n2"].id,
                                       building=building, room=f"{g}0{h}")
            make_visit(db_session, household=household,
                       visited_at=datetime(2026, 3, 10, 9, tzinfo=UTC))
    db_session.flush()
    after, body = _page_statements(client, engine, f"/admin/reports/?{MARCH}")
    assert "新3组" in body
    assert after == before
    # the data version, the report's five aggregate queries (six on PostgreSQL) plus the
    # request's user, scope and neighbourhood choices
    assert after <= 11


def test_coordinator_sees_only_own_groups(client, db_session, town) -> None:
    coordinator = make_user(db_session, Role.coordinator, "report-coord",
                            neighbourhoods=[town["n1"]])
    quick_login(client, coordinator)
    body = as_text(client.get(f"/admin/reports/?{MARCH}"))
    assert "A组" in body and "B组" in body and "C组" not in body and "永业" not in body
    assert client.get(f"/admin/reports/?{MARCH}&neighbourhood={town['n2'].id}") \
        .status_code == 404
    assert client.get(f"/admin/reports/?{MARCH}&neighbourhood=abc").status_code == 404


def test_xlsx_has_chinese_headers_numbers_and_a_sheet_per_table(client, db_session,
                                                               town) -> None:
    quick_login(client, make_user(db_session, Role.admin, "report-admin"))
    response = client.get(f"/admin/reports/export.xlsx?{MARCH}")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["五个比一比", "上期", "统计期与权重"]
    sheet = workbook["五个比一比"]
    head = [c.value for c in sheet[1]]
    assert head[:4] == ["综合排名", "较上期名次变化", "居民区", "团组"]
    rows = {r[3]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    a = dict(zip(head, rows["A组"], strict=True))
    assert a["有效联系次数"] == 4 and isinstance(a["有效联系次数"], int)
    assert a["联系覆盖率"] == pytest.approx(0.6667)
    assert a["解决天数中位数"] == pytest.approx(10.0)
    share_cell = sheet.cell(row=2, column=head.index("联系覆盖率") + 1)
    assert share_cell.number_format == "0.0%"


def test_csv_has_a_bom_and_numbers(client, db_session, town) -> None:
    quick_login(client, make_user(db_session, Role.admin, "report-admin"))
    response = client.get(f"/admin/reports/export.csv?{MARCH}")
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    head, *lines = text.strip().splitlines()
    assert head.startswith("综合排名,较上期名次变化,居民区,团组,有效联系次数")
    a = next(line for line in lines if ",A组," in line).split(",")
    assert a[4] == "4"


def test_bad_dates_say_why_and_show_this_month(client, db_session, town) -> None:
    quick_login(client, make_user(db_session, Role.admin, "report-admin"))
    for query, message in (("from=2026-13-01&to=2026-03-31", "请按“年-月-日”填写两个日期"),
                           ("from=2026-03-31&to=2026-03-01", "结束日期早于开始日期"),
                           ("from=2000-01-01&to=2026-03-01", "最多")):
        response = client.get(f"/admin/reports/?{query}")
        assert response.status_code == 200
        assert message in as_text(response), query
        assert client.get(f"/admin/reports/data.json?{query}").status_code == 400
        assert client.get(f"/admin/reports/export.csv?{query}").status_code == 302


def test_weights_edited_by_the_admin_only(client, db_session, town) -> None:
    admin = make_user(db_session, Role.admin, "report-admin")
    token = quick_login(client, admin)
    url = "/admin/comparisonweights/edit/?id=1"
    form = {"contacts": "0", "breadth": "1", "completeness": "1", "promptness": "1",
            "solved": "3", "csrf_token": token}
    response = client.post(url, data=form)
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(ComparisonWeights, 1).as_dict() == {
        "contacts": 0, "breadth": 1, "completeness": 1, "promptness": 1, "solved": 3}
    body = as_text(client.get(f"/admin/reports/?{MARCH}"))
    assert body.index("B组") < body.index("A组")  # B first with these weights

    for bad, message in (({"solved": "11"}, "0 到 10"),
                         (dict.fromkeys(("breadth", "completeness", "promptness", "solved"),
                                        "0"), "至少一项权重")):
        response = client.post(url, data={**form, **bad}, follow_redirects=True)
        assert message in as_text(response)
        db_session.expire_all()
        assert db_session.get(ComparisonWeights, 1).solved == 3
    assert client.get("/admin/comparisonweights/new/").status_code == 403


def test_every_figure_links_to_its_rows(client, db_session, town) -> None:
    quick_login(client, make_user(db_session, Role.admin, "report-admin"))
    body = as_text(client.get(f"/admin/reports/?{MARCH}"))
    a = town["a"].id
    assert ("/admin/reports/rows?from=2026-03-01&amp;to=2026-03-31"
            f"&amp;group={a}&amp;figure=contacts") in body
    assert f"group={a}&amp;figure=never_contacted" in body
    assert 'data-rows="/admin/reports/rows?from=2026-03-01&amp;to=2026-03-31"' in body
    data = client.get(f"/admin/reports/data.json?{MARCH}").get_json()
    assert a in data["group_ids"] and all(c["figure"] for c in data["charts"])

    response = client.get(f"/admin/reports/rows?group={a}&figure=contacts&{MARCH}")
    page = as_text(response)
    assert response.status_code == 200
    assert "A组" in page and page.count("<tr><td class=\"num\">") == 4
    assert "2026-03-31 23:30" in page


def test_rows_come_50_a_page(client, db_session, town) -> None:
    quick_login(client, make_user(db_session, Role.admin, "report-admin"))
    household = town["households"][0]
    for day in range(1, 29):
        for hour in (8, 14):
            make_visit(db_session, household=household,
                       visited_at=datetime(2026, 3, day, hour, tzinfo=UTC))
    db_session.flush()
    url = f"/admin/reports/rows?group={town['a'].id}&figure=contacts&{MARCH}"
    first = as_text(client.get(url))
    assert first.count("<tr><td class=\"num\">") == 50 and 'rel="next"' in first
    second = as_text(client.get(url + "&page=2"))
    assert second.count("<tr><td class=\"num\">") == 60 - 50 and 'rel="prev"' in second
    assert ">51</td>" in second
    assert client.get(url + "&page=9").status_code == 302  # past the end: the last page
    assert client.get(url + "&page=x").status_code == 200  # not a number: the first page


def test_rows_export_csv_with_bom_and_xlsx(client, db_session, town) -> None:
    quick_login(client, make_user(db_session, Role.admin, "report-admin"))
    household = town["households"][0]
    household.contact_phone = "13800138000"
    db_session.flush()
    query = f"group={town['a'].id}&figure=households&{MARCH}"
    response = client.get(f"/admin/reports/rows.csv?{query}")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    head, *lines = response.data.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3 and "联系电话" in head
    assert "\t13800138000" in response.data.decode("utf-8-sig")  # a phone stays text
    response = client.get(f"/admin/reports/rows.xlsx?{query}")
    workbook = load_workbook(io.BytesIO(response.data))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 4
    phone = rows[0].index("联系电话")
    assert "13800138000" in [r[phone] for r in rows[1:]]
    contacts = rows[0].index("本期有效联系次数")
    assert sorted(r[contacts] for r in rows[1:]) == [0, 1, 3]


def test_rows_are_scoped_and_checked(client, db_session, town) -> None:
    coordinator = make_user(db_session, Role.coordinator, "report-coord",
                            neighbourhoods=[town["n1"]])
    quick_login(client, coordinator)
    own = f"group={town['a'].id}&figure=contacts&{MARCH}"
    other = f"group={town['c'].id}&figure=contacts&{MARCH}"
    assert client.get(f"/admin/reports/rows?{own}").status_code == 200
    for path in ("rows", "rows.csv", "rows.xlsx"):
        assert client.get(f"/admin/reports/{path}?{other}").status_code == 404, path
    for bad in (f"group={town['a'].id}&figure=rank&{MARCH}",
                f"group={town['a'].id}&figure=nonsense&{MARCH}",
                f"group=abc&figure=contacts&{MARCH}", "group=99999999&figure=contacts",
                "figure=contacts"):
        assert client.get(f"/admin/reports/rows?{bad}").status_code == 404, bad
    response = client.get(f"/admin/reports/rows?group={town['a'].id}&figure=contacts"
                          "&from=2026-03-31&to=2026-03-01")
    assert response.status_code == 200 and "结束日期早于开始日期" in as_text(response)
    assert client.get(f"/admin/reports/rows.csv?group={town['a'].id}&figure=contacts"
                      "&from=2026-03-31&to=2026-03-01").status_code == 302
