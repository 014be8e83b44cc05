"""List filters that speak the deployment's local time and translated enum labels."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual, FilterNotEqual
from flask_babel import lazy_gettext as _l

from app.enums import LabelledEnum
from app.i18n import day_in_range, deployment_zone
from app.services.requests.follow_up import due_condition, open_condition


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=deployment_zone()).astimezone(UTC)


def _option_values(options: Any) -> set[str] | None:
    if options is None or callable(options):
        return None
    return {str(value) for value, _label in options}


class _ChoiceValidation:
    """A filter with fixed options accepts only those values; anything else is flashed as an
    invalid filter value by Flask-Admin instead of reaching the database."""

    options: Any

    def validate(self, value: Any) -> bool:
        allowed = _option_values(self.options)
        return allowed is None or str(value) in allowed


class ChoiceEqual(_ChoiceValidation, FilterEqual):
    pass


class ChoiceNotEqual(_ChoiceValidation, FilterNotEqual):
    pass


class _LocalDateFilter(BaseSQLAFilter):
    """Compares a UTC column with a calendar day in the deployment's zone."""

    def __init__(self, column: Any, name: Any) -> None:
        super().__init__(column, name, data_type="datepicker")

    def validate(self, value: Any) -> bool:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            return False
        return day_in_range(day)

    def clean(self, value: Any) -> date:
        return date.fromisoformat(str(value).strip())


class LocalDayFilter(_LocalDateFilter):
    def apply(self, query: Any, value: date, alias: Any = None) -> Any:
        column = self.get_column(alias)
        start = _local_midnight(value)
        return query.filter(column >= start, column < start + timedelta(days=1))

    def operation(self) -> Any:
        return _l("on day")


class LocalFromFilter(_LocalDateFilter):
    def apply(self, query: Any, value: date, alias: Any = None) -> Any:
        return query.filter(self.get_column(alias) >= _local_midnight(value))

    def operation(self) -> Any:
        return _l("from day")


class LocalUntilFilter(_LocalDateFilter):
    def apply(self, query: Any, value: date, alias: Any = None) -> Any:
        return query.filter(
            self.get_column(alias) < _local_midnight(value) + timedelta(days=1)
        )

    def operation(self) -> Any:
        return _l("until day")


def local_date_filters(column: Any, name: Any) -> list[BaseSQLAFilter]:
    return [LocalDayFilter(column, name), LocalFromFilter(column, name),
            LocalUntilFilter(column, name)]


def enum_filters(column: Any, name: Any, enum: type[LabelledEnum]) -> list[BaseSQLAFilter]:
    # Flask-Admin computes filter options once, at start-up: lazy labels are translated when
    # the page is rendered, in the user's language.
    options = [(member.value, member._labels()[member]) for member in enum]
    return [ChoiceEqual(column, name, options=options),
            ChoiceNotEqual(column, name, options=options)]


class HasCategoryFilter(_ChoiceValidation, BaseSQLAFilter):
    """Households having one category (the categories live in a link table)."""

    def __init__(self, relationship: Any, column: Any, name: Any,
                 enum: type[LabelledEnum]) -> None:
        super().__init__(column, name,
                         options=[(member.value, member._labels()[member]) for member in enum])
        self.relationship = relationship

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        return query.filter(self.relationship.any(self.get_column(None) == value))

    def operation(self) -> Any:
        return _l("includes")


class FollowUpDueFilter(_ChoiceValidation, BaseSQLAFilter):
    """Explained requests by their follow-up contact: still to make and due by today, or
    still to make at all (`app.services.requests.follow_up`)."""

    def __init__(self, column: Any, name: Any) -> None:
        super().__init__(column, name, options=[("due", _l("due today or overdue")),
                                                ("planned", _l("still to make"))])

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        today = datetime.now(deployment_zone()).date()
        return query.filter(due_condition(today) if value == "due" else open_condition())

    def operation(self) -> Any:
        return _l("is")
