"""Events: events (shifts and slots inline), shifts, slots, assignments, runs, registrations."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from admin.base import LinliModelView
from admin.filters import enum_filters, local_date_filters
from app.enums import (
    AssignmentSource,
    AssignmentStatus,
    EventKind,
    EventStatus,
    RegistrationStatus,
    RunStatus,
)
from app.models import Assignment, Event, Registration, ScheduleRun, Shift, Slot

_TIMESTAMPS = ["created_at", "updated_at"]


class EventView(LinliModelView):
    column_list = ["title", "kind", "neighbourhood", "start_at", "end_at", "status",
                   "is_public", "capacity"]
    column_searchable_list = ["title", "place"]
    column_filters = [
        *enum_filters(Event.kind, _l("Kind"), EventKind),
        *enum_filters(Event.status, _l("Status"), EventStatus),
        *local_date_filters(Event.start_at, _l("Starts")),
        "neighbourhood.name",
        "is_public",
    ]
    column_default_sort = ("start_at", True)
    list_load_options = (joinedload(Event.neighbourhood),)
    form_excluded_columns = _TIMESTAMPS
    form_ajax_refs = {"household": {"fields": ["address", "contact_name"], "page_size": 10}}
    inline_models = [
        (Shift, {"form_excluded_columns": ["assignments", *_TIMESTAMPS]}),
        (Slot, {}),
    ]


class ShiftView(LinliModelView):
    column_list = ["title", "event", "start_at", "end_at", "skill", "team", "min_volunteers",
                   "max_volunteers", "priority"]
    column_searchable_list = ["title"]
    column_filters = [*local_date_filters(Shift.start_at, _l("Starts")), "event.title",
                      "team.name", "skill.code"]
    column_default_sort = ("start_at", True)
    list_load_options = (joinedload(Shift.event), joinedload(Shift.skill), joinedload(Shift.team))
    form_excluded_columns = ["assignments", *_TIMESTAMPS]


class SlotView(LinliModelView):
    column_list = ["label", "event", "start_at", "end_at", "capacity"]
    column_searchable_list = ["label"]
    column_filters = [*local_date_filters(Slot.start_at, _l("Starts")), "event.title"]
    column_default_sort = ("start_at", True)
    list_load_options = (joinedload(Slot.event),)


class AssignmentView(LinliModelView):
    column_list = ["volunteer", "shift", "shift.event", "status", "source", "pinned",
                   "responded_at"]
    column_labels = {"shift.event": _l("Event")}
    column_filters = [
        *enum_filters(Assignment.status, _l("Status"), AssignmentStatus),
        *enum_filters(Assignment.source, _l("Source"), AssignmentSource),
        "volunteer.name",
        "shift.title",
        "pinned",
    ]
    list_load_options = (joinedload(Assignment.volunteer),
                         joinedload(Assignment.shift).joinedload(Shift.event))
    form_excluded_columns = ["schedule_run", "sequence", *_TIMESTAMPS]
    form_ajax_refs = {
        "volunteer": {"fields": ["name", "phone"], "page_size": 10},
        "shift": {"fields": ["title"], "page_size": 10},
    }


class ScheduleRunView(LinliModelView):
    """Read only for everybody: runs are made by the scheduler, reviewed elsewhere."""

    column_list = ["id", "neighbourhood", "status", "progress", "created_by", "created_at",
                   "started_at", "finished_at"]
    column_details_list = ["id", "neighbourhood", "status", "progress", "created_by",
                           "created_at", "started_at", "finished_at", "scope", "parameters",
                           "metrics", "error", "log"]
    column_filters = [*enum_filters(ScheduleRun.status, _l("Status"), RunStatus)]
    column_default_sort = ("created_at", True)
    list_load_options = (joinedload(ScheduleRun.neighbourhood),
                         joinedload(ScheduleRun.created_by))


class RegistrationView(LinliModelView):
    column_list = ["name", "phone", "event", "slot", "party_size", "status", "reference_code",
                   "created_at"]
    column_export_list = ["id", "name", "phone", "email", "building", "room", "event", "slot",
                          "party_size", "status", "reference_code", "consent_at", "created_at"]
    column_searchable_list = ["name", "phone", "reference_code"]
    column_filters = [*enum_filters(Registration.status, _l("Status"), RegistrationStatus),
                      "event.title"]
    column_default_sort = ("created_at", True)
    list_load_options = (joinedload(Registration.event), joinedload(Registration.slot))
    form_excluded_columns = ["cancel_token", "reference_code", "cancelled_at", "slot_key",
                             *_TIMESTAMPS]
    column_details_exclude_list = ["cancel_token", "slot_key"]

    def on_model_change(self, form: Any, model: Registration, is_created: bool) -> None:
        # The one-place-per-phone index needs `slot_key` to mirror the slot (a CHECK says so).
        model.slot_key = model.slot.id if model.slot is not None else 0
        super().on_model_change(form, model, is_created)
