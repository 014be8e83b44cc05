"""Reading workbooks with openpyxl: cells as the text Excel shows, rows where Excel has them."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest

from admin.export import SpreadsheetError, read_xlsx


def _workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_cells_read_as_excel_shows_them() -> None:
    data = _workbook([["电话", "人数", "时长", "日期", "党员"],
                      [13812345678, 2.0, 1.5, datetime(2026, 3, 5), True],
                      [None],
                      ["王芳", None, None, None, False]])
    rows = read_xlsx(data)
    assert rows[1] == ["13812345678", "2", "1.5", "2026-03-05", "1"]
    assert not any(rows[2])  # the blank row 3 is kept, so row 4 is still the fourth
    assert rows[3] == ["王芳", "", "", "", "0"]


def test_too_many_filled_rows_and_garbage_are_refused() -> None:
    with pytest.raises(SpreadsheetError):
        read_xlsx(_workbook([["a"], ["b"], ["c"]]), max_rows=2)
    with pytest.raises(SpreadsheetError):
        read_xlsx(b"PK\x03\x04 not really a zip")
