"""The linkage's levels in the admin: the town admin renames them (in Chinese and English),
adds one (社区片区 between the committee and the town, 市级 above the district…), moves one
up or down, says whether it counts as grassroots, retires one no longer used, and deletes
only one never used; everybody else with the admin reads them (the escalation form offers
them)."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_admin.actions import action
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from admin.base import LinliModelView
from app.extensions import db
from app.models import LinkageLevel
from app.services.requests import RequestError, level_editing


class LinkageLevelView(LinliModelView):
    """The levels lowest first; the service group's and the committee's stay the two lowest,
    in use and grassroots (requests start there)."""

    column_list = ["rank", "name", "name_en", "handled_by", "grassroots", "active"]
    column_default_sort = "rank"
    column_sortable_list = ["rank", "name"]
    column_searchable_list = ["name", "name_en"]
    column_labels = {
        "rank": _l("Order (1 is closest to residents)"), "name": _l("Name"),
        "name_en": _l("English name"), "handled_by": _l("Handled by"),
        "grassroots": _l("Counts as grassroots"), "active": _l("In use"),
    }
    column_descriptions = {
        "grassroots": _l(
            "A request resolved without being passed on to a level that does not count as "
            "grassroots is resolved at grassroots level (the article's “over 90%”)."),
        "active": _l(
            "A level no longer used is not offered for escalations; its history keeps its "
            "name. A level with history cannot be deleted: untick this instead."),
    }
    form_columns = ["name", "name_en", "grassroots", "active"]
    form_args = {"name": {"label": _l("Name")}, "name_en": {"label": _l("English name")}}

    def is_action_allowed(self, name: str) -> bool:
        if name in ("move_up", "move_down"):
            return self.can_edit
        return super().is_action_allowed(name)

    def on_model_change(self, form: Any, model: LinkageLevel, is_created: bool) -> None:
        try:
            level_editing.check_level(db.session, model)
        except RequestError as error:
            raise ValidationError(str(error.message)) from error
        super().on_model_change(form, model, is_created)

    def on_model_delete(self, model: LinkageLevel) -> None:
        try:
            level_editing.check_deletable(db.session, model)
        except RequestError as error:
            raise ValidationError(str(error.message)) from error
        super().on_model_delete(model)

    def _move(self, ids: list[str], step: int) -> None:
        moved = 0
        rows = sorted(self.writable_rows(ids), key=lambda row: row.rank, reverse=step > 0)
        for row in rows:
            try:
                level_editing.move(db.session, row, step)
                moved += 1
            except RequestError as error:
                flash(str(error.message), "error")
        db.session.commit()
        flash(gettext("Levels moved: %(n)s.", n=moved), "success")

    @action("move_up", _l("Move up one place"))
    def action_move_up(self, ids: list[str]) -> None:
        self._move(ids, 1)

    @action("move_down", _l("Move down one place"))
    def action_move_down(self, ids: list[str]) -> None:
        self._move(ids, -1)
