"""A volunteer's free time as concrete intervals: weekly windows expanded in the deployment's
zone between two local dates (validity dates honoured, touching windows merged), minus
blackouts and busy times."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.models import Volunteer

Span = tuple[datetime, datetime]


def merge(spans: Iterable[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def subtract(spans: list[Span], holes: Iterable[Span]) -> list[Span]:
    result = spans
    for h_start, h_end in merge(holes):
        nxt: list[Span] = []
        for start, end in result:
            if h_end <= start or h_start >= end:
                nxt.append((start, end))
                continue
            if start < h_start:
                nxt.append((start, h_start))
            if h_end < end:
                nxt.append((h_end, end))
        result = nxt
    return result


def weekly_spans(volunteer: Volunteer, first: date, last: date, zone: ZoneInfo) -> list[Span]:
    """The volunteer's weekly windows as concrete (UTC) intervals between two local dates."""
    spans: list[Span] = []
    day = first
    while day <= last:
        for window in volunteer.availabilities:
            if window.weekday != day.weekday():
                continue
            if window.valid_from and day < window.valid_from:
                continue
            if window.valid_until and day > window.valid_until:
                continue
            start = datetime.combine(day, window.start_time, tzinfo=zone).astimezone(UTC)
            end = datetime.combine(day, window.end_time, tzinfo=zone).astimezone(UTC)
            spans.append((start, end))
        day += timedelta(days=1)
    return merge(spans)


def free_spans(
    volunteer: Volunteer, first: date, last: date, zone: ZoneInfo, busy: Iterable[Span]
) -> list[Span]:
    blackouts = [(b.start_at, b.end_at) for b in volunteer.blackouts]
    return subtract(weekly_spans(volunteer, first, last, zone), [*blackouts, *busy])
