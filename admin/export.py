"""Spreadsheet files for people who open them in Excel on Chinese Windows.

- `neutralise_formula`: a cell a spreadsheet would run as a formula (=, +, -, @) is written
  with a leading apostrophe, so an exported name like ``=HYPERLINK(...)`` stays text.
- `csv_bytes`: UTF-8 with a byte-order mark (without it Excel reads GBK and shows mojibake);
  digit strings such as phone numbers are kept as text, not turned into 1.38E+10.
- `xlsx_bytes`: a one-sheet Office Open XML workbook, written with the standard library
  (numbers as numbers, everything else as text); `read_xlsx` reads the first sheet of any
  workbook with openpyxl, every cell as the text Excel shows.
- `content_disposition`: the download name in Chinese (RFC 6266/5987 ``filename*``) with an
  ASCII fallback for old clients.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

from app.services.spreadsheet_import import column_letter

FORMULA_STARTS = ("=", "+", "-", "@")

#: Text Excel would turn into a number (and lose leading zeros or digits).
_NUMERIC_LOOKING = re.compile(r"^\s*[+-]?\d[\d\s.,]*(?:[eE][+-]?\d+)?\s*$")


def neutralise_formula(value: Any) -> Any:
    """Text that starts like a formula gets a leading apostrophe; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell_value(value: Any) -> Any:
    """A value as a spreadsheet cell: numbers stay numbers, the rest becomes safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return neutralise_formula(str(value))


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise_formula(str(h)) for h in headers])
    for row in rows:
        cells = []
        for raw in row:
            value = cell_value(raw)
            if isinstance(value, str) and _NUMERIC_LOOKING.match(value):
                value = "\t" + value  # Excel keeps a tab-led cell as text
            cells.append(value)
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# -- XLSX ---------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PKG_RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    f'<Default Extension="rels" ContentType="{_PKG_RELS_TYPE}"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SML}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_SML}.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
#: Two cell formats: 0 the default, 1 bold (the header row).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell(ref: str, value: Any, style: int = 0) -> str:
    value = cell_value(value)
    s = f' s="{style}"' if style else ""
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    text = escape(_XML_INVALID.sub("", value))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet_name(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "Sheet1"
    return escape(cleaned[:31])


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    lines = []
    for r, row in enumerate([headers, *rows], start=1):
        style = 1 if r == 1 else 0
        cells = "".join(_cell(f"{column_letter(c)}{r}", v, style) for c, v in enumerate(row))
        lines.append(f'<row r="{r}">{cells}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<worksheet xmlns="{_MAIN}"><sheetData>{"".join(lines)}</sheetData></worksheet>'
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        f'<sheet name="{_sheet_name(title)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/styles.xml", _STYLES)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


class SpreadsheetError(ValueError):
    """The file is not a workbook this reader understands."""


def _text(value: Any) -> str:
    """A cell's value as Excel shows it: 13812345678 (not 1.38E+10), 8, 1.5, 2026-03-05."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        number = Decimal(str(value))
        if not number.is_finite():
            return str(value)
        if number == number.to_integral_value():
            return str(int(number))
        return format(number.normalize(), "f")
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def read_xlsx(data: bytes, *, max_rows: int = 5000) -> list[list[str]]:
    """The first sheet's rows as text, read with openpyxl (formulas as their last computed
    value). Blank rows are kept, so a row's index + 1 is its number in Excel; only rows with
    something in them count towards `max_rows`. `SpreadsheetError` for anything that is not a
    workbook openpyxl can read."""
    with warnings.catch_warnings():
        # openpyxl warns about parts it does not read (data validation, conditional formats,
        # a missing default style): none of them changes a cell's value.
        warnings.simplefilter("ignore")
        return _read_first_sheet(data, max_rows)


def _read_first_sheet(data: bytes, max_rows: int) -> list[list[str]]:
    # Imported here, not at the top: every admin page imports this module, and a checkout
    # whose environment predates the openpyxl dependency should still serve them (only
    # reading a workbook needs it). `make install` brings it in.
    import openpyxl

    rows: list[list[str]] = []
    filled = 0
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a damaged or foreign file fails in many ways, all "unreadable"
        raise SpreadsheetError(str(exc)) from exc
    try:
        if not workbook.worksheets:
            raise SpreadsheetError("no sheet")
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            row = [_text(v) for v in values]
            if any(cell.strip() for cell in row):
                filled += 1
                if filled > max_rows:
                    raise SpreadsheetError("too many rows")
            rows.append(row)
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError(str(exc)) from exc
    finally:
        workbook.close()
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    return rows


def read_csv(data: bytes) -> list[list[str]]:
    """A CSV file from Excel: UTF-8 (with or without BOM) or, failing that, GB18030."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise SpreadsheetError(str(exc)) from exc
    return [row for row in csv.reader(io.StringIO(text))]


def content_disposition(filename: str, fallback: str) -> str:
    """``attachment`` with the Chinese name for browsers that read RFC 5987 and an ASCII one
    for the rest."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", fallback)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
