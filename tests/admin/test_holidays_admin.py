"""The holiday calendar in the admin: the town admin adds next year's days and is refused a
day already arranged (with the clashing festival named); a coordinator reads the calendar."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.models import HolidayPeriod
from tests.admin.conftest import as_text, quick_login

pytestmark = pytest.mark.integration


def _form(token: str, **overrides: str) -> dict[str, str]:
    data = {"csrf_token": token, "name": "元旦", "name_en": "New Year's Day",
            "kind": "holiday", "first_day": "2028-01-01", "last_day": "2028-01-01",
            "confirmed": "y"}
    data.update(overrides)
    return data


def test_the_town_admin_adds_a_year_and_is_refused_a_clash(client, db_session, world) -> None:
    token = quick_login(client, world.users["admin"])
    response = client.post("/admin/holidayperiod/new/", data=_form(
        token, name="补班", kind="workday", first_day="2026-10-07", last_day="2026-10-07"))
    assert response.status_code == 200
    assert "与国庆节（放假" in as_text(response)
    assert db_session.scalar(select(HolidayPeriod.id).where(HolidayPeriod.name == "补班")) \
        is None

    response = client.post("/admin/holidayperiod/new/", data=_form(
        token, first_day="2028-01-02"))
    assert response.status_code == 200
    assert "最后一天早于开始日期" in as_text(response)

    response = client.post("/admin/holidayperiod/new/", data=_form(token))
    assert response.status_code == 302
    saved = db_session.scalars(select(HolidayPeriod).where(
        HolidayPeriod.first_day == date(2028, 1, 1))).one()
    assert saved.confirmed and str(saved) == "元旦"


def test_a_coordinator_reads_the_calendar(client, world) -> None:
    quick_login(client, world.users["coordinator"])
    page = as_text(client.get("/admin/holidayperiod/?sort=0"))
    assert "春节" in page and "调休上班" in page and "国庆节" in page
    assert client.get("/admin/holidayperiod/new/").status_code == 403
