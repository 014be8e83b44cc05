"""Event series (重复活动): a coordinator writes the repeat rule, previews the next occurrences
with the public holidays it skips named, and saves; the occurrences are made by the task queue
(`app.tasks.series`). Editing a series changes its future occurrences, with the people on them
told; deleting it calls its future occurrences off the same way."""

from __future__ import annotations

from typing import Any

from flask import flash, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import joinedload
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from admin.base import LinliModelView
from admin.filters import enum_filters
from admin.views.packages import NTH_CHOICES, WeekdaysField
from app.enums import EventKind
from app.extensions import db
from app.i18n import deployment_zone, local_date
from app.models import EventSeries, utcnow
from app.services.holidays import HolidayDay
from app.services.series import generation
from app.services.series.listing import SeriesError, check_series, preview
from app.services.series.rules import Expansion
from app.services.series.wording import rule_text
from app.tasks import series as series_tasks
from app.transactions import after_commit


def _today() -> Any:
    return utcnow().astimezone(deployment_zone()).date()


def _holiday_line(entry: HolidayDay) -> str:
    line = f"{local_date(entry.day, 'full')} {entry.name}"
    return line if entry.confirmed else f"{line} ({gettext('to be confirmed')})"


def _day_line(day: Any, moved_from: HolidayDay | None) -> str:
    if moved_from is None:
        return local_date(day, "full")
    return gettext("%(day)s (moved from %(holiday)s)", day=local_date(day, "full"),
                   holiday=_holiday_line(moved_from))


def preview_lines(found: Expansion) -> dict[str, list[str]]:
    """The preview as lines to show: days (a moved one says so), holidays skipped, holidays
    moved, make-up days added."""
    moved = {m.to: m.holiday for m in found.moved}
    return {"days": [_day_line(day, moved.get(day)) for day in found.days],
            "skipped": [_holiday_line(entry) for entry in found.skipped],
            "moved": [gettext("%(holiday)s → %(day)s", holiday=_holiday_line(m.holiday),
                              day=local_date(m.to, "full")) for m in found.moved],
            "added": [_holiday_line(entry) for entry in found.added]}


def _rule(view: Any, context: Any, model: EventSeries, name: str) -> str:
    return rule_text(model)


def _next(view: Any, context: Any, model: EventSeries, name: str) -> Markup:
    lines = preview_lines(preview(db.session, model, _today()))
    return Markup(render_template("admin/series/preview.html", series_preview=lines))


def _nth_or_none(value: Any) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class EventSeriesView(LinliModelView):
    create_template = "admin/series/create.html"
    edit_template = "admin/series/edit.html"
    column_list = ["title", "neighbourhood", "kind", "rule", "volunteer", "publish"]
    column_details_list = ["title", "neighbourhood", "kind", "rule", "next", "place",
                           "description", "contact", "is_public", "publish", "capacity",
                           "shift_title", "skill", "team", "min_volunteers", "max_volunteers",
                           "volunteer", "created_at", "updated_at"]
    column_export_list = ["id", "title", "neighbourhood", "kind", "rule", "volunteer",
                          "starts_on", "ends_on", "occurrences"]
    column_labels = {
        "rule": _l("Repeats"), "next": _l("Next occurrences"),
        "publish": _l("Publish occurrences"), "volunteer": _l("Regular volunteer"),
        "start_time": _l("Start time"), "duration_minutes": _l("Duration (minutes)"),
        "frequency": _l("How often"), "repeat_interval": _l("Every (weeks or months)"),
        "weekdays_mask": _l("On these weekdays"), "month_position": _l("Which of the month"),
        "starts_on": _l("From"), "ends_on": _l("Until"), "occurrences": _l("Times in all"),
        "on_holiday": _l("On a public holiday"),
        "on_makeup_days": _l("Also on make-up working days"),
        "shift_title": _l("Shift"), "is_public": _l("Public"),
    }
    column_descriptions = {
        "repeat_interval": _l("1: every week (or month); 2: every other week."),
        "month_position": _l("Monthly only. With Monday to Friday ticked, “first” is the "
                             "first weekday of the month."),
        "ends_on": _l("Empty, with “Times in all” empty too: the series goes on."),
        "occurrences": _l("Instead of an end date; skipped holidays do not count."),
        "on_holiday": _l("A day of the rule that is a public holiday: skipped, moved to the "
                         "next working day (the first weekday of October runs after the "
                         "National Day holiday), or kept."),
        "on_makeup_days": _l("Weekly series on working weekdays only: also run on the "
                             "weekend days the State Council makes working days (调休上班)."),
        "volunteer": _l("Given each occurrence's seat when the scheduler's rules allow "
                        "(availability, other shifts, weekly limits); otherwise the seat is "
                        "left to the scheduler."),
        "publish": _l("Occurrences are published as they are made; unticked, they are "
                      "drafts."),
    }
    column_formatters = {"rule": _rule}
    column_formatters_export = {"rule": _rule}
    column_formatters_detail = {"rule": _rule, "next": _next}
    column_searchable_list = ["title", "place"]
    column_filters = [*enum_filters(EventSeries.kind, _l("Kind"), EventKind),
                      "neighbourhood.name"]
    column_default_sort = "title"
    list_load_options = (joinedload(EventSeries.neighbourhood),
                         joinedload(EventSeries.volunteer))
    form_columns = ["neighbourhood", "kind", "title", "description", "place", "contact",
                    "is_public", "publish", "capacity", "start_time", "duration_minutes",
                    "frequency", "repeat_interval", "weekdays_mask", "month_position",
                    "starts_on", "ends_on", "occurrences", "on_holiday", "on_makeup_days",
                    "shift_title", "skill", "team", "min_volunteers", "max_volunteers",
                    "volunteer"]
    form_overrides = {"weekdays_mask": WeekdaysField, "month_position": SelectField}
    form_args = {"month_position": {"choices": [SelectChoice("", "—"), *NTH_CHOICES],
                                    "coerce": _nth_or_none}}
    form_ajax_refs = {"volunteer": {"fields": ["name", "phone"], "page_size": 10}}

    # -- preview -------------------------------------------------------------------------------

    def validate_form(self, form: Any) -> bool:
        valid = super().validate_form(form)
        if not (valid and request.method == "POST" and "_preview" in request.form):
            return valid
        series = EventSeries()
        form.populate_obj(series)
        try:
            check_series(series)
        except SeriesError as error:
            flash(str(error), "error")
            return False
        # On the edit page, the saved series' days removed or called off one by one stay out.
        saved = self.get_one(request.args["id"]) if request.args.get("id") else None
        if saved is not None:
            series.skipped_days = list(saved.skipped_days or ())
        self._template_args["series_preview"] = preview_lines(preview(
            db.session, series, _today(), series_id=saved.id if saved is not None else None))
        # Not saved: the form comes back with the preview under it.
        return False

    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        if obj is not None and request.method == "GET":
            self._template_args["series_preview"] = preview_lines(
                preview(db.session, obj, _today()))
        return form

    # -- saving --------------------------------------------------------------------------------

    def on_model_change(self, form: Any, model: EventSeries, is_created: bool) -> None:
        # Checked first: the base class flushes, and the database's refusal has no words.
        try:
            check_series(model)
        except SeriesError as error:
            raise ValidationError(str(error)) from error
        super().on_model_change(form, model, is_created)
        after_commit(db.session, lambda: series_tasks.enqueue_sync([model.id]))

    def after_model_change(self, form: Any, model: EventSeries, is_created: bool) -> None:
        flash(gettext("The series' occurrences are being made or changed; people on changed "
                      "occurrences are told. They appear in the events list within a minute."),
              "info")

    def on_model_delete(self, model: EventSeries) -> None:
        super().on_model_delete(model)
        result = generation.end_series(db.session, model, today=_today())
        if result.cancelled or result.deleted:
            flash(gettext("%(n)s future occurrences were called off (people on them are "
                          "told) and %(m)s drafts removed.", n=result.cancelled,
                          m=result.deleted), "info")
