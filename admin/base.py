"""The one base every model view inherits: the role × model matrix and row scoping.

Nothing here knows a particular model: the permission matrix (`admin.access`) says what a role
may do with a model, `app.services.scoping` says which rows, and this module applies both on
every path Flask-Admin offers — list, count, details, edit, delete, bulk actions, CSV export,
inline list editing, ajax lookups and relation dropdowns. It is the admin's security boundary,
in three modules a reader checks together: who may enter at all (`admin.protection`), how forms
offer only rows in scope (`admin.model_forms`: relation dropdowns, ajax lookups, CSRF), and,
here, every page and action of a model view. Input the database cannot take
(`admin.hostile_input`) and the spreadsheet export of a list (`admin.list_export`, which reads
the rows through the scoped `get_query`) are mixed in.
"""

from __future__ import annotations

from typing import Any

from flask import abort, g, has_request_context, request
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.contrib.sqla.tools import is_association_proxy, is_relationship
from flask_admin.model import template
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func
from wtforms.validators import ValidationError

from admin import access
from admin.fields import DETAIL_FORMATTERS, EXPORT_FORMATTERS, LIST_FORMATTERS
from admin.hostile_input import HostileInputChecks
from admin.labels import COMMON_LABELS
from admin.list_export import SpreadsheetExport
from admin.model_forms import LinliForm, LinliModelConverter, ScopedAjaxLoader
from admin.protection import ProtectedView, acting_user
from app.enums import Role
from app.errors import RefusedWithReason
from app.extensions import db
from app.ids import parse_id
from app.services import scoping

#: The permission each Flask-Admin page needs (anything else, e.g. custom pages, needs read).
VIEW_PERMISSIONS = {
    "index_view": access.READ,
    "details_view": access.READ,
    "export": access.READ,
    "action_view": access.READ,  # each action checks its own permission
    "create_view": access.CREATE,
    "edit_view": access.EDIT,
    "ajax_update": access.EDIT,
    "delete_view": access.DELETE,
}

#: Endpoints that change the row they load: these load it through the *write* scope.
WRITE_ENDPOINTS = frozenset({"edit_view", "delete_view", "ajax_update"})


class _OwnRowAction:
    """A row action (edit, delete) shown only on rows the user may change."""

    def render(self, context: Any, row_id: str, row: Any) -> Any:
        if not context.resolve("admin_view").row_writable(row):
            return ""
        return super().render(context, row_id, row)  # type: ignore[misc]


class _OwnRowEdit(_OwnRowAction, template.EditRowAction):
    pass


class _OwnRowEditPopup(_OwnRowAction, template.EditPopupRowAction):
    pass


class _OwnRowDelete(_OwnRowAction, template.DeleteRowAction):
    pass


_OWN_ROWS_ONLY = {
    template.EditRowAction: lambda _a: _OwnRowEdit(),
    template.EditPopupRowAction: lambda _a: _OwnRowEditPopup(),
    template.DeleteRowAction: lambda _a: _OwnRowDelete(),
}


class LinliModelView(ProtectedView, HostileInputChecks, SpreadsheetExport, ModelView):
    """Base of every model view. Subclasses configure columns; they hold no access rules."""

    form_base_class = LinliForm
    model_form_converter = LinliModelConverter
    column_type_formatters = LIST_FORMATTERS
    column_type_formatters_detail = DETAIL_FORMATTERS
    column_type_formatters_export = EXPORT_FORMATTERS
    export_types = ["xlsx", "csv"]
    can_view_details = True
    can_set_page_size = True
    #: Eager loading is explicit (`list_load_options`), so it can use selectinload.
    column_auto_select_related = False
    page_size = 50
    #: Loader options (joinedload/selectinload) so list pages do a fixed number of queries.
    list_load_options: tuple[Any, ...] = ()
    #: Form fields removed for a role (e.g. a team lead may not move a volunteer elsewhere).
    role_excluded_fields: dict[Role, tuple[str, ...]] = {}

    def __init__(self, model: type, session: Any = None, **kwargs: Any) -> None:
        self.column_labels = {**COMMON_LABELS, **(self.column_labels or {})}
        # Inline forms (an event's shifts, a volunteer's availability) label their fields
        # from the same table; lookups show a placeholder a coordinator understands.
        self.inline_models = [
            (model_, {"column_labels": self.column_labels, **options})
            for model_, options in (self.inline_models or ())
        ] or None
        self.form_ajax_refs = {
            name: {"placeholder": _l("Type to search…"), **options}
            for name, options in (self.form_ajax_refs or {}).items()
        } or None
        super().__init__(model, session or db, **kwargs)

    # -- permissions -----------------------------------------------------------------------

    def _permissions(self) -> frozenset[str]:
        if not has_request_context():
            # Flask-Admin builds its forms and caches at start-up: build everything.
            return access.CRUD
        if not self._may_enter():
            return frozenset()
        return access.permissions(current_user.role, self.model.__name__)

    def is_accessible(self) -> bool:
        return access.READ in self._permissions()

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        """Login, role, then the operation: a page the role may not use is a 403, never a
        silent redirect (Flask-Admin's default when, say, `can_edit` is off)."""
        if not self.is_accessible():
            return self.inaccessible_callback(name, **kwargs)
        granted = self._permissions()
        if name == "ajax_lookup":
            allowed = bool(granted & {access.CREATE, access.EDIT})
        else:
            allowed = VIEW_PERMISSIONS.get(name, access.READ) in granted
        if not allowed:
            abort(403)
        return None

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return access.CREATE in self._permissions()

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return access.EDIT in self._permissions()

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return access.DELETE in self._permissions()

    @property
    def can_export(self) -> bool:  # type: ignore[override]
        return access.READ in self._permissions()

    # -- row scoping -----------------------------------------------------------------------

    def _scope(self, *, write: bool = False) -> Any:
        if not has_request_context() or not current_user.is_authenticated:
            return None
        return scoping.row_filter(acting_user(), self.model, write=write)

    def get_query(self) -> Any:
        query = db.session.query(self.model)
        condition = self._scope()
        if condition is not None:
            query = query.filter(condition)
        if self.list_load_options:
            query = query.options(*self.list_load_options)
        return query

    def get_count_query(self) -> Any:
        query = db.session.query(func.count("*")).select_from(self.model)
        condition = self._scope()
        return query if condition is None else query.filter(condition)

    def get_one(self, id: Any) -> Any:
        """The row if it is in the user's scope (the write scope on pages that change it).

        Anything else is a 404, whether the row exists elsewhere or not at all.
        """
        pk = parse_id(id)
        if pk is None:
            abort(404)
        endpoint = (request.endpoint or "").rsplit(".", 1)[-1]
        query = db.session.query(self.model).filter(self.model.id == pk)
        condition = self._scope(write=endpoint in WRITE_ENDPOINTS)
        if condition is not None:
            query = query.filter(condition)
        row = query.one_or_none()
        if row is None:
            if endpoint in WRITE_ENDPOINTS and self._readable(pk):
                raise RefusedWithReason(gettext(
                    "You may see this record but not change it: it belongs to the whole town "
                    "or to another neighbourhood or team. The town administrator can change "
                    "it."))
            abort(404)
        return row

    def _readable(self, pk: int) -> bool:
        query = db.session.query(self.model.id).filter(self.model.id == pk)
        condition = self._scope()
        return (query if condition is None else query.filter(condition)).first() is not None

    # -- row actions the user may take ----------------------------------------------------

    def get_list(self, *args: Any, **kwargs: Any) -> Any:
        count, rows = super().get_list(*args, **kwargs)
        if has_request_context():
            g.setdefault("linli_writable", {})[self.endpoint] = self._writable_ids(rows)
        return count, rows

    def _writable_ids(self, rows: Any) -> set[int] | None:
        """The ids of `rows` the user may change (one query); None: all of them."""
        condition = self._scope(write=True)
        if condition is None:
            return None
        ids = [row.id for row in rows]
        if not ids:
            return set()
        return {pk for (pk,) in db.session.query(self.model.id).filter(
            self.model.id.in_(ids), condition)}

    def row_writable(self, row: Any) -> bool:
        """Whether the list shows the row's edit and delete icons: only where they lead."""
        known = g.get("linli_writable", {})
        if self.endpoint in known:
            writable = known[self.endpoint]
            return writable is None or row.id in writable
        return scoping.allows_row(db.session, acting_user(), self.model, row.id, write=True)

    def get_list_row_actions(self) -> list[Any]:
        return [_OWN_ROWS_ONLY.get(type(a), lambda a: a)(a)
                for a in super().get_list_row_actions()]

    def writable_rows(self, ids: list[str]) -> list[Any]:
        """The rows a bulk action may change: those of `ids` in the user's write scope (ids
        that are not numbers, or out of scope, are simply not among them)."""
        if not self.can_edit:
            abort(403)
        numbers = [n for n in (parse_id(i) for i in ids) if n is not None]
        query = db.session.query(self.model).filter(self.model.id.in_(numbers))
        condition = self._scope(write=True)
        return (query if condition is None else query.filter(condition)).all()

    def _check_writable(self, model: Any) -> None:
        if scoping.row_filter(acting_user(), self.model, write=True) is None:
            return
        if not scoping.allows_row(db.session, acting_user(), self.model, model.id, write=True):
            raise ValidationError(gettext(
                "You may only change records of your own neighbourhoods or teams. "
                "Nothing was saved."
            ))

    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        # Flush so the row, and the parents it hangs from, can be checked by the same SQL
        # filter that scopes the lists; a refusal rolls the whole change back.
        db.session.flush()
        self._check_writable(model)

    def on_model_delete(self, model: Any) -> None:
        self._check_writable(model)

    # -- forms -----------------------------------------------------------------------------

    def _strip_role_fields(self, form: Any) -> Any:
        for name in self.role_excluded_fields.get(current_user.role, ()):
            if name in form:
                del form[name]
        return form

    def create_form(self, obj: Any = None) -> Any:
        return self._strip_role_fields(super().create_form(obj))

    def edit_form(self, obj: Any = None) -> Any:
        return self._strip_role_fields(super().edit_form(obj))

    @action("delete", admin_lazy_gettext("Delete"),
            admin_lazy_gettext("Are you sure you want to delete selected records?"))
    def action_delete(self, ids: Any) -> None:
        """Flask-Admin's bulk delete, with the posted ids as integers: PostgreSQL refuses to
        compare an integer key with the strings the form sends. Rows outside the user's scope
        are simply not found (`get_query`), and each deletion is checked again."""
        numbers = tuple(n for n in (parse_id(i) for i in ids) if n is not None)
        return super().action_delete(numbers)

    def _create_ajax_loader(self, name: str, options: dict[str, Any]) -> QueryAjaxModelLoader:
        attr = getattr(self.model, name)
        if is_association_proxy(attr):
            attr = attr.remote_attr
        if not is_relationship(attr):
            raise ValueError(f"{self.model.__name__}.{name} is not a relation")
        return ScopedAjaxLoader(name, db, attr.prop.mapper.class_, **options)
