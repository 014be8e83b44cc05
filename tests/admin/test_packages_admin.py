"""The service-package form: items inline, weekdays as ticks, a clear refusal of an item the
database would refuse, and the coordinator's own families and helpers only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.enums import EventKind, PackageCadence, PackageVisitLeft
from app.models import PackageVisit, ServicePackage, ServicePackageItem
from app.tasks.queue import huey
from tests import factories as f
from tests.admin.conftest import as_text, quick_login

SHANGHAI = ZoneInfo("Asia/Shanghai")

pytestmark = pytest.mark.integration


@pytest.fixture
def queued() -> Iterator[None]:
    """huey in immediate mode: the generation a save queues runs at once, for real, on the
    request's session (a real consumer process is tests/app/scheduling/test_package_queue.py's)."""
    huey.immediate = True
    try:
        yield
    finally:
        huey.immediate = False


def _visits(db_session, household_id: int) -> list[PackageVisit]:
    return list(db_session.scalars(select(PackageVisit).join(PackageVisit.item).join(
        ServicePackageItem.package).where(ServicePackage.household_id == household_id)))


def _form(world, token: str, **item: object) -> dict[str, object]:
    side = world.jiahong
    household = side.rows["household"]
    return {
        "household": household.id,
        # From today: the task generates visits from today over its horizon.
        "starts_on": datetime.now(SHANGHAI).date().isoformat(), "active": "y",
        "notes": "佳虹新套餐", "items-0-skill": world.shared["skill"].id,
        "items-0-volunteer": side.rows["volunteer"].id, "items-0-cadence": "weekly",
        "items-0-weekday": 1, "items-0-nth": "", "items-0-time_of_day": "09:30",
        "items-0-duration_minutes": 60, "csrf_token": token, **item,
    }


def _fresh_household(world, db_session):
    """The Jiahong family without its package, so a new one may be made for it."""
    package = world.jiahong.rows["servicepackage"]
    db_session.delete(world.jiahong.rows["packagevisit"])
    db_session.delete(package)
    db_session.flush()


def test_set_weekdays_are_saved_and_generation_is_queued(client, db_session, world,
                                                         queued) -> None:
    _fresh_household(world, db_session)
    token = quick_login(client, world.users["coordinator"])
    response = client.post("/admin/servicepackage/new/", data=_form(
        world, token, **{"items-0-cadence": "weekdays", "items-0-weekdays_mask": ["0", "3"]}))
    assert response.status_code == 302, as_text(response)
    db_session.expire_all()
    package = db_session.scalar(select(ServicePackage).where(
        ServicePackage.notes == "佳虹新套餐"))
    assert package.items[0].weekdays_mask == 0b1001  # Monday and Thursday
    visits = _visits(db_session, world.jiahong.rows["household"].id)
    assert len(visits) >= 5  # of the task's five weeks of Mondays and Thursdays
    assert {v.due_on.weekday() for v in visits} == {0, 3}
    assert {v.item_id for v in visits} == {package.items[0].id}


@pytest.mark.parametrize(("item", "words"), [
    ({"items-0-cadence": "weekdays"}, "至少要勾选一天"),
    ({"items-0-cadence": "monthly"}, "第几个星期几"),
])
def test_an_incomplete_item_is_refused_in_words(client, db_session, world, queued, item,
                                               words) -> None:
    _fresh_household(world, db_session)
    token = quick_login(client, world.users["coordinator"])
    response = client.post("/admin/servicepackage/new/", data=_form(world, token, **item))
    assert response.status_code == 200 and words in as_text(response)
    db_session.expire_all()
    assert db_session.scalar(select(ServicePackage).where(
        ServicePackage.notes == "佳虹新套餐")) is None
    assert _visits(db_session, world.jiahong.rows["household"].id) == []


@pytest.mark.parametrize(("item", "field", "words"), [
    ({"items-0-time_of_day": "25:99"}, "items-0-time_of_day", "00:00 到 23:59"),
    ({"items-0-duration_minutes": "-30"}, "items-0-duration_minutes", "5 到 480 分钟"),
])
def test_a_bad_time_or_duration_is_refused_on_its_field_in_chinese(
        client, db_session, world, queued, item, field, words) -> None:
    package = world.jiahong.rows["servicepackage"]
    token = quick_login(client, world.users["coordinator"])
    response = client.post(f"/admin/servicepackage/edit/?id={package.id}", data=_form(
        world, token, **{"items-0-id": package.items[0].id, **item}))
    body = as_text(response)
    assert response.status_code == 200
    assert "保存记录失败" in body and "Failed to save record" not in body
    # Under its own field: the message follows the field's input, before the next field.
    after_field = body[body.index(f'id="{field}"'):]
    assert words in after_field[:after_field.index('id="items-0-', 5)]
    assert "有数值超出范围" not in body
    db_session.expire_all()
    assert db_session.get(ServicePackage, package.id).notes != "佳虹新套餐"


def test_the_weekday_ticks_sit_in_a_row_of_their_own(client, db_session, world) -> None:
    package = world.jiahong.rows["servicepackage"]
    quick_login(client, world.users["coordinator"])
    body = as_text(client.get(f"/admin/servicepackage/edit/?id={package.id}"))
    start = body.index('id="items-0-weekdays_mask"')
    tag = body[body.rindex("<", 0, start):start + 80]
    assert "form-control" not in tag and "weekday-boxes" in tag
    assert body.count('class="form-check form-check-inline"') >= 7


def test_a_foreign_helper_is_refused(client, db_session, world, queued) -> None:
    _fresh_household(world, db_session)
    token = quick_login(client, world.users["coordinator"])
    response = client.post("/admin/servicepackage/new/", data=_form(
        world, token, **{"items-0-volunteer": world.yongye.rows["volunteer"].id}))
    assert response.status_code == 200
    db_session.expire_all()
    assert db_session.scalar(select(ServicePackage).where(
        ServicePackage.notes == "佳虹新套餐")) is None
    assert _visits(db_session, world.jiahong.rows["household"].id) == []


def test_the_package_card_says_who_comes_when_and_whom_to_call(client, db_session, world,
                                                                 queued) -> None:
    side = world.jiahong
    package = side.rows["servicepackage"]
    item = package.items[0]
    item.cadence, item.weekday, item.nth = PackageCadence.monthly, 2, 1
    side.rows["volunteer"].phone = "13911112222"
    db_session.flush()
    quick_login(client, world.users["coordinator"])
    response = client.get(f"/admin/servicepackage/card/?id={package.id}")
    body = as_text(response)
    assert response.status_code == 200
    assert "每月第一个星期三 09:30" in body
    # No number yet: the card says so on screen (not in print) instead of a helper's mobile.
    assert "佳虹志愿者" in body and "13911112222" not in body
    assert 'class="print warning"' in body

    side.neighbourhood.duty_phone = "021-58881234"
    db_session.flush()
    body = as_text(client.get(f"/admin/servicepackage/card/?id={package.id}"))
    # The committee's duty phone is the number to call; the helper's own mobile stays private.
    assert "021-58881234" in body and "13911112222" not in body
    assert 'class="print warning"' not in body
    foreign = world.yongye.rows["servicepackage"]
    assert client.get(f"/admin/servicepackage/card/?id={foreign.id}").status_code == 404


def test_a_coordinator_keeps_the_duty_phone_of_their_own_neighbourhood(
        client, db_session, world) -> None:
    own, foreign = world.jiahong.neighbourhood, world.yongye.neighbourhood
    name = own.name
    token = quick_login(client, world.users["coordinator"])
    form = client.get(f"/admin/neighbourhood/edit/?id={own.id}")
    assert form.status_code == 200 and 'name="duty_phone"' in as_text(form)
    assert 'name="town"' not in as_text(form)  # the rest is the town admin's

    # Bad input: a clear message, nothing changed.
    response = client.post(f"/admin/neighbourhood/edit/?id={own.id}", data={
        "duty_phone": "5888-1234", "csrf_token": token})
    assert response.status_code == 200 and "021-58881234" in as_text(response)
    db_session.expire_all()
    assert db_session.get(type(own), own.id).duty_phone is None

    # A name posted by hand is ignored; the phone is stored in its one form.
    response = client.post(f"/admin/neighbourhood/edit/?id={own.id}", data={
        "duty_phone": "（021）5888 1234", "name": "HACKED", "csrf_token": token})
    assert response.status_code == 302
    db_session.expire_all()
    saved = db_session.get(type(own), own.id)
    assert (saved.duty_phone, saved.name) == ("021-58881234", name)
    # Another neighbourhood's phone is out of reach.
    assert client.post(f"/admin/neighbourhood/edit/?id={foreign.id}", data={
        "duty_phone": "021-50000000", "csrf_token": token}).status_code == 404


def test_the_visit_list_says_what_a_makeup_makes_up_for_and_why_it_is_not_with_her(
        client, db_session, world) -> None:
    side = world.jiahong
    missed = side.rows["packagevisit"]
    missed_start = datetime(2027, 1, 18, 9, 0, tzinfo=SHANGHAI)
    missed.event.start_at, missed.event.end_at = missed_start, missed_start + timedelta(hours=1)
    makeup_event = f.make_event(db_session, neighbourhood=side.neighbourhood,
                                kind=EventKind.care_visit, title="佳虹补上门",
                                household=side.rows["household"], is_public=False,
                                start_at=datetime(2027, 1, 25, 9, 0, tzinfo=SHANGHAI),
                                end_at=datetime(2027, 1, 25, 10, 0, tzinfo=SHANGHAI))
    db_session.add(PackageVisit(item=None, event=makeup_event, due_on=date(2027, 1, 25),
                                helper=side.rows["volunteer"], makeup_of=missed,
                                left_reason=PackageVisitLeft.no_free_time))
    db_session.flush()
    quick_login(client, world.users["coordinator"])
    response = client.get("/admin/packagevisit/")
    assert response.status_code == 200
    assert "所补的原定上门" in as_text(response)  # the column
    html = response.get_data(as_text=True)
    start = html.index("佳虹补上门")
    row = html[html.rindex("<tr", 0, start):html.index("</tr>", start)]
    assert "未来一周内，服务人员没有一段空闲时间容得下这次补上门" in row
    assert "2027-01-18 09:00" in row
