"""Form fields and list formatters for the admin: local time, translated enums, categories."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import current_app
from flask_admin import form as admin_form
from flask_admin.contrib.sqla.fields import QuerySelectField, QuerySelectMultipleField
from flask_admin.form.widgets import Select2Widget
from flask_admin.model import typefmt
from flask_babel import LazyString, gettext
from markupsafe import Markup, escape
from wtforms import DecimalField, PasswordField, SelectField, SelectMultipleField, widgets
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.validators import StopValidation, ValidationError

from app.enums import LabelledEnum
from app.i18n import deployment_zone
from app.sorting import pinyin_key

#: How times are entered and shown: wall-clock time in the deployment's zone.
LOCAL_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
DISPLAY_FORMAT = "%Y-%m-%d %H:%M"
#: The time of day of the format's example (`format_example`).
EXAMPLE_TIME = time(9, 30)
FIRST_YEAR, LAST_YEAR = 1900, 2999


def to_utc(local: datetime) -> datetime:
    """A wall-clock time entered in the deployment's zone as an aware UTC datetime."""
    return local.replace(tzinfo=deployment_zone()).astimezone(UTC)


def _zone_hint() -> str:
    return gettext("Local time (%(zone)s), as %(example)s",
                   zone=current_app.config["LINLI_TIMEZONE"], example=format_example())


def format_example(now: datetime | None = None) -> str:
    """A time written the way the field reads it, and one a field refusing past times takes:
    a week from today at 09:30 in the deployment's zone (`now` by default the moment the page
    is drawn)."""
    zone = deployment_zone()
    day = ((now or datetime.now(UTC)).astimezone(zone) + timedelta(days=7)).date()
    return datetime.combine(day, EXAMPLE_TIME).strftime(DISPLAY_FORMAT)


def show_local(value: datetime) -> str:
    return value.astimezone(deployment_zone()).strftime(DISPLAY_FORMAT)


class LocalDateTimeField(admin_form.DateTimeField):
    """Entered and shown in the deployment's zone (Asia/Shanghai); its data is aware UTC.

    The stored columns refuse naive datetimes, so the zone is attached here, where we know
    what the person typing meant: the time on the clock on their wall.
    """

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("format", LOCAL_FORMATS)
        kwargs.setdefault("description", LazyString(_zone_hint))
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        if isinstance(self.data, datetime):
            value = self.data
            if value.tzinfo is None:  # only ever from a default; treat as UTC
                value = value.replace(tzinfo=UTC)
            return value.astimezone(deployment_zone()).strftime(LOCAL_FORMATS[0])
        return ""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:  # WTForms' own words name no format: say which one is read
            raise ValueError(gettext("Not a date and time that can be read: write it as "
                                     "%(example)s (year-month-day hour:minute).",
                                     example=format_example())) from None
        if isinstance(self.data, datetime) and self.data.tzinfo is None:
            # Year 1 has no UTC equivalent east of Greenwich, and 9999 leaves no room for an
            # end; nothing Linli schedules is that far away.
            if not FIRST_YEAR <= self.data.year <= LAST_YEAR:
                self.data = None
                raise ValueError(gettext("Enter a date between the years %(first)d and "
                                         "%(last)d.", first=FIRST_YEAR, last=LAST_YEAR))
            self.data = to_utc(self.data)


def _as_choices(options: Any) -> Any:
    # Flask-Admin 2.2 yields plain tuples, which WTForms 3.3 deprecates; yield `Choice`s.
    # Its empty choice ("__None") gets a label a person understands.
    for option in options:
        if not isinstance(option, Choice):
            value, label, selected, *rest = option
            option = Choice(value, label, selected, rest[0] if rest else {})
        if option.value == "__None" and not option.label:
            option = Choice(option.value, gettext("— none —"), option.selected,
                            option.render_kw)
        yield option


class _PinyinOrder:
    """Options in pinyin order of their labels (people's names, teams, neighbourhoods)."""

    def _get_object_list(self) -> list[tuple[str, Any]]:
        if self._object_list is None:  # type: ignore[has-type]
            objects = super()._get_object_list()  # type: ignore[misc]
            self._object_list = sorted(objects,
                                       key=lambda pair: pinyin_key(str(self.get_label(pair[1]))))
        return self._object_list


_BLANK = (None, "", "__None")


def not_in_scope_message() -> str:
    return gettext("Not a valid choice: the record chosen is not one you may use here. "
                   "Nothing was saved.")


class ScopedQuerySelectField(_PinyinOrder, QuerySelectField):
    """A relation dropdown; its `query_factory` holds only rows in the user's scope.

    A posted id outside that scope is refused with a message (Flask-Admin would save an
    empty relation when the field may be blank), and a current value the editor cannot see
    (it is not among the choices, so the form shows it blank) is kept, never cleared.
    """

    def iter_choices(self) -> Any:  # type: ignore[override]
        return _as_choices(super().iter_choices())

    def pre_validate(self, form: Any) -> None:
        posted = self._formdata
        choices = [obj for _pk, obj in self._get_object_list()]
        if self.data is None and posted not in _BLANK:
            raise ValidationError(not_in_scope_message())
        if self.data is None and self.object_data is not None and self.object_data not in choices:
            self.data = self.object_data
            return
        super().pre_validate(form)


class ScopedQuerySelectMultipleField(_PinyinOrder, QuerySelectMultipleField):
    """Many rows of a relation, in the user's scope; members the editor cannot see are kept."""

    def iter_choices(self) -> Any:  # type: ignore[override]
        return _as_choices(super().iter_choices())

    def pre_validate(self, form: Any) -> None:
        if self._invalid_formdata:
            raise ValidationError(not_in_scope_message())
        super().pre_validate(form)
        choices = [obj for _pk, obj in self._get_object_list()]
        hidden = [obj for obj in (self.object_data or []) if obj not in choices]
        if hidden:
            self.data = [*(self.data or []), *(obj for obj in hidden if obj not in self.data)]


def _enum_value(value: Any) -> Any:
    if value is None or value == "":
        return None
    return value.value if isinstance(value, Enum) else str(value)


class EnumSelectField(SelectField):
    """One member of a labelled enum; the options show translated labels, the values are
    the member values (which equal the names)."""

    widget = Select2Widget()

    def __init__(self, label: Any = None, validators: Any = None, *,
                 enum: type[Enum], nullable: bool = False, **kwargs: Any) -> None:
        choices = [
            SelectChoice(m.value, m._labels()[m] if issubclass(enum, LabelledEnum) else m.value)
            for m in enum
        ]
        if nullable:
            choices.insert(0, SelectChoice("", "—"))
        kwargs.pop("allow_blank", None)
        kwargs.pop("coerce", None)
        super().__init__(label, validators, coerce=_enum_value, choices=choices, **kwargs)

    def pre_validate(self, form: Any) -> None:
        if self.data is None and any(c.value == "" for c in self.choices or ()):
            return
        try:
            super().pre_validate(form)
        except ValidationError as error:
            # Stop here: later validators (a uniqueness check) would query with a value the
            # column cannot hold.
            raise StopValidation(str(error)) from error


class WriteOnlyPasswordField(PasswordField):
    """A new password; never filled from the record and never copied onto it by the form."""

    def populate_obj(self, obj: Any, name: str) -> None:
        return None


class EnumMultipleField(SelectMultipleField):
    """Several members of a labelled enum, e.g. a household's categories (checkboxes)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def __init__(self, label: Any = None, validators: Any = None, *,
                 enum: type[LabelledEnum], **kwargs: Any) -> None:
        kwargs["choices"] = [SelectChoice(m.value, m._labels()[m]) for m in enum]
        super().__init__(label, validators, **kwargs)
        self.enum = enum

    def process_data(self, value: Any) -> None:
        self.data = [self.enum(v).value for v in value] if value else []

    def populate_obj(self, obj: Any, name: str) -> None:
        """Change the collection in place: keep unchanged members, add and remove the rest.

        Replacing the whole collection would delete and re-insert the same primary keys in one
        flush, which the database refuses.
        """
        wanted = [self.enum(v) for v in (self.data or [])]
        current = getattr(obj, name)
        for member in [m for m in current if m not in wanted]:
            current.remove(member)
        for member in wanted:
            if member not in current:
                current.append(member)


class HoursField(DecimalField):
    """A weekly limit entered and shown in hours, stored in minutes."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("places", None)
        kwargs.pop("coerce", None)
        super().__init__(label, validators, **kwargs)

    def process_data(self, value: Any) -> None:
        self.data = None if value is None else Decimal(value) / 60

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format_hours(int(self.data * 60))

    def populate_obj(self, obj: Any, name: str) -> None:
        setattr(obj, name, None if self.data is None else round(self.data * 60))


def format_hours(minutes: int) -> str:
    """Minutes as hours without needless decimals: 480 → "8", 90 → "1.5"."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def hours_formatter(view: Any, context: Any, model: Any, name: str) -> str:
    value = getattr(model, name)
    return "" if value is None else gettext("%(hours)s hours", hours=format_hours(value))


def hours_value(view: Any, context: Any, model: Any, name: str) -> Decimal | None:
    """The weekly limit in hours as a number (for spreadsheets)."""
    value = getattr(model, name)
    return None if value is None else Decimal(format_hours(value))


def _bool_formatter(view: Any, value: Any, name: str) -> Markup:
    """A tick or a dash, with "Yes"/"No" as its tooltip and for screen readers."""
    word = gettext("Yes") if value else gettext("No")
    icon = "fa-check-circle text-success" if value else "fa-minus-circle text-muted"
    return Markup('<span class="fa {}" title="{}" aria-hidden="true"></span>'
                  '<span class="sr-only">{}</span>').format(icon, word, word)


def _bool_text(view: Any, value: Any, name: str) -> str:
    return gettext("Yes") if value else gettext("No")


def _enum_formatter(view: Any, value: Enum, name: str) -> str:
    return value.label if isinstance(value, LabelledEnum) else value.name


def _datetime_formatter(view: Any, value: datetime, name: str) -> str:
    return show_local(value) if value.tzinfo is not None else value.strftime(DISPLAY_FORMAT)


def _date_formatter(view: Any, value: date, name: str) -> str:
    return value.isoformat()


def _time_formatter(view: Any, value: time, name: str) -> str:
    return value.strftime("%H:%M")


def _list_formatter(view: Any, values: list[Any], name: str) -> str:
    return ", ".join(
        v.label if isinstance(v, LabelledEnum) else str(v) for v in values
    )


def _html_list_formatter(view: Any, values: list[Any], name: str) -> Markup:
    return escape(_list_formatter(view, values, name))


def _type_formatters(base: dict[Any, Any], *, html: bool) -> dict[Any, Any]:
    # Order matters: Flask-Admin takes the first isinstance match, a datetime is a date and
    # a StrEnum is a str.
    ours: dict[Any, Any] = {
        bool: _bool_formatter if html else _bool_text,
        Enum: _enum_formatter,
        datetime: _datetime_formatter,
        date: _date_formatter,
        time: _time_formatter,
        list: _html_list_formatter if html else _list_formatter,
    }
    return {**ours, **{k: v for k, v in base.items() if k not in ours}}


LIST_FORMATTERS = _type_formatters(typefmt.BASE_FORMATTERS, html=True)
DETAIL_FORMATTERS = _type_formatters(typefmt.DETAIL_FORMATTERS, html=True)
EXPORT_FORMATTERS = _type_formatters(typefmt.EXPORT_FORMATTERS, html=False)
