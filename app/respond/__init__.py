"""Signed, no-login links for volunteers: confirm or decline a shift, accept a help request."""

from app.respond.views import respond_bp

__all__ = ["respond_bp"]
