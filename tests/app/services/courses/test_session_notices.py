"""Course participants who asked to be told hear of each session the day before, once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import EventKind, EventStatus
from app.models import Notification
from app.services import signup
from app.services.courses import notices
from app.services.signup import Applicant
from tests.factories import make_event, make_slot

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: 10:00 in Shanghai; the first session is tomorrow at 09:00, the others weekly after it.
NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


def test_each_session_is_told_once_to_those_who_asked(db_session: Session, ctx) -> None:
    first = NOW + timedelta(hours=23)
    course = make_event(db_session, kind=EventKind.training, status=EventStatus.published,
                        title="插花培训", capacity=10, completion_sessions=2, start_at=first,
                        end_at=first + timedelta(days=14, hours=2))
    sessions = [make_slot(db_session, course, label=f"第{n + 1}期", capacity=5 if n == 0 else 0,
                          start_at=first + timedelta(days=7 * n),
                          end_at=first + timedelta(days=7 * n, hours=2)) for n in range(3)]
    db_session.refresh(course)
    opening = NOW - timedelta(days=1)
    course.registration_opens_at = opening

    def join(n: int, **kw) -> str:  # type: ignore[no-untyped-def]
        return signup.register(db_session, course.id, Applicant(
            name=f"学员{n}", phone=f"1360000{n:04d}", email=f"s{n}@example.cn", consent=True,
            **kw), now=opening).registration.cancel_token

    join(1, session_notices=True)
    join(2)  # did not ask
    join(3, session_notices=True)
    join(4, session_notices=True)
    signup.cancel(db_session, join(5, session_notices=True), now=opening)
    signup.register(db_session, course.id, Applicant(  # the first session only
        name="旁听", phone="13600009999", consent=True, session_notices=True),
        slot_id=sessions[0].id, now=opening)

    assert notices.send_session_notices(db_session, zone=SHANGHAI, now=NOW) == 3
    told = db_session.scalars(select(Notification).where(
        Notification.template == "courses/session")).all()
    assert sorted(n.address for n in told) == ["s1@example.cn", "s3@example.cn",
                                               "s4@example.cn"]
    assert all("第1期" in n.subject for n in told)
    assert notices.send_session_notices(db_session, zone=SHANGHAI, now=NOW) == 0
    # A week later the next session is due, and only that one.
    assert notices.send_session_notices(db_session, zone=SHANGHAI,
                                        now=NOW + timedelta(days=7)) == 3
    assert len(db_session.scalars(select(Notification).where(
        Notification.template == "courses/session")).all()) == 6
