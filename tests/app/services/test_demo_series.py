"""The demo's event series: Jiang Jiezhi patrols Yongye every Monday (she holds each
occurrence's seat), Jiahong's Saturday service mornings skip the public holidays (Spring
Festival 2027 here), and loading again makes nothing twice."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.models import Event, EventSeries
from app.services.demo import load_demo
from app.services.demo import series as demo_series
from app.services.series.listing import preview
from tests.demo import DEMO_TODAY

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = DEMO_TODAY


def _days(session, series: EventSeries) -> list[date]:  # type: ignore[no-untyped-def]
    return list(session.scalars(select(Event.series_day).where(Event.series_id == series.id)
                                .order_by(Event.series_day)))


def test_the_monday_round_and_the_saturday_mornings(demo_session, loaded_demo) -> None:
    report = loaded_demo.report
    assert report.created["event_series"] == 2
    monday = demo_session.scalars(select(EventSeries).where(
        EventSeries.title == "永业居民区小区巡查")).one()
    assert monday.volunteer.name == "江洁志"
    mondays = _days(demo_session, monday)
    assert mondays[0] == TODAY and all(d.weekday() == 0 for d in mondays)
    assert date(2027, 2, 8) not in mondays  # a Spring Festival day
    events = demo_session.scalars(select(Event).where(Event.series_id == monday.id)).all()
    assert all(any(a.volunteer_id == monday.volunteer_id for a in e.shifts[0].assignments)
               for e in events)

    saturday = demo_session.scalars(select(EventSeries).where(
        EventSeries.title == demo_series.SERVICE_TITLE)).one()
    assert date(2027, 2, 6) not in _days(demo_session, saturday)
    with loaded_demo.app.test_request_context():
        ahead = preview(demo_session, saturday, TODAY)
    assert [(s.day, s.name, s.confirmed) for s in ahead.skipped] == [
        (date(2027, 2, 6), "春节", False)]

    again = load_demo(demo_session, zone=SHANGHAI, today=TODAY)
    assert again.created["event_series"] == 0 and again.created["events"] == 0
