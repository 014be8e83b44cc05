"""Parsing uploaded calendars into busy times (pure: no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.services.ics_import import MAX_BYTES, IcsImportError, parse_busy_times

pytestmark = pytest.mark.unit

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # Monday 08:00 in Shanghai


def ics(*events: str, extra: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{extra}{body}"
            "END:VCALENDAR\r\n").encode()


def vevent(uid: str, *lines: str) -> str:
    return "\r\n".join([f"UID:{uid}", "DTSTAMP:20260101T000000Z", *lines])


def test_good_file() -> None:
    data = ics(
        vevent("a", "SUMMARY:看牙医", "DTSTART;TZID=Asia/Shanghai:20260304T140000",
               "DTEND;TZID=Asia/Shanghai:20260304T160000"),
        vevent("b", "SUMMARY:UTC meeting", "DTSTART:20260305T010000Z", "DURATION:PT90M"),
        vevent("c", "SUMMARY:free", "TRANSP:TRANSPARENT", "DTSTART:20260306T010000Z",
               "DTEND:20260306T020000Z"),
        vevent("d", "SUMMARY:past", "DTSTART:20250101T010000Z", "DTEND:20250101T020000Z"),
        vevent("e", "SUMMARY:floating", "DTSTART:20260307T090000", "DTEND:20260307T100000"),
    )
    busy = parse_busy_times(data, zone=ZONE, start=NOW)
    assert [(b.summary, b.start, b.end) for b in busy] == [
        ("看牙医", datetime(2026, 3, 4, 6, tzinfo=UTC), datetime(2026, 3, 4, 8, tzinfo=UTC)),
        ("UTC meeting", datetime(2026, 3, 5, 1, tzinfo=UTC),
         datetime(2026, 3, 5, 2, 30, tzinfo=UTC)),
        ("floating", datetime(2026, 3, 7, 1, tzinfo=UTC), datetime(2026, 3, 7, 2, tzinfo=UTC)),
    ]


def test_recurring_file_expanded_with_exdate() -> None:
    data = ics(vevent(
        "r", "SUMMARY:合唱团", "DTSTART;TZID=Asia/Shanghai:20260303T190000",
        "DTEND;TZID=Asia/Shanghai:20260303T210000", "RRULE:FREQ=WEEKLY;BYDAY=TU",
        "EXDATE;TZID=Asia/Shanghai:20260310T190000",
    ))
    busy = parse_busy_times(data, zone=ZONE, start=NOW)
    # 12 weeks from Monday 2 March: Tuesdays 3 March .. 19 May, minus 10 March.
    assert len(busy) == 11
    assert busy[0].start == datetime(2026, 3, 3, 11, tzinfo=UTC)
    assert datetime(2026, 3, 10, 11, tzinfo=UTC) not in {b.start for b in busy}
    assert all(b.start < NOW + timedelta(weeks=12) for b in busy)


def test_all_day_event_covers_local_days() -> None:
    data = ics(vevent("d", "SUMMARY:出差", "DTSTART;VALUE=DATE:20260310",
                      "DTEND;VALUE=DATE:20260312"))
    [busy] = parse_busy_times(data, zone=ZONE, start=NOW)
    assert busy.all_day
    assert busy.start == datetime(2026, 3, 10, tzinfo=ZONE)
    assert busy.end == datetime(2026, 3, 12, tzinfo=ZONE)


@pytest.mark.parametrize(("data", "words"), [
    (b"", "empty"),
    (b"hello, this is not a calendar", "BEGIN:VCALENDAR"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "cannot be read"),
    (ics(vevent("x", "SUMMARY:坏日期", "DTSTART:2026XX01", "DTEND:20260101T000000Z")),
     "DTSTART"),
    (b"BEGIN:VCALENDAR\r\n" + b"X" * (MAX_BYTES + 1), "1 MB"),
])
def test_malformed_files_get_a_clear_error(data: bytes, words: str) -> None:
    with pytest.raises(IcsImportError) as raised:
        parse_busy_times(data, zone=ZONE, start=NOW)
    assert words in str(raised.value)
