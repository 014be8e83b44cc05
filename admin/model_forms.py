"""How the admin's forms are built: a CSRF-carrying Flask-WTF form, local-time date-time
fields, translated enum choices, and relation dropdowns and ajax lookups that offer, and accept,
only rows in the current user's scope (`app.services.scoping`, as the lists are scoped).
"""

from __future__ import annotations

from typing import Any

from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.model.form import converts
from flask_babel import gettext
from flask_wtf import FlaskForm
from wtforms.validators import NumberRange

from admin.fields import (
    EnumSelectField,
    LocalDateTimeField,
    ScopedQuerySelectField,
    ScopedQuerySelectMultipleField,
)
from admin.protection import acting_user
from app.extensions import db
from app.ids import MAX_INT, MIN_INT, parse_id
from app.services import scoping


class LinliForm(FlaskForm):
    """Admin forms carry the same Flask-WTF CSRF token the global `CSRFProtect` checks."""

    def __init__(self, formdata: Any = None, obj: Any = None, prefix: str = "",
                 **kwargs: Any) -> None:
        self._obj = obj  # Flask-Admin's Unique validator looks here
        super().__init__(formdata=formdata, obj=obj, prefix=prefix, **kwargs)

    def validate(self, extra_validators: Any = None) -> bool:
        # A NUL character is never meant, and PostgreSQL cannot store or even compare one
        # (a uniqueness check would fail): refuse before any validator queries with it.
        refused = [field for field in self
                   if any("\x00" in str(raw) for raw in (field.raw_data or []))]
        if not refused:
            return super().validate(extra_validators)
        for field in self:
            field.errors = [gettext("Remove the control characters.")] if field in refused else []
        return False


def scoped_query(model: type, *, write: bool = False) -> Any:
    """All rows of `model` the current user may see: for dropdowns and lookups."""
    query = db.session.query(model)
    condition = scoping.row_filter(acting_user(), model, write=write)
    return query if condition is None else query.filter(condition)


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """Ajax lookups (`form_ajax_refs`) that offer, and accept, only rows in the user's scope;
    people in pinyin order."""

    def __init__(self, name: str, session: Any, model: type, **options: Any) -> None:
        super().__init__(name, session, model, **options)
        if self.order_by is None and hasattr(model, "name_sort"):
            self.order_by = model.name_sort

    def get_query(self) -> Any:
        return scoped_query(self.model)

    def get_one(self, pk: Any) -> Any:
        number = parse_id(pk)
        if number is None:
            return None
        with db.session.no_autoflush:
            return self.get_query().filter(self.model.id == number).one_or_none()


class LinliModelConverter(AdminModelConverter):
    """Local-time datetime fields, translated enum choices and scoped relation dropdowns."""

    @converts("Integer")
    def handle_integer_types(self, column: Any, field_args: Any, **extra: Any) -> Any:
        # Whatever the column means, a number it cannot hold is a message, not a crash.
        field_args["validators"].append(NumberRange(min=MIN_INT, max=MAX_INT))
        return super().handle_integer_types(column, field_args, **extra)

    @converts("UTCDateTime")
    def convert_utc_datetime(self, field_args: Any, **extra: Any) -> LocalDateTimeField:
        return LocalDateTimeField(**field_args)

    @converts("sqlalchemy.sql.sqltypes.Enum")
    def convert_enum(self, column: Any, field_args: Any, **extra: Any) -> Any:
        enum_class = getattr(column.type, "enum_class", None)
        if enum_class is None:
            return super().convert_enum(column, field_args, **extra)
        self._nullable_common(column, field_args)
        # Lazy labels: the form class is built once, the language is chosen per request.
        return EnumSelectField(enum=enum_class, nullable=bool(column.nullable), **field_args)

    def _model_select_field(self, prop: Any, multiple: Any, remote_model: type,
                            **kwargs: Any) -> Any:
        if getattr(self.view, "_form_ajax_refs", {}).get(prop.key):
            return super()._model_select_field(prop, multiple, remote_model, **kwargs)
        kwargs.setdefault("query_factory", lambda: scoped_query(remote_model))
        if multiple:
            return ScopedQuerySelectMultipleField(**kwargs)
        return ScopedQuerySelectField(**kwargs)
