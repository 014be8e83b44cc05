"""What the admin does with input it cannot take, on every model view (`LinliModelView`
mixes this in): list pages, page sizes and searches clamped to what the database can take;
filter values no filter can take flashed as invalid and ignored; a database refusal while
saving shown as a message in the user's language; control characters refused field by field.
Nothing is saved from refused input."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, request
from flask_admin.model.base import ViewArgs
from flask_admin.model.fields import AjaxSelectMultipleField
from flask_babel import gettext
from sqlalchemy.exc import SQLAlchemyError

from admin.fields import not_in_scope_message
from app.extensions import db
from app.ids import MAX_INT, MIN_INT
from app.services.text_input import control_characters_message, has_control_characters
from app.unavailable import unavailable_cause

#: The furthest list page anybody can ask for (beyond it the offset would not fit a query).
MAX_PAGE = 100_000


def _filter_value_ok(flt: Any, value: str) -> bool:
    if "\x00" in value or not flt.validate(value):
        return False
    try:
        cleaned = flt.clean(value)
    except (TypeError, ValueError, OverflowError, ArithmeticError):
        return False
    items = list(cleaned) if isinstance(cleaned, list | tuple) else [cleaned]
    options = getattr(flt, "options", None)
    if isinstance(options, list | tuple) and options:
        allowed = {str(option[0]) for option in options}
        if any(str(item) not in allowed for item in items):
            return False
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool) and not MIN_INT <= item <= MAX_INT:
            return False
        if isinstance(item, float) and not abs(item) < 1e15:
            return False
        if isinstance(item, date) and not 1900 <= item.year <= 2999:
            return False
    return True


def _text_fields(form: Any) -> Any:
    for field in form:
        if hasattr(field, "entries"):  # FieldList (inline models)
            for entry in field.entries:
                yield from _text_fields(entry.form) if hasattr(entry, "form") else [entry]
        elif hasattr(field, "form") and hasattr(field.form, "__iter__"):
            yield from _text_fields(field.form)
        elif isinstance(field.data, str):
            yield field


class HostileInputChecks:
    """Mixed into `LinliModelView` ahead of Flask-Admin's `ModelView`, whose methods these
    wrap."""

    def _get_list_extra_args(self) -> ViewArgs:
        """Page numbers, page sizes and searches as the database can take them."""
        args = super()._get_list_extra_args()
        args.page = min(max(args.page or 0, 0), MAX_PAGE)
        args.page_size = min(max(args.page_size or 0, 0), 10_000)
        if args.search:
            args.search = args.search.replace("\x00", "")[:200]
        return args

    def _get_list_filter_args(self) -> Any:
        """Flask-Admin's filter arguments, where a value a filter cannot take (an unknown
        choice, a number no column holds, a date outside any calendar we keep) is flashed as
        invalid and ignored, like Flask-Admin's own validation does for malformed ones."""
        if not self._filters:
            return None
        filters = []
        for arg, value in request.args.items():
            if not arg.startswith("flt") or "_" not in arg:
                continue
            pos, key = arg[3:].split("_", 1)
            entry = (self._filter_args or {}).get(key)
            if entry is None:
                continue
            idx, flt = entry
            if _filter_value_ok(flt, value):
                filters.append((pos, (idx, str(flt.name), value)))
            else:
                flash(self.get_invalid_value_msg(value, flt), "error")
        return [v[1] for v in sorted(filters, key=lambda n: n[0])]

    def handle_view_exception(self, exc: Exception) -> bool:
        """A database refusal while saving (a constraint, a value out of range) is shown as a
        message in the user's language; Flask-Admin then rolls the session back and shows the
        form again. Nothing is saved."""
        # First end the failed transaction: translating the message reads the user's
        # language from their row, which a session in need of a rollback refuses to load.
        db.session.rollback()
        if unavailable_cause(exc) is not None:
            raise exc  # a full disk or a lock: 503 with Retry-After (app.errors)
        if isinstance(exc, SQLAlchemyError | OverflowError):
            flash(gettext("The record could not be saved: a value is out of range or "
                          "conflicts with another record. Nothing was saved."), "error")
            return True
        return super().handle_view_exception(exc)

    def validate_form(self, form: Any) -> bool:
        """Flask-Admin's validation, then: no control characters in any text field (inline
        forms included), each refused field with a message."""
        refused = []
        if request.method == "POST":
            # An ajax multi-select resolves its posted ids only when its data is read, after
            # validation: read it first, so an id out of scope is refused with a message
            # instead of being dropped without a word.
            for field in form:
                if isinstance(field, AjaxSelectMultipleField):
                    _ = field.data
                    if field._invalid_formdata:
                        field._invalid_formdata = False
                        refused.append(field)
        valid = super().validate_form(form)
        if request.method != "POST":
            return valid
        for field in refused:
            field.errors = [*field.errors, not_in_scope_message()]
            valid = False
        for field in _text_fields(form):
            if has_control_characters(field.data):
                field.errors = [*field.errors, str(control_characters_message())]
                valid = False
        return valid
