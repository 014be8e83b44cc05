"""Shift swaps and drops 换班/退出: what volunteers asked in the portal, decided here.

Read-only rows (a request is never edited or deleted: its history is the record); the
decisions are bulk actions that call `app.services.scheduler.swaps`, on the rows of the
coordinator's own neighbourhoods only (the write scope of the assignment's event).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash
from flask_admin.actions import action
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from admin import access
from admin.base import LinliModelView
from admin.filters import enum_filters, local_date_filters
from admin.protection import acting_user
from app.enums import ShiftChangeStatus
from app.extensions import db
from app.models import Assignment, Shift, ShiftChangeRequest
from app.services.scheduler import swaps


def _kind(view: Any, context: Any, model: ShiftChangeRequest, name: str) -> str:
    return gettext("Swap") if model.is_swap else gettext("Drop")


class ShiftChangeRequestView(LinliModelView):
    column_list = ["created_at", "volunteer", "assignment.shift", "assignment.shift.event",
                   "kind", "colleague_phone", "colleague", "reason", "status", "outcome"]
    column_details_list = ["created_at", "volunteer", "assignment.shift",
                           "assignment.shift.event", "kind", "colleague_phone", "colleague",
                           "reason", "status", "decided_by", "decided_at", "outcome"]
    column_export_list = column_details_list
    column_labels = {"assignment.shift": _l("Shift"), "assignment.shift.event": _l("Event"),
                     "kind": _l("Kind of change"), "colleague": _l("Colleague taking over"),
                     "colleague_phone": _l("Mobile number given for a swap"),
                     "decided_by": _l("Decided by"), "decided_at": _l("Decided")}
    column_formatters = {"kind": _kind}
    column_formatters_export = {"kind": _kind}
    column_filters = [*enum_filters(ShiftChangeRequest.status, _l("Status"), ShiftChangeStatus),
                      *local_date_filters(ShiftChangeRequest.created_at, _l("Created")),
                      "volunteer.name"]
    column_default_sort = ("created_at", True)
    list_load_options = (
        joinedload(ShiftChangeRequest.volunteer), joinedload(ShiftChangeRequest.colleague),
        joinedload(ShiftChangeRequest.assignment).joinedload(Assignment.shift)
        .joinedload(Shift.event),
    )

    def _decidable(self, ids: list[str]) -> list[ShiftChangeRequest]:
        if access.READ not in self._permissions():
            abort(403)
        numbers = [int(i) for i in ids if str(i).isdigit() and len(str(i)) < 10]
        query = db.session.query(ShiftChangeRequest).filter(ShiftChangeRequest.id.in_(numbers))
        condition = self._scope(write=True)
        return (query if condition is None else query.filter(condition)).all()

    def _decide(self, ids: list[str], decide: Any) -> None:
        done: list[str] = []
        refused: list[str] = []
        for row in self._decidable(ids):
            try:
                with db.session.begin_nested():
                    done.append(decide(row))
            except swaps.SwapError as error:
                refused.append(gettext("%(volunteer)s: %(reason)s",
                                       volunteer=row.volunteer.name, reason=error.message))
        db.session.commit()
        for message in done:
            flash(message, "success")
        for message in refused:
            flash(message, "error")
        if not done and not refused:
            flash(gettext("Nothing to decide among the selected requests."), "warning")

    def _approve(self, row: ShiftChangeRequest, anyway: bool) -> str:
        outcome = swaps.approve(db.session, row, user=acting_user(), allow_below_minimum=anyway)
        return gettext("%(volunteer)s released. %(outcome)s", volunteer=row.volunteer.name,
                       outcome=outcome)

    @action("approve", _l("Approve"), _l("Approve the selected requests and tell everyone?"))
    def action_approve(self, ids: list[str]) -> None:
        self._decide(ids, lambda row: self._approve(row, False))

    @action("approve_anyway", _l("Approve even below the minimum"),
            _l("Approve even if a shift falls below its minimum staffing?"))
    def action_approve_anyway(self, ids: list[str]) -> None:
        self._decide(ids, lambda row: self._approve(row, True))

    @action("refuse", _l("Refuse"), _l("Refuse the selected requests? The volunteers stay on "
                                       "their shifts and are told."))
    def action_refuse(self, ids: list[str]) -> None:
        def refuse(row: ShiftChangeRequest) -> str:
            swaps.refuse(db.session, row, user=acting_user())
            return gettext("%(volunteer)s stays on the shift.", volunteer=row.volunteer.name)

        self._decide(ids, refuse)
