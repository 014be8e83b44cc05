"""The demonstration town as tests see it: one day and zone for every demo test, so the demo
is loaded once per test session (`loaded_demo` in tests/conftest.py) and shared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from flask import Flask

from app.services.demo import DemoReport

DEMO_ZONE = ZoneInfo("Asia/Shanghai")
#: A Monday; 5 March 2027 (a Friday) is 53 days ahead: the service day falls on a weekday.
DEMO_TODAY = date(2027, 1, 11)


@dataclass(frozen=True)
class LoadedDemo:
    """The app bound to the demo's database, and what the one load reported."""

    app: Flask
    report: DemoReport
