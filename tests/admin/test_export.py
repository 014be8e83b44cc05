"""Excel out: every admin list as XLSX and as CSV with a BOM; localised headers and values,
numbers as numbers, phones as text, formulas neutralised, Chinese file names."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote
from xml.etree import ElementTree

import pytest

from admin.export import neutralise_formula, read_xlsx
from tests.admin.conftest import quick_login
from tests.admin.test_smoke import ENDPOINTS

pytestmark = pytest.mark.integration

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _sheet_cells(data: bytes) -> list[list[ElementTree.Element]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
                "xl/worksheets/sheet1.xml"} <= set(z.namelist())
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    return [list(row.iter(f"{MAIN}c")) for row in sheet.iter(f"{MAIN}row")]


def _text(cell: ElementTree.Element) -> str:
    return "".join(t.text or "" for t in cell.iter(f"{MAIN}t")) or (
        cell.findtext(f"{MAIN}v") or "")


@pytest.mark.unit
@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2", "'-2"),
    ("@SUM(A1)", "'@SUM(A1)"), ("王芳", "王芳"), (5, 5), ("", ""),
])
def test_formula_neutraliser(value, expected) -> None:
    assert neutralise_formula(value) == expected


def test_volunteer_list_as_xlsx(client, db_session, world) -> None:
    volunteer = world.jiahong.rows["volunteer"]
    volunteer.name = "=HYPERLINK(\"http://evil\",\"点我\")"
    volunteer.phone = "13812345678"
    volunteer.max_minutes_per_week = 90
    db_session.flush()
    quick_login(client, world.users["admin"])
    response = client.get("/admin/volunteer/export/xlsx/")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    disposition = response.headers["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('志愿者')}_" in disposition and ".xlsx" in disposition
    rows = _sheet_cells(response.data)
    headers = [_text(c) for c in rows[0]]
    assert "姓名" in headers and "电话" in headers and "每周最多小时数" in headers
    by_name = {_text(r[headers.index("姓名")]): r for r in rows[1:]}
    row = by_name["'=HYPERLINK(\"http://evil\",\"点我\")"]  # text, not a formula
    assert all(c.find(f"{MAIN}f") is None for r in rows for c in r)
    phone = row[headers.index("电话")]
    assert phone.get("t") == "inlineStr" and _text(phone) == "13812345678"
    hours = row[headers.index("每周最多小时数")]
    assert hours.get("t") is None and _text(hours) == "1.5"  # a number cell
    assert _text(row[headers.index("启用")]) in ("是", "否")
    # The reader the import uses reads the same file back.
    assert read_xlsx(response.data)[0] == headers


def test_volunteer_list_as_csv_with_bom(client, db_session, world) -> None:
    world.jiahong.rows["volunteer"].phone = "13812345678"
    db_session.flush()
    quick_login(client, world.users["admin"])
    response = client.get("/admin/volunteer/export/csv/")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("编号,姓名,电话")
    assert "\t13812345678" in text  # kept as text by Excel
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]


def test_enum_values_are_localised(client, world) -> None:
    quick_login(client, world.users["admin"])
    text = client.get("/admin/registration/export/csv/").data.decode("utf-8-sig")
    assert "confirmed" not in text and "已确认" in text


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_list_exports_both_formats(client, world, endpoint) -> None:
    quick_login(client, world.users["admin"])
    for kind in ("xlsx", "csv"):
        response = client.get(f"/admin/{endpoint}/export/{kind}/")
        assert response.status_code == 200, (endpoint, kind)
        assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert read_xlsx(client.get(f"/admin/{endpoint}/export/xlsx/").data)
