"""Issue 10 hardening, admin side: private events, relation scope, CSV export, households."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import Event
from tests.admin.conftest import as_text, quick_login
from tests.admin.test_writes import _event_form

pytestmark = pytest.mark.integration


def test_a_public_care_visit_is_refused_with_a_message(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    form = _event_form(world, world.jiahong.neighbourhood.id, "上门探访 · 朱巧珍", token)
    form["kind"] = "care_visit"
    response = client.post("/admin/event/new/", data=form)
    assert response.status_code == 200
    assert "永不公开" in as_text(response)
    assert db_session.scalar(select(func.count()).select_from(Event)
                             .where(Event.title == "上门探访 · 朱巧珍")) == 0
    del form["is_public"]  # unticked: saved, and not public
    assert client.post("/admin/event/new/", data=form).status_code == 302
    event = db_session.scalar(select(Event).where(Event.title == "上门探访 · 朱巧珍"))
    assert event is not None and not event.is_public


# --- 8. Relations: foreign choices refused, relations the editor cannot see kept --------

def _shift_form(client, shift_id: int) -> dict[str, str]:
    from tests.helpers import form_fields

    return form_fields(as_text(client.get(f"/admin/shift/edit/?id={shift_id}")))


def test_a_foreign_choice_in_a_nullable_relation_is_refused(client, db_session, world) -> None:
    from app.models import Shift

    quick_login(client, world.users["coordinator"])
    shift = world.jiahong.rows["shift"]
    before = shift.team_id
    form = _shift_form(client, shift.id)
    form["team"] = str(world.yongye.rows["team"].id)
    response = client.post(f"/admin/shift/edit/?id={shift.id}", data=form)
    assert response.status_code == 200 and "不是您可以在此使用的记录" in as_text(response)
    db_session.expire_all()
    assert db_session.get(Shift, shift.id).team_id == before


def test_a_relation_the_editor_cannot_see_is_kept(client, db_session, world) -> None:
    from app.models import Shift

    shift = world.jiahong.rows["shift"]
    foreign_team = world.yongye.rows["team"]
    shift.team_id = foreign_team.id  # set by the town admin, say
    db_session.flush()
    quick_login(client, world.users["coordinator"])
    form = _shift_form(client, shift.id)
    assert form.get("team") in (None, "", "__None")  # the form cannot show it ...
    form["team"] = "__None"  # ... so a browser sends the first option, the blank one
    form["title"] = "改了标题"
    response = client.post(f"/admin/shift/edit/?id={shift.id}", data=form)
    assert response.status_code == 302, as_text(response)
    db_session.expire_all()
    saved = db_session.get(Shift, shift.id)
    assert saved.title == "改了标题" and saved.team_id == foreign_team.id


# --- 9. CSV export: formulas are exported as text -----------------------------------------

def test_csv_export_neutralises_formulas(client, db_session, world) -> None:
    import csv
    import io

    from tests.factories import make_household

    make_household(db_session, neighbourhood=world.jiahong.neighbourhood,
                   contact_name='=HYPERLINK("http://evil.example","朱巧珍")',
                   address="@SUM(1+1)")
    quick_login(client, world.users["coordinator"])
    response = client.get("/admin/household/export/csv/")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    cells = [cell for row in rows for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"朱巧珍\")" in cells
    assert "'@SUM(1+1)" in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)


# --- 10. Households: members and phones; control characters anywhere ---------------------

def _household_form(world, token: str, **overrides: str) -> dict[str, str]:
    form = {"csrf_token": token, "neighbourhood": str(world.jiahong.neighbourhood.id),
            "address": "东陆路2000弄46号1302室", "contact_name": "朱巧珍",
            "members_count": "2", "contact_phone": "13812345678", "categories": "elderly_only"}
    form.update(overrides)
    return form


@pytest.mark.parametrize(("overrides", "message"), [
    ({"members_count": "-3"}, "至少有一名成员"),
    ({"members_count": "0"}, "至少有一名成员"),
    ({"contact_phone": "abc"}, "请输入中国大陆电话号码"),
    ({"contact_phone": "1234"}, "请输入中国大陆电话号码"),
    ({"contact_phone": "12812345678"}, "请输入中国大陆电话号码"),
    ({"contact_name": "朱巧\x00珍"}, "控制字符"),
    ({"address": "东陆路\x1b[31m2000弄"}, "控制字符"),
])
def test_bad_household_input_is_refused_and_changes_nothing(client, db_session, world,
                                                            overrides, message) -> None:
    from app.models import Household

    token = quick_login(client, world.users["coordinator"])
    before = db_session.scalar(select(func.count()).select_from(Household))
    response = client.post("/admin/household/new/",
                           data=_household_form(world, token, **overrides))
    assert response.status_code == 200 and message in as_text(response)
    assert db_session.scalar(select(func.count()).select_from(Household)) == before


@pytest.mark.parametrize(("typed", "stored"), [
    ("138 1234 5678", "13812345678"), ("+86 138-1234-5678", "13812345678"),
    ("021-58881234", "021-58881234"), ("(0571)88881234", "0571-88881234"), ("", None),
])
def test_household_phones_are_stored_in_one_form(client, db_session, world, typed,
                                                 stored) -> None:
    from app.models import Household

    token = quick_login(client, world.users["coordinator"])
    response = client.post("/admin/household/new/", data=_household_form(
        world, token, contact_phone=typed, address=f"佳虹路{typed}号"))
    assert response.status_code == 302, as_text(response)
    saved = db_session.scalar(select(Household).where(Household.address == f"佳虹路{typed}号"))
    assert saved.contact_phone == stored


def test_the_database_refuses_bad_members_and_phones(db_session, world) -> None:
    from sqlalchemy.exc import IntegrityError

    from tests.factories import make_household

    for kw in ({"members_count": -3}, {"contact_phone": "abc"}, {"contact_phone": "021x"}):
        with pytest.raises(IntegrityError), db_session.begin_nested():
            make_household(db_session, neighbourhood=world.jiahong.neighbourhood, **kw)


def test_a_nul_byte_in_an_event_title_is_refused(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    response = client.post("/admin/event/new/", data=_event_form(
        world, world.jiahong.neighbourhood.id, "学雷锋\x00服务", token))
    assert response.status_code == 200 and "控制字符" in as_text(response)
    assert db_session.scalar(select(func.count()).select_from(Event)
                             .where(Event.title.like("学雷锋%服务"))) == 0


@pytest.mark.parametrize("path", ["/events/?q=a%00b", "/login?next=/%00"])
def test_control_characters_in_queries_are_refused_everywhere(client, path) -> None:
    response = client.get(path)
    assert response.status_code == 400 and "控制字符" in as_text(response)


def test_a_second_file_for_the_same_flat_names_the_first(client, db_session, world) -> None:
    """The database refuses two files for one flat; the form says which file is there."""
    from app.models import Household

    token = quick_login(client, world.users["coordinator"])
    first = world.jiahong.rows["household"]
    before = db_session.scalar(select(func.count()).select_from(Household))
    response = client.post("/admin/household/new/", data=_household_form(
        world, token, building=str(first.building_id), floor="3", room=first.room,
        unit=first.unit or "", address="佳虹路1号301室（重复）"))
    page = as_text(response)
    assert response.status_code == 200
    assert f"已有住户档案：{first}（编号 {first.id}）" in page, page[-3000:]
    assert db_session.scalar(select(func.count()).select_from(Household)) == before
