"""Pairing 结对: members paired with families (list, form, confirm and end in bulk).

The rules are `app.services.pairing`'s; this view only parses and calls them. Scoping is the
household's: a coordinator sees and changes the pairings of her neighbourhoods' families, and
the member and family dropdowns offer only her own rows.
"""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_admin.actions import action
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms.validators import ValidationError

from admin.base import LinliModelView
from admin.filters import enum_filters, local_date_filters
from app.enums import PairingStatus
from app.extensions import db
from app.i18n import deployment_zone
from app.models import Household, Pairing, utcnow
from app.services import pairing as pairing_service
from app.services.pairing import proposals


def _today() -> Any:
    return utcnow().astimezone(deployment_zone()).date()


def _distance(view: Any, context: Any, model: Pairing, name: str) -> str:
    return "" if model.distance_km is None else f"{model.distance_km:.2f}"


class PairingView(LinliModelView):
    column_list = ["volunteer", "household", "status", "starts_on", "ends_on", "aim",
                   "distance_km"]
    column_details_list = ["volunteer", "household", "status", "starts_on", "ends_on", "aim",
                           "notes", "distance_km", "created_by", "confirmed_at", "created_at",
                           "updated_at"]
    column_export_list = ["id", "volunteer", "household", "status", "starts_on", "ends_on",
                          "aim", "distance_km", "confirmed_at"]
    column_labels = {"household": _l("Family"), "volunteer": _l("Member")}
    column_formatters = {"distance_km": _distance}
    column_formatters_export = {"distance_km": _distance}
    column_searchable_list = ["aim"]
    column_filters = [*enum_filters(Pairing.status, _l("Status"), PairingStatus),
                      *local_date_filters(Pairing.created_at, _l("Created")),
                      "volunteer.name"]
    column_default_sort = ("starts_on", True)
    list_load_options = (joinedload(Pairing.volunteer),
                         joinedload(Pairing.household).joinedload(Household.neighbourhood))
    form_columns = ["household", "volunteer", "status", "starts_on", "ends_on", "aim", "notes"]
    form_ajax_refs = {
        "household": {"fields": ["address", "contact_name"], "page_size": 10},
        "volunteer": {"fields": ["name", "phone"], "page_size": 10},
    }

    def on_model_change(self, form: Any, model: Pairing, is_created: bool) -> None:
        if is_created and model.created_by_id is None:
            model.created_by_id = self._user_id()
        if model.status == PairingStatus.confirmed and model.confirmed_at is None:
            model.confirmed_at = utcnow()
        try:
            pairing_service.check_pairing(db.session, model)
        except pairing_service.PairingError as error:
            raise ValidationError(str(error)) from error
        super().on_model_change(form, model, is_created)

    @staticmethod
    def _user_id() -> int | None:
        return current_user.id if current_user.is_authenticated else None

    @action("confirm", _l("Confirm"), _l("Confirm the selected proposed pairings?"))
    def action_confirm(self, ids: list[str]) -> None:
        rows = self.writable_rows(ids)
        confirmed, refused = [], []
        for row in rows:
            try:
                if pairing_service.confirm(db.session, row):
                    confirmed.append(row)
            except pairing_service.PairingError as error:
                refused.append(str(error))
        told = proposals.tell_members(db.session, confirmed)
        db.session.commit()
        flash(gettext("%(n)s pairings confirmed; %(m)s members told.", n=len(confirmed),
                      m=len(told)), "success")
        for message in refused:
            flash(message, "error")

    @action("end", _l("End today"), _l("End the selected pairings today?"))
    def action_end(self, ids: list[str]) -> None:
        rows = self.writable_rows(ids)
        today = _today()
        ended, refused = 0, []
        for row in rows:
            try:
                ended += pairing_service.end(db.session, row, today)
            except pairing_service.PairingError as error:
                refused.append(str(error))
        db.session.commit()
        flash(gettext("%(n)s pairings ended.", n=ended), "success")
        for message in refused:
            flash(message, "error")
