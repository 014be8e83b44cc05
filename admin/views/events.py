"""Events: events (shifts and slots inline), shifts, slots, assignments, runs, registrations."""

from __future__ import annotations

from typing import Any

from flask import flash, g, url_for
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import joinedload
from wtforms.validators import ValidationError

from admin.base import LinliModelView
from admin.filters import enum_filters, local_date_filters
from admin.run_metrics import metrics_formatter, parameters_formatter, scope_formatter
from admin.scheduling import AutoScheduleMixin
from app.enums import (
    AssignmentSource,
    AssignmentStatus,
    EventKind,
    EventStatus,
    RegistrationStatus,
    RunStatus,
)
from app.extensions import db
from app.i18n import local_datetime
from app.models import Assignment, Event, Registration, ScheduleRun, Shift, Slot
from app.models.events import PRIVATE_KINDS
from app.services import signup
from app.services.scheduler import changes
from app.services.series import exceptions as series_exceptions

_TIMESTAMPS = ["created_at", "updated_at"]


def _resident_links(view: Any, context: Any, model: Event, name: str) -> Markup:
    """Sign a resident up (same service and rules as the public page), print, post."""
    links = [
        (url_for("staff.register_on_behalf", event_id=model.id), _("Sign up a resident")),
        (url_for("staff.sign_in_sheet", event_id=model.id), _("Sign-in sheet")),
        (url_for("staff.attendance", event_id=model.id), _("Take attendance")),
        (url_for("staff.poster", event_id=model.id), _("Poster")),
    ]
    return Markup(" · ").join(
        Markup('<a href="{}">{}</a>').format(href, label) for href, label in links
    )


def _run_page_link(view: Any, context: Any, model: ScheduleRun, name: str) -> Markup:
    """The run's review page: progress, coverage, reasons, pins, publish."""
    return Markup('<a href="{}">#{}</a>').format(
        url_for("schedule.run_page", run_id=model.id), model.id)


class CapacityThroughSignupMixin:
    """Capacity changes go through the sign-up service: it locks the event or slot, refuses
    to drop below the places already confirmed (saying how many) and promotes the waitlist
    when places are added. Nothing else of the form is saved when it refuses."""

    def update_model(self, form: Any, model: Any) -> bool:
        if "capacity" in form and form.capacity.data != model.capacity:
            try:
                signup.set_capacity(db.session, model, form.capacity.data)
            except signup.SignupError as error:
                db.session.rollback()
                flash(str(error.message), "error")
                return False
        return super().update_model(form, model)  # type: ignore[misc]


def _event_id_of(model: Any) -> int | None:
    if isinstance(model, Event):
        return model.id
    if isinstance(model, Assignment):
        return model.shift.event_id if model.shift is not None else None
    return model.event_id


class PlacesFollowStaffingMixin:
    """An edit of who is confirmed on a shift, of its places per volunteer or of the slots
    brings residents' places that follow staffing in line (`signup.follow_staffing`), and
    says how many residents moved to or from the waitlist (each of them is told)."""

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        super().on_model_change(form, model, is_created)  # type: ignore[misc]
        db.session.flush()
        event_id = _event_id_of(model)
        if event_id is not None:
            _say_what_staffing_did(signup.follow_staffing(db.session, event_id))

    def on_model_delete(self, model: Any) -> None:
        super().on_model_delete(model)  # type: ignore[misc]
        g.linli_staffing_event_id = None if isinstance(model, Event) else _event_id_of(model)

    def after_model_delete(self, model: Any) -> None:
        super().after_model_delete(model)  # type: ignore[misc]
        event_id = g.pop("linli_staffing_event_id", None)
        if event_id is not None:
            report = signup.follow_staffing(db.session, event_id)
            db.session.commit()
            _say_what_staffing_did(report)


def _say_what_staffing_did(report: signup.StaffingReport) -> None:
    if report.waitlisted:
        flash(_("Fewer volunteers are confirmed, so there are fewer places: %(n)s residents "
                "moved from a place to the waitlist, latest sign-ups first, and are being "
                "told.", n=len(report.waitlisted)), "warning")
    if report.promoted:
        flash(_("More volunteers are confirmed, so there are more places: %(n)s residents "
                "moved up from the waitlist and are being told.", n=len(report.promoted)),
              "info")


class TellPeopleOfChangesMixin:
    """An edit that moves a published shift, changes an event's place or calls it off tells
    the volunteers on it and the residents signed up (`scheduler.changes`), and says how many
    messages went out by which channel."""

    def _event_of(self, model: Any) -> tuple[Event, list[Shift] | None]:
        return (model, None) if isinstance(model, Event) else (model.event, [model])

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        event, shifts = self._event_of(model)
        pending = None if is_created else changes.pending_changes(event, shifts)
        super().on_model_change(form, model, is_created)  # type: ignore[misc]
        if pending is None or not (pending.cancelled or pending.moved_shift_ids):
            return
        counts = changes.apply_changes(db.session, event, pending).counts
        flash(_("People concerned are being told: %(email)s by e-mail, %(sms)s by SMS.",
                email=counts.email, sms=counts.sms), "info")
        if counts.unreachable:
            flash(_("%(n)s people have no e-mail address or mobile number and were not told: "
                    "please call them.", n=counts.unreachable), "warning")


class EventView(PlacesFollowStaffingMixin, TellPeopleOfChangesMixin, AutoScheduleMixin,
                CapacityThroughSignupMixin, LinliModelView):
    column_list = ["title", "kind", "neighbourhood", "start_at", "end_at", "status",
                   "is_public", "capacity", "residents"]
    column_formatters = {"residents": _resident_links}
    column_export_exclude_list = ["residents"]
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
    #: An occurrence's series and day are set by its series, never on the form.
    form_excluded_columns = [*_TIMESTAMPS, "series", "series_day", "series_detached"]
    column_labels = {"series": _l("Series"), "series_day": _l("Day in the series"),
                     "series_detached": _l("Changed on its own")}
    form_ajax_refs = {"household": {"fields": ["address", "contact_name"], "page_size": 10}}
    inline_models = [
        (Shift, {"form_excluded_columns": ["assignments", *_TIMESTAMPS]}),
        (Slot, {}),
    ]

    form_args = {"completion_sessions": {"description": _l(
        "Leave empty for an ordinary event. Set, the event is a course: residents sign up "
        "once for all its sessions (its slots) with the event's capacity, and complete it by "
        "attending at least this many. A session with places of its own also takes "
        "session-only sign-ups.")}}

    def on_model_change(self, form: Any, model: Event, is_created: bool) -> None:
        refuse_public_private_event(model)
        refuse_unworkable_course(model)
        for shift in model.shifts:
            refuse_misreserved_shift(shift, model)
        super().on_model_change(form, model, is_created)

    def on_model_delete(self, model: Event) -> None:
        super().on_model_delete(model)
        series_exceptions.forget_occurrence(db.session, model)


def refuse_unworkable_course(model: Event) -> None:
    """A course needs places for the whole course and no more sessions to attend than it
    has: say which, save nothing."""
    if model.completion_sessions is None:
        return
    if model.capacity is None:
        raise ValidationError(_(
            "A course needs a capacity: the places for the whole course. Nothing was saved."))
    if not 1 <= model.completion_sessions <= len(model.slots):
        raise ValidationError(_(
            "Sessions to attend must be between 1 and the course's %(n)s sessions (its time "
            "slots). Nothing was saved.", n=len(model.slots)))


def refuse_misreserved_shift(shift: Shift, event: Event | None) -> None:
    """A shift is kept for a team or for one of its neighbourhood's service groups (团组), not
    both: say which, save nothing."""
    group = shift.service_group
    if group is None:
        return
    if shift.team is not None:
        raise ValidationError(_(
            "“%(shift)s” is kept for the team “%(team)s” and for the service group "
            "“%(group)s”: choose one. Nothing was saved.",
            shift=shift.title, team=shift.team.name, group=group.name))
    neighbourhood_id = event and (event.neighbourhood_id or (
        event.neighbourhood.id if event.neighbourhood else None))
    if group.neighbourhood_id != neighbourhood_id:
        raise ValidationError(_(
            "“%(shift)s” can only be kept for a service group of its event's neighbourhood; "
            "“%(group)s” is another neighbourhood's. Nothing was saved.",
            shift=shift.title, group=group.name))


def refuse_public_private_event(model: Any) -> None:
    """Care visits and events for a household are never public: say so, save nothing."""
    if model.is_public and (getattr(model, "household_id", None) is not None
                            or getattr(model, "household", None) is not None
                            or model.kind in PRIVATE_KINDS):
        raise ValidationError(_(
            "Care visits and events for a household are never public: they show a resident's "
            "name and address. Untick “Public”. Nothing was saved."))


class ShiftView(PlacesFollowStaffingMixin, TellPeopleOfChangesMixin, LinliModelView):
    column_list = ["title", "event", "start_at", "end_at", "skill", "team", "service_group",
                   "min_volunteers", "max_volunteers", "priority"]
    column_searchable_list = ["title"]
    column_filters = [*local_date_filters(Shift.start_at, _l("Starts")), "event.title",
                      "team.name", "service_group.name", "skill.code"]
    column_default_sort = ("start_at", True)
    list_load_options = (joinedload(Shift.event), joinedload(Shift.skill), joinedload(Shift.team),
                         joinedload(Shift.service_group))
    form_excluded_columns = ["assignments", *_TIMESTAMPS]
    column_descriptions = {"places_per_volunteer": _l(
        "Leave empty to set residents' places by hand. When set, each slot of the event "
        "within this shift's time has this many places per confirmed volunteer (2 haircuts "
        "per barber per slot): places shrink when a volunteer drops out (the latest sign-ups "
        "go to the waitlist and are told) and grow when one confirms."),
        "service_group": _l("Only this service group's members take the shift (a group's "
                            "patrol round, say). Leave empty, or choose a team instead.")}

    def on_model_change(self, form: Any, model: Shift, is_created: bool) -> None:
        refuse_misreserved_shift(model, model.event)
        super().on_model_change(form, model, is_created)


class SlotView(PlacesFollowStaffingMixin, CapacityThroughSignupMixin, LinliModelView):
    column_list = ["label", "event", "start_at", "end_at", "capacity"]
    column_searchable_list = ["label"]
    column_filters = [*local_date_filters(Slot.start_at, _l("Starts")), "event.title"]
    column_default_sort = ("start_at", True)
    list_load_options = (joinedload(Slot.event),)


class AssignmentView(PlacesFollowStaffingMixin, LinliModelView):
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
    # released_by_handover is the series' own mark (app.services.series.generation), not
    # for a coordinator to set by hand; the details page shows it.
    form_excluded_columns = ["schedule_run", "sequence", "released_by_handover", *_TIMESTAMPS]
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
    column_formatters = {"id": _run_page_link}
    column_formatters_detail = {"id": _run_page_link, "metrics": metrics_formatter,
                                "parameters": parameters_formatter, "scope": scope_formatter}
    column_default_sort = ("created_at", True)
    list_load_options = (joinedload(ScheduleRun.neighbourhood),
                         joinedload(ScheduleRun.created_by))


def _after_the_move(view: Any, context: Any, model: Registration, name: str) -> str:
    """Whether the resident said "still coming" after the event last moved."""
    if model.moved_at is None:
        return ""
    if model.still_coming_at is None:
        return _("Not answered yet")
    return _("Still coming (said %(when)s)", when=local_datetime(model.still_coming_at))


class RegistrationView(LinliModelView):
    column_list = ["name", "phone", "event", "slot", "party_size", "status", "moved_at",
                   "reference_code", "created_at"]
    column_export_list = ["id", "name", "phone", "email", "building", "room", "event", "slot",
                          "party_size", "status", "moved_at", "reference_code", "consent_at",
                          "created_at"]
    column_labels = {"moved_at": _l("After the event moved"),
                     "still_coming_at": _l("Said still coming at")}
    column_formatters = {"moved_at": _after_the_move}
    column_formatters_export = {"moved_at": _after_the_move}
    column_searchable_list = ["name", "phone", "reference_code"]
    column_filters = [*enum_filters(Registration.status, _l("Status"), RegistrationStatus),
                      "event.title"]
    column_default_sort = ("created_at", True)
    list_load_options = (joinedload(Registration.event), joinedload(Registration.slot))
    #: Places are taken and given back only through the sign-up service (capacity, waitlist,
    #: one place per phone): new sign-ups through "Sign up a resident" on the event list,
    #: cancellations through the bulk action. Contact details stay editable.
    form_columns = ["name", "email", "building", "room"]
    column_details_exclude_list = ["cancel_token", "slot_key"]

    @action("cancel_registrations", _l("Cancel sign-up"),
            _l("Cancel the selected sign-ups? Their places go to the waitlist."))
    def action_cancel_registrations(self, ids: list[str]) -> None:
        tokens = [row.cancel_token for row in self.writable_rows(ids)]
        promoted = 0
        for token in tokens:
            promoted += len(signup.cancel(db.session, token).promoted)
        db.session.commit()
        flash(_("%(n)d sign-ups cancelled, %(promoted)d moved up from the waitlist.",
                n=len(tokens), promoted=promoted), "success")
