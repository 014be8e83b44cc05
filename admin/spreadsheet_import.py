"""Import rows from Excel or CSV in the admin: upload → preview → confirm.

One mixin for every import (volunteers, households). The preview lists every row with its
status and the reasons it is refused; the confirm button appears only when every row is
accepted, and carries the rows back signed (nothing is stored in between). Confirming checks
the rows again against the database and imports all of them or none. The view says what it
imports through the `import_*` attributes; the rules are its service's
(`app.services.spreadsheet_import` and the import's own module).
"""

from __future__ import annotations

from typing import Any, ClassVar

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from admin import export as spreadsheet
from admin.protection import acting_user
from app.extensions import db
from app.services import scoping
from app.services.spreadsheet_import import (
    ImportPlan,
    ImportRefused,
    Layout,
    SpreadsheetImportError,
)

MAX_BYTES = 2 * 1024 * 1024
PREVIEW_SECONDS = 3600
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def serializer(salt: str) -> URLSafeTimedSerializer:
    """Signs the rows of a preview, so the confirm step gets back exactly what was shown."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def read_spreadsheet(filename: str, data: bytes, *, max_rows: int) -> list[list[str]]:
    try:
        if filename.lower().endswith(".xlsx"):
            return spreadsheet.read_xlsx(data, max_rows=max_rows + 1)
        if filename.lower().endswith(".csv"):
            return spreadsheet.read_csv(data)
    except spreadsheet.SpreadsheetError as exc:
        raise SpreadsheetImportError(
            _l("The file could not be read as a spreadsheet. Save it from Excel as "
               ".xlsx or CSV and try again.")) from exc
    raise SpreadsheetImportError(_l("Choose an Excel (.xlsx) or CSV file."))


class SpreadsheetImportMixin:
    """Mix into a LinliModelView before it: needs its `can_create` and `render`.

    A view sets the `import_*` attributes and implements `import_plan`, `import_apply` and
    `import_done_message`.
    """

    #: The import's columns (`app.services.spreadsheet_import.Layout`).
    import_layout: ClassVar[Layout]
    #: Salt of the signed preview: one per import, so a preview of one cannot confirm another.
    import_salt: ClassVar[str]
    import_title: ClassVar[Any]
    import_intro: ClassVar[Any]
    #: The confirm button, with ``%(n)s`` for the number of rows.
    import_confirm_label: ClassVar[Any]
    #: Columns shown for each row in the preview.
    import_preview_columns: ClassVar[tuple[str, ...]]
    #: The empty template's columns, one example row, its sheet and file names.
    import_template_columns: ClassVar[tuple[str, ...]]
    import_template_example: ClassVar[tuple[Any, ...]]
    import_template_sheet: ClassVar[Any]
    import_template_filename: ClassVar[Any]
    import_template_fallback: ClassVar[str]

    def import_plan(self, rows: list[list[str]],
                    neighbourhood_ids: frozenset[int] | None) -> ImportPlan[Any]:
        raise NotImplementedError

    def import_apply(self, plan: ImportPlan[Any]) -> Any:
        """Import the plan (flush only); raises `ImportRefused` if a row is refused."""
        raise NotImplementedError

    def import_done_message(self, result: Any) -> str:
        raise NotImplementedError

    def _render_import(self, **context: Any) -> Any:
        layout = self.import_layout
        return self.render("linli_admin/spreadsheet_import.html",  # type: ignore[attr-defined]
                           labels=layout.labels, columns=self.import_template_columns,
                           required=layout.required, title=self.import_title,
                           intro=self.import_intro, confirm_label=self.import_confirm_label,
                           preview_columns=self.import_preview_columns, **context)

    def _plan(self, rows: list[list[str]]) -> ImportPlan[Any]:
        return self.import_plan(rows, scoping.neighbourhood_ids(acting_user()))

    @expose("/import/", methods=("GET", "POST"))
    def import_view(self) -> Any:
        if not self.can_create:  # type: ignore[attr-defined]
            abort(403)
        if request.method == "GET":
            return self._render_import(plan=None)
        try:
            if request.form.get("rows"):
                return self._confirm(request.form["rows"])
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                raise SpreadsheetImportError(_l("Choose an Excel (.xlsx) or CSV file."))
            data = upload.stream.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise SpreadsheetImportError(_l("The file is larger than 2 MB."))
            rows = read_spreadsheet(upload.filename, data,
                                    max_rows=self.import_layout.max_rows)
            import_plan = self._plan(rows)
        except SpreadsheetImportError as exc:
            flash(str(exc.message), "error")
            return self._render_import(plan=None), 400
        token = serializer(self.import_salt).dumps(rows) if import_plan.ok else None
        return self._render_import(plan=import_plan, token=token)

    def _confirm(self, token: str) -> Any:
        try:
            rows = serializer(self.import_salt).loads(token, max_age=PREVIEW_SECONDS)
        except BadSignature as exc:
            raise SpreadsheetImportError(
                _l("The preview has expired or is not valid; upload the file again.")) from exc
        import_plan = self._plan(rows)
        try:
            result = self.import_apply(import_plan)
        except ImportRefused as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return self._render_import(plan=import_plan, token=None), 400
        db.session.commit()
        flash(self.import_done_message(result), "success")
        return redirect(url_for(".index_view"))

    @expose("/import/template.xlsx")
    def import_template(self) -> Response:
        if not self.can_create:  # type: ignore[attr-defined]
            abort(403)
        headers = [str(self.import_layout.labels[c]) for c in self.import_template_columns]
        body = spreadsheet.xlsx_bytes(str(self.import_template_sheet), headers,
                                      [list(self.import_template_example)])
        return Response(body, mimetype=XLSX_MIMETYPE, headers={
            "Content-Disposition": spreadsheet.content_disposition(
                str(self.import_template_filename) + ".xlsx",
                self.import_template_fallback)})
