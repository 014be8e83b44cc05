"""Who may enter the admin: a logged-in user of an admin role; anyone else is sent to the
login page (anonymous) or refused (403). Every admin page inherits `ProtectedView`, the model
views through `admin.base.LinliModelView`, which adds the role × model matrix and row scoping.
"""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from admin import access


def acting_user() -> Any:
    """The logged-in user object itself (not the proxy), for services and SQL filters."""
    return current_user._get_current_object()


def _login_redirect() -> Response:
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("auth.login", next=target))


class ProtectedView:
    """Login and role check shared by the index and every model view."""

    def _may_enter(self) -> bool:
        return current_user.is_authenticated and current_user.role in access.ADMIN_ROLES

    def is_accessible(self) -> bool:
        return self._may_enter()

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Response:
        if not current_user.is_authenticated:
            return _login_redirect()
        abort(403)
