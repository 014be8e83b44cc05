"""Import volunteers from Excel or CSV in the admin: upload → preview → confirm.

The preview lists every row with the reasons it is refused; the confirm button appears only
when every row is accepted, and carries the rows back signed (nothing is stored in between).
Confirming checks the rows again against the database and imports all of them or none
(`app.services.volunteer_import`).
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from admin import export as spreadsheet
from admin.base import acting_user
from app.extensions import db
from app.services import scoping
from app.services import volunteer_import as service

MAX_BYTES = 2 * 1024 * 1024
PREVIEW_SECONDS = 3600
TEMPLATE_COLUMNS = ("name", "phone", "neighbourhood", "email", "skills", "hours", "shifts",
                    "party_member", "dual_registered", "notes")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"],
                                  salt="linli-volunteer-import")


def read_spreadsheet(filename: str, data: bytes) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        return spreadsheet.read_xlsx(data, max_rows=service.MAX_ROWS + 1)
    if filename.lower().endswith(".csv"):
        return spreadsheet.read_csv(data)
    raise service.VolunteerImportError(_l("Choose an Excel (.xlsx) or CSV file."))


class VolunteerImportMixin:
    """Mix into VolunteerView before LinliModelView: needs its `can_create` and `render`."""

    def _render_import(self, **context: Any) -> Any:
        return self.render("linli_admin/volunteer_import.html",  # type: ignore[attr-defined]
                           labels=service.LABELS, columns=TEMPLATE_COLUMNS,
                           required=service.REQUIRED, **context)

    def _plan(self, rows: list[list[str]]) -> service.ImportPlan:
        return service.plan(db.session, rows,
                            neighbourhood_ids=scoping.neighbourhood_ids(acting_user()))

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
                raise service.VolunteerImportError(_l("Choose an Excel (.xlsx) or CSV file."))
            data = upload.stream.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise service.VolunteerImportError(_l("The file is larger than 2 MB."))
            try:
                rows = read_spreadsheet(upload.filename, data)
            except spreadsheet.SpreadsheetError as exc:
                raise service.VolunteerImportError(
                    _l("The file could not be read as a spreadsheet. Save it from Excel as "
                       ".xlsx or CSV and try again.")) from exc
            import_plan = self._plan(rows)
        except service.VolunteerImportError as exc:
            flash(str(exc.message), "error")
            return self._render_import(plan=None), 400
        token = _serializer().dumps(rows) if import_plan.ok else None
        return self._render_import(plan=import_plan, token=token)

    def _confirm(self, token: str) -> Any:
        try:
            rows = _serializer().loads(token, max_age=PREVIEW_SECONDS)
        except BadSignature as exc:
            raise service.VolunteerImportError(
                _l("The preview has expired or is not valid; upload the file again.")) from exc
        import_plan = self._plan(rows)
        try:
            created = service.apply(db.session, import_plan)
        except service.ImportRefused as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return self._render_import(plan=import_plan, token=None), 400
        db.session.commit()
        flash(_("%(n)d volunteers imported.", n=len(created)), "success")
        return redirect(url_for(".index_view"))

    @expose("/import/template.xlsx")
    def import_template(self) -> Response:
        if not self.can_create:  # type: ignore[attr-defined]
            abort(403)
        headers = [str(service.LABELS[c]) for c in TEMPLATE_COLUMNS]
        example = ["王芳", "13800000000", "", "", "", 8, 4, "否", "否", ""]
        body = spreadsheet.xlsx_bytes(_("Volunteers"), headers, [example])
        return Response(body, mimetype=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), headers={
            "Content-Disposition": spreadsheet.content_disposition(
                _("Volunteer import template") + ".xlsx", "linli-volunteer-import.xlsx")})
