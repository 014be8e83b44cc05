"""Import volunteers from Excel or CSV in the admin (`admin.spreadsheet_import` does the
upload, preview and confirm; `app.services.volunteer_import` the rules)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from admin.spreadsheet_import import SpreadsheetImportMixin
from app.extensions import db
from app.services import volunteer_import as service
from app.services.spreadsheet_import import ImportPlan


class VolunteerImportMixin(SpreadsheetImportMixin):
    """Mix into VolunteerView before LinliModelView."""

    import_layout = service.LAYOUT
    import_salt = "linli-volunteer-import"
    import_title = _l("Import volunteers from Excel")
    import_intro = _l("Upload an Excel (.xlsx) or CSV file. Its first row names the columns; "
                      "the others are volunteers, one a row. Every row is checked and shown "
                      "before anything is saved, and either all of them are imported or none.")
    import_confirm_label = _l("Import %(n)s volunteers")
    import_preview_columns = ("name", "phone", "neighbourhood")
    import_template_columns = ("name", "phone", "neighbourhood", "email", "skills", "hours",
                               "shifts", "party_member", "dual_registered", "notes")
    import_template_example = ("王芳", "13800000000", "", "", "", 8, 4, "否", "否", "")
    import_template_sheet = _l("Volunteers")
    import_template_filename = _l("Volunteer import template")
    import_template_fallback = "linli-volunteer-import.xlsx"

    def import_plan(self, rows: list[list[str]],
                    neighbourhood_ids: frozenset[int] | None) -> ImportPlan[Any]:
        return service.plan(db.session, rows, neighbourhood_ids=neighbourhood_ids)

    def import_apply(self, plan: ImportPlan[Any]) -> Any:
        return service.apply(db.session, plan)

    def import_done_message(self, result: Any) -> str:
        return _("%(n)d volunteers imported.", n=len(result))
