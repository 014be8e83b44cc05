"""The low-code admin (Flask-Admin): model views, actions and the coordinator's tools."""

from admin.setup import init_admin

__all__ = ["init_admin"]
