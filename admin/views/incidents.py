"""Incidents: record with the affected area, mark restored (→ follow-ups), see the progress."""

from __future__ import annotations

from typing import Any

from flask import flash, g
from flask_admin.actions import action
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload
from wtforms import TextAreaField
from wtforms.validators import ValidationError

from admin.base import LinliModelView
from admin.filters import enum_filters, local_date_filters
from app.enums import IncidentKind
from app.extensions import db
from app.i18n import deployment_zone
from app.models import Incident, IncidentArea, utcnow
from app.services import incidents


def _today() -> Any:
    return utcnow().astimezone(deployment_zone()).date()


def _progress(view: Any, context: Any, model: Incident, name: str) -> str:
    # The list page computes every row's progress in one query (`IncidentView.get_list`).
    cached = getattr(g, "incident_progress", {})
    if model.id not in cached:
        cached = incidents.follow_up_progress(db.session, [model.id], today=_today())
    return str(cached[model.id])


def _areas(view: Any, context: Any, model: Incident, name: str) -> str:
    parts = []
    for area in model.areas:
        text = area.building.number
        if area.floor_from is not None:
            text += f" {area.floor_from}-{area.floor_to}"
        parts.append(text)
    return "; ".join(parts)


class IncidentView(LinliModelView):
    column_list = ["title", "kind", "neighbourhood", "started_at", "restored_at", "areas",
                   "progress"]
    column_details_list = ["title", "kind", "neighbourhood", "started_at", "restored_at",
                           "areas", "actions", "follow_up_days", "progress", "created_at"]
    column_labels = {"areas": _l("Affected area"), "progress": _l("Follow-up"),
                     "restored_at": _l("Restored at"), "actions": _l("What was done"),
                     "follow_up_days": _l("Follow-up after (days)")}
    column_formatters = {"progress": _progress, "areas": _areas}
    column_filters = [*enum_filters(Incident.kind, _l("Kind"), IncidentKind),
                      *local_date_filters(Incident.started_at, _l("Started at"))]
    column_default_sort = ("started_at", True)
    list_load_options = (joinedload(Incident.neighbourhood),
                         selectinload(Incident.areas).joinedload(IncidentArea.building))
    form_columns = ["neighbourhood", "kind", "title", "started_at", "restored_at", "area_text",
                    "actions", "follow_up_days"]
    form_extra_fields = {
        "area_text": TextAreaField(
            _l("Affected area"),
            description=_l("One area a line: building number or range, then optionally "
                           "floors, e.g. “12 7-14” or “3-9”.")),
    }

    def get_list(self, *args: Any, **kwargs: Any) -> Any:
        count, rows = super().get_list(*args, **kwargs)
        g.incident_progress = incidents.follow_up_progress(
            db.session, [row.id for row in rows], today=_today())
        return count, rows

    def edit_form(self, obj: Any = None) -> Any:
        # The affected households are chosen when the incident is recorded.
        form = super().edit_form(obj)
        if "area_text" in form:
            del form["area_text"]
        return form

    def create_model(self, form: Any) -> Any:
        """Recording goes through the service: the area picks the households, or nothing is
        written."""
        neighbourhood = form.neighbourhood.data
        try:
            incident = incidents.record_incident(
                db.session, neighbourhood_id=neighbourhood.id if neighbourhood else 0,
                kind=IncidentKind(form.kind.data), title=form.title.data or "",
                started_at=form.started_at.data, areas=form.area_text.data or "",
                actions=form.actions.data, follow_up_days=form.follow_up_days.data or 0,
                restored_at=form.restored_at.data)
            self._check_writable(incident)
        except (incidents.IncidentError, ValidationError) as error:
            db.session.rollback()
            flash(str(error), "error")
            return False
        db.session.commit()
        flash(gettext("%(n)s households affected.", n=len(incident.households)), "success")
        return incident

    def on_model_change(self, form: Any, model: Incident, is_created: bool) -> None:
        super().on_model_change(form, model, is_created)
        if not is_created and model.restored_at is not None:
            try:
                incidents.mark_restored(db.session, model, model.restored_at)
            except incidents.IncidentError as error:
                raise ValidationError(str(error)) from error

    @action("mark_restored", _l("Mark restored now"),
            _l("Mark the selected incidents restored now? Follow-up contacts fall due."))
    def action_mark_restored(self, ids: list[str]) -> None:
        rows = self.writable_rows(ids)
        count = 0
        now = utcnow()
        for incident in rows:
            if incident.restored_at is None:
                count += incidents.mark_restored(db.session, incident, now)
        db.session.commit()
        flash(gettext("%(n)s follow-up contacts scheduled.", n=count), "success")
