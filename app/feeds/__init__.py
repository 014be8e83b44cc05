"""Calendar feed blueprint: secret personal and team feeds, public event and area feeds."""

from app.feeds.views import feeds_bp, init_app

__all__ = ["feeds_bp", "init_app"]
