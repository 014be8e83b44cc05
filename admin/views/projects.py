"""Service projects: the aim, the target group, the events, the goals and the results.

The figures are `app.services.projects.results`' (computed once per list page); the rules
`app.services.projects.rules`'. Events and organisers are looked up among the coordinator's
own rows only (ajax lookups scoped like every relation).
"""

from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from wtforms.validators import ValidationError

from admin.base import LinliModelView
from admin.filters import enum_filters
from app.enums import ProjectTarget
from app.extensions import db
from app.models import Project
from app.services import projects


def _results(model: Project) -> projects.ProjectResults:
    cached = getattr(g, "project_results", {})
    if model.id not in cached:
        cached = projects.project_results(db.session, [model.id])
    return cached[model.id]


def _events_text(view: Any, context: Any, model: Project, name: str) -> str:
    r = _results(model)
    if model.goal_events:
        return gettext("%(held)s held of %(goal)s planned (%(total)s in all)", held=r.held,
                       goal=model.goal_events, total=r.events)
    return gettext("%(held)s held (%(total)s in all)", held=r.held, total=r.events)


def _participants_text(view: Any, context: Any, model: Project, name: str) -> str:
    r = _results(model)
    if model.goal_participants:
        return gettext("%(n)s of %(goal)s", n=r.participants, goal=model.goal_participants)
    return str(r.participants)


class ProjectView(LinliModelView):
    column_list = ["title", "target", "neighbourhood", "starts_on", "ends_on", "held",
                   "participants"]
    column_details_list = ["title", "target", "neighbourhood", "starts_on", "ends_on",
                           "description", "organisers", "events", "goal_events",
                           "goal_participants", "held", "participants", "report",
                           "photo_links"]
    column_export_list = ["id", "title", "target", "neighbourhood", "starts_on", "ends_on",
                          "goal_events", "goal_participants", "held", "participants", "report"]
    column_labels = {"target": _l("Target group"), "held": _l("Events"),
                     "participants": _l("Participants"), "organisers": _l("Organisers"),
                     "events": _l("Events and activities"),
                     "goal_events": _l("Goal: events"),
                     "goal_participants": _l("Goal: participants"),
                     "report": _l("Short report"), "photo_links": _l("Photos (one link a line)")}
    column_formatters = {"held": _events_text, "participants": _participants_text}
    column_formatters_export = {"held": _events_text, "participants": _participants_text}
    column_searchable_list = ["title"]
    column_filters = [*enum_filters(Project.target, _l("Target group"), ProjectTarget),
                      "neighbourhood.name"]
    column_default_sort = ("starts_on", True)
    list_load_options = (joinedload(Project.neighbourhood),)
    form_columns = ["neighbourhood", "title", "target", "description", "starts_on", "ends_on",
                    "organisers", "events", "goal_events", "goal_participants", "report",
                    "photo_links"]
    form_ajax_refs = {
        "organisers": {"fields": ["name", "phone"], "page_size": 10},
        "events": {"fields": ["title"], "page_size": 10},
    }

    def get_list(self, *args: Any, **kwargs: Any) -> Any:
        count, rows = super().get_list(*args, **kwargs)
        g.project_results = projects.project_results(db.session, [row.id for row in rows])
        return count, rows

    def _export_data(self) -> Any:
        count, rows = super()._export_data()
        rows = list(rows)
        g.project_results = projects.project_results(db.session, [row.id for row in rows])
        return count, rows

    def on_model_change(self, form: Any, model: Project, is_created: bool) -> None:
        try:
            projects.check_project(model)
        except projects.ProjectError as error:
            raise ValidationError(str(error)) from error
        super().on_model_change(form, model, is_created)
