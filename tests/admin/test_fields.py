"""The admin's local date-time field: the example of its format (in its hint and in the
refusal of a time it cannot read) is a moment to come: a field that refuses past times must
not suggest one. On a page: `test_council_meeting_admin`."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from admin.fields import DISPLAY_FORMAT, format_example

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Asia/Shanghai")  # the test deployment's


@pytest.mark.parametrize("hour", [0, 7, 9, 10, 19, 23])
def test_the_example_is_next_week_at_half_past_nine_whatever_the_hour(app, hour) -> None:
    # 3 December 2026 in Shanghai, at hours across the day (19:00 the same day was past by
    # the evening, and before midnight in UTC the Shanghai day has already turned).
    now = datetime(2026, 12, 3, hour, 45, tzinfo=ZONE)
    with app.app_context():
        example = format_example(now.astimezone(UTC))
    assert example == "2026-12-10 09:30"
    assert datetime.strptime(example, DISPLAY_FORMAT).replace(tzinfo=ZONE) > now
