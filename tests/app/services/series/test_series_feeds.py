"""A series in the volunteer's calendar feed: one entry per occurrence with a stable UID; a
series edit that moves the occurrences updates the same entries (SEQUENCE up); a day the rule
drops becomes CANCELLED."""

from __future__ import annotations

from datetime import time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.enums import SeriesOnHoliday
from app.models import utcnow
from app.services.series import generation
from tests import factories

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _entries(body: bytes) -> dict[str, icalendar.Event]:
    found = icalendar.Calendar.from_ical(body).walk("VEVENT")
    return {str(e["UID"]): e for e in found}


def test_occurrences_move_and_cancel_in_the_feed(app: Flask, client: FlaskClient,
                                                 db_session: Session) -> None:
    today = utcnow().astimezone(SHANGHAI).date()
    day = today + timedelta(days=2)
    hood = factories.make_neighbourhood(db_session)
    volunteer = factories.make_volunteer(db_session, neighbourhood=hood, name="江洁志")
    for weekday in range(7):
        factories.make_availability(db_session, volunteer, weekday=weekday,
                                    start_time=time(7, 0), end_time=time(13, 0))
    series = factories.make_series(db_session, neighbourhood=hood, volunteer=volunteer,
                                   starts_on=day, weekdays_mask=1 << day.weekday(),
                                   on_holiday=SeriesOnHoliday.keep, occurrences=3)

    def sync() -> generation.SyncResult:
        return generation.sync(db_session, [series.id], today=today, zone=SHANGHAI,
                               horizon_days=28)

    path = f"/feeds/v/{volunteer.feed_token}.ics"
    with app.app_context():
        assert sync().created == 3
    first = _entries(client.get(path).data)
    assert len(first) == 3
    starts = sorted(e.decoded("DTSTART") for e in first.values())
    assert starts[0].astimezone(SHANGHAI).hour == 9
    assert starts[1] - starts[0] == timedelta(days=7)

    series.start_time = time(10, 30)
    with app.app_context():
        assert sync().updated == 3
    moved = _entries(client.get(path).data)
    assert moved.keys() == first.keys()  # the same entries, updated
    for uid, entry in moved.items():
        assert entry["SEQUENCE"] > first[uid]["SEQUENCE"]
        assert entry.decoded("DTSTART").astimezone(SHANGHAI).time() == time(10, 30)

    series.occurrences = 2
    with app.app_context():
        assert sync().cancelled == 1
    last = _entries(client.get(path).data)
    assert last.keys() == first.keys()
    statuses = sorted(str(e.get("STATUS")) for e in last.values())
    assert statuses.count("CANCELLED") == 1
