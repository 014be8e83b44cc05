"""A model view's list as a spreadsheet (`LinliModelView` mixes this in): the rows the list
shows the user (its scope, search, filters and sort), with the list's headers and values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort
from flask_admin import expose
from markupsafe import Markup
from werkzeug.wrappers import Response

from admin import export as spreadsheet
from app.i18n import deployment_zone


def _plain(value: Any) -> Any:
    """A list cell's value without its HTML (links, icons) for a spreadsheet."""
    return value.striptags() if isinstance(value, Markup) else value


class SpreadsheetExport:
    """Mixed into `LinliModelView` ahead of Flask-Admin's `ModelView`, whose streaming CSV
    export this replaces."""

    @expose("/export/<export_type>/")
    def export(self, export_type: str) -> Any:
        """The list (with its search, filters and sort) as an Excel workbook or a CSV file.

        Built inside the request, while the database session is open (Flask-Admin streams
        its CSV after the request's teardown, when rows are detached). Headers and values are
        the list's, in the user's language; numbers stay numbers, text that a spreadsheet
        would run as a formula is neutralised (`admin.export`).
        """
        if export_type not in self.export_types:
            abort(404)
        _count, rows = self._export_data()
        columns = self._export_columns
        headers = [str(label) for _name, label in columns]
        table = [[_plain(self.get_export_value(row, name)) for name, _label in columns]
                 for row in rows]
        stamp = datetime.now(deployment_zone()).strftime("%Y-%m-%d")
        filename = f"{self.name}_{stamp}.{export_type}"
        fallback = f"linli-{self.endpoint}-{stamp}.{export_type}"
        if export_type == "xlsx":
            body = spreadsheet.xlsx_bytes(str(self.name), headers, table)
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            body = spreadsheet.csv_bytes(headers, table)
            mimetype = "text/csv; charset=utf-8"
        return Response(body, mimetype=mimetype, headers={
            "Content-Disposition": spreadsheet.content_disposition(filename, fallback)})
