"""Residents' pages (no login, phone first) and the coordinators' paper tools."""

from app.public import attend as _attend  # noqa: F401 - its pages join public_bp
from app.public import board as _board  # noqa: F401 - its pages join public_bp
from app.public import certificates as _certificates  # noqa: F401 - its pages join public_bp
from app.public import lookup as _lookup  # noqa: F401 - its pages join public_bp
from app.public import requests as _requests  # noqa: F401 - its pages join public_bp
from app.public import thanks as _thanks  # noqa: F401 - its pages join public_bp
from app.public.staff import staff_bp
from app.public.views import public_bp

__all__ = ["public_bp", "staff_bp"]
