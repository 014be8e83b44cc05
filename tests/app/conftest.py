"""Fixtures for the sign-up tests of pages and API: rate limits out of the way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from app.extensions import limiter

HIGH_LIMITS = {"LINLI_SIGNUP_RATE_LIMIT_IP": "100000/minute",
               "LINLI_SIGNUP_RATE_LIMIT_PHONE": "100000/minute",
               "LINLI_REQUEST_RATE_LIMIT_IP": "100000/minute",
               "LINLI_OPEN311_LOOKUP_RATE_LIMIT_IP": "100000/minute"}


@pytest.fixture(autouse=True)
def _high_rate_limits(request: pytest.FixtureRequest) -> Iterator[None]:
    """The suite signs up far more people per minute than a real neighbourhood; the rate
    limit tests set their own limits."""
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    saved = {key: app.config[key] for key in HIGH_LIMITS}
    app.config.update(HIGH_LIMITS)
    yield
    app.config.update(saved)
    limiter.reset()


def signup_form(**overrides: Any) -> dict[str, Any]:
    data = {"name": "张三丰", "phone": "138 0013 8000", "building": "3号楼", "room": "201",
            "party_size": "1", "consent": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
