"""Property-based round trips: whatever a coordinator types survives escaping and folding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import vobject
from flask import Flask
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.enums import AssignmentStatus, EventKind, EventStatus
from app.models import Assignment, Event, Shift, Volunteer
from app.services.feeds import FeedSettings, render

pytestmark = pytest.mark.integration  # needs an app context for the language, no database

#: Chinese, the characters iCalendar escapes, newlines, and some emoji and accents.
TRICKY = st.text(
    alphabet=st.sampled_from(list("邻里志愿者量血压理发，。；：、 ,;:\\\n\"'abcXYZ019é😀\t")),
    min_size=1, max_size=120,
).filter(lambda s: s.strip() and "\r" not in s)

STAMP = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)
SETTINGS = FeedSettings("https://linli.example.cn", "2f4c9a1e7b3d4e8f9a6c5b1d0e2f3a4b")


def _assignment(title: str, place: str, description: str) -> Assignment:
    event = Event(id=7, title=title, place=place, contact=description, kind=EventKind.other,
                  status=EventStatus.published, start_at=STAMP, end_at=STAMP + timedelta(hours=2),
                  created_at=STAMP, updated_at=STAMP)
    shift = Shift(id=3, title=title, event=event, start_at=STAMP,
                  end_at=STAMP + timedelta(hours=2), created_at=STAMP, updated_at=STAMP)
    return Assignment(id=11, shift=shift, volunteer=Volunteer(id=5, name="x"),
                      status=AssignmentStatus.confirmed, sequence=2,
                      created_at=STAMP, updated_at=STAMP)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TRICKY, place=TRICKY, contact=TRICKY)
def test_text_round_trips(app: Flask, title: str, place: str, contact: str) -> None:
    with app.app_context(), force_locale("zh_CN"):
        vevent = render._assignment_vevent(_assignment(title, place, contact), "zh_CN", SETTINGS)
        cal = render._calendar("日历; a,b\\c", SETTINGS)
        cal.add_component(vevent)
        body = render._serialise(cal).body
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded (octets)
    [parsed] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(parsed["LOCATION"]) == place
    assert str(parsed["SUMMARY"]) == f"{title} · {title}"
    assert contact in str(parsed["DESCRIPTION"])
    other = vobject.readOne(body.decode("utf-8")).vevent
    assert other.location.value == place
    assert other.summary.value == f"{title} · {title}"
    assert contact in other.description.value
    assert other.uid.value == "assignment-11@2f4c9a1e7b3d4e8f9a6c5b1d0e2f3a4b"
    assert other.sequence.value == "2"
