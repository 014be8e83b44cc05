from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, EventStatus
from app.feeds.views import feed_cache
from app.models import Assignment, Volunteer
from tests.factories import (
    future,
    make_assignment,
    make_event,
    make_shift,
    make_skill,
    make_volunteer,
)

#: Feed versions shared through Redis are tested only where Redis is configured (CI's second
#: run); elsewhere the module is not collected (a skip would fail under CI=true).
collect_ignore = [] if os.environ.get("TEST_HUEY_URL") else ["test_shared_versions.py"]


@pytest.fixture(autouse=True)
def _fresh_cache(app: Flask) -> None:
    # The cache is per app and the app is per test session: start each test empty.
    feed_cache(app).clear()


@pytest.fixture
def shift_for(db_session: Session) -> Callable[..., Assignment]:
    """An assignment of `volunteer` to a fresh published shift."""

    def make(volunteer: Volunteer, *, days: int = 7, status=AssignmentStatus.confirmed,
             **event_kw) -> Assignment:
        event_kw.setdefault("status", EventStatus.published)
        event_kw.setdefault("place", "金桥镇社区服务中心")
        event_kw.setdefault("contact", "李主任 13912345678")
        start = future(days)
        event = make_event(db_session, start_at=start, end_at=start + timedelta(hours=3),
                           neighbourhood=volunteer.neighbourhood, **event_kw)
        shift = make_shift(db_session, event, title="量血压",
                           skill=make_skill(db_session, name_zh="量血压", name_en="Blood pressure"))
        return make_assignment(db_session, shift, volunteer, status=status)

    return make


@pytest.fixture
def volunteer(db_session: Session) -> Volunteer:
    return make_volunteer(db_session, name="王芳")
