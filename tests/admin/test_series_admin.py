"""The series form: a preview of the next occurrences with the holidays skipped named, saved
nothing; a rule that cannot work refused in words; a save queues the occurrences, and the queued
task (run for real, huey in immediate mode) makes them; editing one occurrence on its own makes
it an exception, deleting it keeps its day out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.enums import SeriesOnHoliday
from app.models import Event, EventSeries
from app.services.series import generation
from app.tasks.queue import huey
from tests.admin.conftest import as_text, quick_login

pytestmark = pytest.mark.integration


@pytest.fixture
def queued() -> Iterator[None]:
    """huey in immediate mode: what a save queues runs at once, for real, on the request's
    session (a real consumer process is tests/app/scheduling/test_series_queue.py's)."""
    huey.immediate = True
    try:
        yield
    finally:
        huey.immediate = False


def _form(world, token: str, **fields: object) -> dict[str, object]:
    side = world.jiahong
    data: dict[str, object] = {
        "csrf_token": token, "neighbourhood": side.neighbourhood.id, "kind": "patrol",
        "title": "佳虹周二巡查", "place": "佳虹小区", "start_time": "09:00",
        "duration_minutes": 90, "frequency": "weekly", "repeat_interval": 1,
        "weekdays_mask": ["1"], "month_position": "", "starts_on": "2030-09-30",
        "ends_on": "", "occurrences": "", "on_holiday": "skip", "publish": "y",
        "shift_title": "巡查", "min_volunteers": 1, "max_volunteers": 2}
    data.update(fields)
    return data


def test_the_preview_names_the_holiday_and_saves_nothing(client, db_session, world,
                                                         queued) -> None:
    token = quick_login(client, world.users["coordinator"])
    response = client.post("/admin/eventseries/new/", data={**_form(world, token),
                                                            "_preview": "1"})
    assert response.status_code == 200
    page = as_text(response)
    assert 'id="series-preview"' in page
    # The world's test holiday (1–3 October 2030) falls on the first Tuesday.
    assert "示例节" in page and "2030年10月8日" in page
    assert db_session.scalar(select(EventSeries.id).where(
        EventSeries.title == "佳虹周二巡查")) is None
    assert db_session.scalar(select(Event.id).where(Event.title == "佳虹周二巡查")) is None


@pytest.mark.parametrize(("fields", "words"), [
    ({"weekdays_mask": []}, "请至少勾选一个星期几"),
    ({"frequency": "monthly"}, "每月重复需要选择"),
    ({"ends_on": "2030-12-31", "occurrences": 5}, "不能同时"),
    ({"on_makeup_days": "y", "weekdays_mask": ["5"]}, "调休上班日只适用于"),
])
def test_a_rule_that_cannot_work_is_refused_in_words(client, db_session, world, queued,
                                                     fields, words) -> None:
    token = quick_login(client, world.users["coordinator"])
    response = client.post("/admin/eventseries/new/", data=_form(world, token, **fields))
    assert response.status_code == 200
    assert words in as_text(response)
    assert db_session.scalar(select(EventSeries.id).where(
        EventSeries.title == "佳虹周二巡查")) is None


def test_a_save_queues_the_occurrences_and_exceptions_stay(app, client, db_session, world,
                                                           queued) -> None:
    # The queued task makes the occurrences from today (the deployment's today, as in
    # production), so this series starts now: twice, on the weekday after tomorrow.
    today = datetime.now(ZoneInfo(app.config["LINLI_TIMEZONE"])).date()
    first_day = today + timedelta(days=2)
    token = quick_login(client, world.users["coordinator"])
    response = client.post("/admin/eventseries/new/", data=_form(
        world, token, weekdays_mask=[str(first_day.weekday())], starts_on=today.isoformat(),
        occurrences=2, on_holiday="keep"))
    assert response.status_code == 302, as_text(response)
    db_session.expire_all()
    series = db_session.scalars(select(EventSeries).where(
        EventSeries.title == "佳虹周二巡查")).one()
    events = list(db_session.scalars(select(Event).where(Event.series_id == series.id)
                                     .order_by(Event.series_day)))
    assert [e.series_day for e in events] == [first_day, first_day + timedelta(days=7)]
    assert all(e.status.value == "published" and len(e.shifts) == 1 for e in events)

    first, second = events
    second_day = second.series_day
    response = client.post(f"/admin/event/edit/?id={first.id}", data={
        "csrf_token": token, "neighbourhood": first.neighbourhood_id, "kind": "patrol",
        "title": first.title, "place": "佳虹小区东门", "status": "published",
        "start_at": f"{first.series_day} 09:00", "end_at": f"{first.series_day} 10:30",
        "max_party_size": 1, "waitlist_enabled": "y"})
    assert response.status_code == 302, as_text(response)
    db_session.expire_all()
    assert db_session.get(Event, first.id).series_detached

    response = client.post("/admin/event/delete/", data={"id": second.id,
                                                         "csrf_token": token})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(EventSeries, series.id).skipped_days == [second_day.isoformat()]


def test_moved_holidays_are_offered_in_chinese_and_previewed_as_moved(
        app, client, db_session, world, queued) -> None:
    token = quick_login(client, world.users["coordinator"])
    page = as_text(client.get("/admin/eventseries/new/"))
    assert "遇法定节假日" in page and "顺延至下一个工作日" in page and "照常进行" in page

    response = client.post("/admin/eventseries/new/", data={
        **_form(world, token, on_holiday="move"), "_preview": "1"})
    page = as_text(response)
    # Tuesday 1 October 2030 is the world's test holiday: moved to Friday the 4th.
    assert 'id="series-preview-moved"' in page
    assert "2030年10月4日星期五（由2030年10月1日星期二 示例节" in page
    assert "2030年10月8日" in page

    response = client.post("/admin/eventseries/new/",
                           data=_form(world, token, on_holiday="sometimes"))
    assert response.status_code == 200
    assert db_session.scalar(select(EventSeries.id).where(
        EventSeries.title == "佳虹周二巡查")) is None

    response = client.post("/admin/eventseries/new/", data=_form(world, token,
                                                                 on_holiday="move"))
    assert response.status_code == 302, as_text(response)
    series = db_session.scalars(select(EventSeries).where(
        EventSeries.title == "佳虹周二巡查")).one()
    assert series.on_holiday == SeriesOnHoliday.move
    page = as_text(client.get(f"/admin/eventseries/edit/?id={series.id}"))
    assert "2030年10月4日星期五（由2030年10月1日星期二 示例节" in page
    with app.app_context():
        generation.sync(db_session, [series.id], today=date(2030, 9, 30),
                        zone=ZoneInfo(app.config["LINLI_TIMEZONE"]), horizon_days=14)
    days = db_session.scalars(select(Event.series_day).where(Event.series_id == series.id)
                              .order_by(Event.series_day)).all()
    assert days == [date(2030, 10, 4), date(2030, 10, 8)]


def test_the_edit_preview_leaves_out_days_removed_or_called_off_one_by_one(
        app, client, db_session, world, queued) -> None:
    from app.services.scheduler import changes
    from app.services.series import exceptions

    token = quick_login(client, world.users["coordinator"])
    assert client.post("/admin/eventseries/new/", data=_form(world, token)).status_code == 302
    series = db_session.scalars(select(EventSeries).where(
        EventSeries.title == "佳虹周二巡查")).one()
    with app.app_context():
        generation.sync(db_session, [series.id], today=date(2030, 9, 30),
                        zone=ZoneInfo(app.config["LINLI_TIMEZONE"]), horizon_days=28)
        by_day = {e.series_day: e for e in db_session.scalars(
            select(Event).where(Event.series_id == series.id))}
        changes.cancel_event(db_session, by_day[date(2030, 10, 15)])
        exceptions.forget_occurrence(db_session, by_day[date(2030, 10, 22)])
        db_session.delete(by_day[date(2030, 10, 22)])
        db_session.flush()
    assert by_day[date(2030, 10, 15)].series_detached

    saved = as_text(client.get(f"/admin/eventseries/edit/?id={series.id}"))
    previewed = as_text(client.post(f"/admin/eventseries/edit/?id={series.id}",
                                    data={**_form(world, token), "_preview": "1"}))
    for page in (saved, previewed):
        preview = page[page.index('id="series-preview"'):]
        assert "2030年10月8日" in preview and "2030年10月29日" in preview
        assert "2030年10月15日" not in preview and "2030年10月22日" not in preview
        assert preview.count("<li>") >= 8  # still eight days ahead
