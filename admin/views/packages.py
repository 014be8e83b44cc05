"""Service packages 服务套餐: a household's package with its items inline (what, by whom, how
often, when, for how long), and the visits they generated, each saying why it was left for the
scheduler when it did not go to the item's helper.

Scoping is the household's: a coordinator sees and changes the packages of her neighbourhoods'
families, and the family and helper lookups offer only her own rows. Saving (or deleting) a
package queues the generation of its visits once the change is committed
(`app.tasks.packages`); the view holds no rule of its own beyond a readable refusal of an item
the database would refuse.
"""

from __future__ import annotations

from typing import Any

from flask import flash, request
from flask_admin import expose
from flask_admin.form import TimeField
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import inspect
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectField, SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, ValidationError

from admin.base import LinliModelView
from admin.filters import enum_filters
from admin.labels import COMMON_LABELS
from admin.views.common import WEEKDAY_CHOICES
from app.enums import PackageCadence, PackageVisitLeft
from app.extensions import db
from app.models import Event, Household, PackageVisit, ServicePackage, ServicePackageItem
from app.services.packages import wording
from app.tasks import packages as package_tasks
from app.transactions import after_commit

#: An item's duration in minutes (the database's duration_range).
MIN_DURATION, MAX_DURATION = 5, 480

#: Which of the month's weekdays a monthly item falls on.
NTH_CHOICES = [SelectChoice(1, _l("First")), SelectChoice(2, _l("Second")),
               SelectChoice(3, _l("Third")), SelectChoice(4, _l("Fourth")),
               SelectChoice(-1, _l("Last"))]

_HOUSEHOLD_LOOKUP = {"fields": ["address", "contact_name"], "page_size": 10}


class WeekdayBoxes:
    """A row of inline checkboxes. Not in Bootstrap's ``form-control`` box the admin gives
    every field: its fixed height let the seven boxes spill over the time and duration
    fields below."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        boxes = Markup("").join(
            Markup('<div class="form-check form-check-inline">{}{}</div>').format(
                box(class_="form-check-input"), box.label(class_="form-check-label"))
            for box in field)
        return Markup('<div id="{}" class="weekday-boxes mb-2">{}</div>').format(field.id, boxes)


class WeekdaysField(SelectMultipleField):
    """Weekdays as checkboxes, stored as a bit mask (Monday = bit 0)."""

    widget = WeekdayBoxes()
    option_widget = widgets.CheckboxInput()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs["choices"] = WEEKDAY_CHOICES
        kwargs["coerce"] = int
        super().__init__(label, validators, **kwargs)

    def process_data(self, value: Any) -> None:
        mask = value if isinstance(value, int) else 0
        self.data = [day for day in range(7) if mask & (1 << day)]

    def populate_obj(self, obj: Any, name: str) -> None:
        setattr(obj, name, sum(1 << day for day in set(self.data or [])))


class TimeOfDayField(TimeField):
    """A time of day; a time that does not exist (25:99) is refused on the field, in words."""

    def process_formdata(self, valuelist: Any) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(gettext(
                "Enter a time of day from 00:00 to 23:59, such as 09:30.")) from error


def _nth_or_none(value: Any) -> int | None:
    return int(value) if value not in (None, "", "None") else None


def _items_summary(view: Any, context: Any, model: ServicePackage, name: str) -> str:
    return "; ".join(
        f"{item.skill}" + (f" · {item.volunteer.name}" if item.volunteer else "")
        for item in model.items)


def _check_items(package: ServicePackage) -> None:
    """Say in words what the database's checks would refuse without a word."""
    for item in package.items:
        if item.cadence == PackageCadence.weekdays and not item.weekdays_mask:
            raise ValidationError(gettext(
                "An item “on set weekdays” needs at least one weekday ticked. Nothing was saved."))
        if item.cadence == PackageCadence.monthly and item.nth is None:
            raise ValidationError(gettext(
                "A monthly item needs which of the month's weekdays it falls on (first, "
                "second, third, fourth or last). Nothing was saved."))
        if item.cadence != PackageCadence.monthly:
            item.nth = None


class ServicePackageView(LinliModelView):
    column_list = ["household", "active", "starts_on", "ends_on", "items"]
    column_details_list = ["household", "active", "starts_on", "ends_on", "items", "notes",
                           "created_at", "updated_at"]
    column_export_list = ["id", "household", "active", "starts_on", "ends_on", "items"]
    column_labels = {"household": _l("Family"), "items": _l("Services"),
                     "household.address": _l("Address"), "household.contact_name": _l("Contact")}
    column_formatters = {"items": _items_summary}
    column_formatters_export = {"items": _items_summary}
    column_formatters_detail = {"items": _items_summary}
    column_searchable_list = ["household.address", "household.contact_name"]
    column_filters = ["active", "starts_on"]
    column_default_sort = ("starts_on", True)
    list_load_options = (
        joinedload(ServicePackage.household),
        selectinload(ServicePackage.items).joinedload(ServicePackageItem.skill),
        selectinload(ServicePackage.items).joinedload(ServicePackageItem.volunteer),
    )
    form_columns = ["household", "starts_on", "ends_on", "active", "notes"]
    form_ajax_refs = {"household": _HOUSEHOLD_LOOKUP}
    inline_models = [
        (ServicePackageItem, {
            "form_columns": ["id", "skill", "volunteer", "cadence", "weekday", "nth",
                             "weekdays_mask", "time_of_day", "duration_minutes",
                             "skip_holidays", "description"],
            "column_labels": {**COMMON_LABELS, "volunteer": _l("Helper"), "skill": _l("Service"),
                              "cadence": _l("How often"), "nth": _l("Which of the month"),
                              "weekdays_mask": _l("On these weekdays"),
                              "time_of_day": _l("Time"),
                              "duration_minutes": _l("Duration (minutes)"),
                              "weekday": _l("Weekday"),
                              "skip_holidays": _l("Move off public holidays")},
            "column_descriptions": {"skip_holidays": _l(
                "A visit due on a public holiday comes on the next day instead (make-up "
                "working days are not holidays). Leave it off for meals, medicine and company: "
                "they are needed on holidays too.")},
            "form_overrides": {"weekday": SelectField, "nth": SelectField,
                               "weekdays_mask": WeekdaysField, "time_of_day": TimeOfDayField},
            "form_args": {
                # The database's range, said on the field rather than after the save fails.
                "duration_minutes": {"validators": [NumberRange(
                    MIN_DURATION, MAX_DURATION,
                    message=_l("A visit lasts from %(min)s to %(max)s minutes.",
                               min=MIN_DURATION, max=MAX_DURATION))]},
                "weekday": {"choices": WEEKDAY_CHOICES, "coerce": int},
                "nth": {"choices": [SelectChoice("", "—"), *NTH_CHOICES],
                        "coerce": _nth_or_none},
            },
        }),
    ]

    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-print", ".card_view", title=_l("Print the package card")),
    ]

    @expose("/card/")
    def card_view(self) -> Any:
        """The A5 card for the elderly person: who comes, for what, when, and whom to call."""
        package = self.get_one(request.args.get("id"))
        lang = "en" if str(get_locale()) == "en" else "zh-CN"
        return self.render("admin/packages/card.html", package=package, lang=lang,
                           items=[(item, wording.when(item)) for item in package.items])

    def on_model_change(self, form: Any, model: ServicePackage, is_created: bool) -> None:
        _check_items(model)
        # A family changed on the form loses its visits as the new one gains them.
        before = [h.id for h in inspect(model).attrs.household.history.deleted if h is not None]
        super().on_model_change(form, model, is_created)
        self._generate_after_commit([model.household_id, *before])

    def after_model_change(self, form: Any, model: ServicePackage, is_created: bool) -> None:
        flash(gettext("The package's visits are being generated; they appear in the list of "
                      "package visits within a minute."), "info")

    def on_model_delete(self, model: ServicePackage) -> None:
        super().on_model_delete(model)
        # Deleted items leave their visits without an item: the task removes the future ones.
        self._generate_after_commit([model.household_id])

    @staticmethod
    def _generate_after_commit(household_ids: list[int]) -> None:
        ids = [i for i in household_ids if i is not None]
        after_commit(db.session, lambda: package_tasks.enqueue_sync(ids))


def _event_time(view: Any, context: Any, model: PackageVisit, name: str) -> Any:
    return model.event.start_at


def _makes_up_for(view: Any, context: Any, model: PackageVisit, name: str) -> Any:
    """When the missed visit was: a make-up says so in the list, beside why it is not with
    the helper."""
    return model.makeup_of.event.start_at if model.makeup_of is not None else ""


def _left_label(view: Any, context: Any, model: PackageVisit, name: str) -> str:
    return PackageVisitLeft(model.left_reason).label if model.left_reason else ""


class PackageVisitView(LinliModelView):
    """Read only: visits change through their package (and the schedule's own pages)."""

    column_list = ["event", "due_on", "start", "helper", "left_reason", "makeup_of"]
    column_details_list = ["event", "due_on", "start", "item", "helper", "left_reason",
                           "kept_after_change", "missed_alerted_at", "makeup_of",
                           "created_at"]
    column_export_list = column_list
    column_labels = {"event": _l("Visit"), "start": _l("Starts"), "helper": _l("Helper"),
                     "left_reason": _l("Left for the scheduler because"),
                     "due_on": _l("Due on"), "item": _l("Service"),
                     "kept_after_change": _l("Confirmed visit kept after a change"),
                     "missed_alerted_at": _l("Escalated as not done"),
                     "makeup_of": _l("Makes up for the visit of")}
    column_formatters = {"start": _event_time, "left_reason": _left_label,
                         "makeup_of": _makes_up_for}
    column_formatters_export = column_formatters
    column_formatters_detail = column_formatters
    column_filters = [*enum_filters(PackageVisit.left_reason, _l("Left for the scheduler "
                                                                 "because"), PackageVisitLeft),
                      "due_on"]
    column_default_sort = ("due_on", False)
    list_load_options = (joinedload(PackageVisit.event).joinedload(Event.household)
                         .joinedload(Household.neighbourhood),
                         joinedload(PackageVisit.helper),
                         selectinload(PackageVisit.makeup_of).selectinload(PackageVisit.event),
                         joinedload(PackageVisit.item).joinedload(ServicePackageItem.skill))
