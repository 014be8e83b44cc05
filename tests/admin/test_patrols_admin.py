"""Patrols in the admin: a coordinator's correction of an inspection is kept in its history,
members present must belong to the group, a season shows its figures for the user's own
neighbourhoods."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.models import PatrolInspection, PatrolInspectionChange, PatrolSeason
from app.services.patrols import log
from tests import factories as f
from tests.admin.conftest import as_text, quick_login

pytestmark = pytest.mark.integration


def _form(token, inspection, **overrides):
    data = {"csrf_token": token, "site": inspection.site_id, "group": inspection.group_id,
            "started_at": "2027-07-10 19:00", "ended_at": "2027-07-10 19:40",
            "present": [v.id for v in inspection.present], "findings": "一切正常"}
    data.update(overrides)
    return data


def test_a_coordinators_correction_is_kept_in_the_history(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    inspection = world.jiahong.rows["patrolinspection"]
    response = client.post(f"/admin/patrolinspection/edit/?id={inspection.id}",
                           data=_form(token, inspection, findings="两名未成年人已劝离"))
    assert response.status_code == 302, as_text(response)
    db_session.expire_all()
    saved = db_session.get(PatrolInspection, inspection.id)
    assert saved.findings == "两名未成年人已劝离"
    [change] = saved.changes
    assert change.actor == "佳虹协调员"
    assert change.fields["findings"] == ["佳虹发现未成年人", "两名未成年人已劝离"]
    assert change.fields["started_at"][1] == "2027-07-10 19:00"
    details = as_text(client.get(f"/admin/patrolinspection/details/?id={inspection.id}"))
    assert "两名未成年人已劝离" in details and "佳虹协调员" in details


def test_members_present_must_be_of_the_group(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    inspection = world.jiahong.rows["patrolinspection"]
    outsider = f.make_volunteer(db_session, neighbourhood=world.jiahong.neighbourhood,
                                name="佳虹路人")
    response = client.post(f"/admin/patrolinspection/edit/?id={inspection.id}",
                           data=_form(token, inspection,
                                      present=[*[v.id for v in inspection.present], outsider.id]))
    assert response.status_code == 200
    assert "不是该巡查小组的成员" in as_text(response)
    db_session.expire_all()
    assert [v.name for v in db_session.get(PatrolInspection, inspection.id).present] == [
        "佳虹志愿者"]
    assert db_session.scalars(select(PatrolInspectionChange)).all() == []


def test_a_paper_record_entered_by_the_coordinator(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    group = world.jiahong.rows["patrolgroup"]
    second = f.make_volunteer(db_session, neighbourhood=world.jiahong.neighbourhood,
                              name="佳虹第二人")
    group.members.append(type(group.members[0])(volunteer=second, certified=True))
    db_session.flush()
    site = world.jiahong.rows["patrolsite"]
    response = client.post("/admin/patrolinspection/new/", data={
        "csrf_token": token, "site": site.id, "group": group.id,
        "started_at": "2027-07-12 20:00", "ended_at": "2027-07-12 20:30",
        "present": [world.jiahong.rows["volunteer"].id, second.id], "findings": "纸质记录"})
    assert response.status_code == 302, as_text(response)
    db_session.expire_all()
    created = db_session.scalar(select(PatrolInspection).where(
        PatrolInspection.findings == "纸质记录"))
    assert created.recorded_by_id == world.users["coordinator"].id
    assert log.certified_present(db_session, created) == 2
    assert created.changes == []
    assert created.ended_at - created.started_at == timedelta(minutes=30)


def test_season_details_show_own_figures(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    season = world.jiahong.rows["patrolseason"]
    inspection = world.jiahong.rows["patrolinspection"]
    inspection.started_at = season_start = inspection.started_at.replace(
        year=2027, month=7, day=5)
    inspection.ended_at = season_start + timedelta(minutes=30)
    db_session.flush()
    body = as_text(client.get(f"/admin/patrolseason/details/?id={season.id}"))
    assert "佳虹星空网吧" in body and "永业" not in body
    assert "1 次巡查" in body


def test_group_members_and_certificates_in_one_form(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    group = world.jiahong.rows["patrolgroup"]
    [member] = group.members
    second = f.make_volunteer(db_session, neighbourhood=world.jiahong.neighbourhood,
                              name="佳虹新成员")
    data = {"csrf_token": token, "neighbourhood": world.jiahong.neighbourhood.id,
            "name": group.name,
            "members-0-id": member.id, "members-0-volunteer": member.volunteer_id,
            "members-0-certified": "y",
            "members-1-volunteer": second.id, "members-1-certified_until": "2027-08-01"}
    response = client.post(f"/admin/patrolgroup/edit/?id={group.id}", data=data)
    assert response.status_code == 200
    assert "只有持证的成员才能填写证书有效期" in as_text(response)
    data["members-1-certified"] = "y"
    response = client.post(f"/admin/patrolgroup/edit/?id={group.id}", data=data)
    assert response.status_code == 302, as_text(response)
    db_session.expire_all()
    saved = {m.volunteer.name: (m.certified, str(m.certified_until))
             for m in db_session.get(type(group), group.id).members}
    assert saved == {"佳虹志愿者": (True, "None"), "佳虹新成员": (True, "2027-08-01")}


def test_site_details_show_the_code_to_print(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    site = world.jiahong.rows["patrolsite"]
    body = as_text(client.get(f"/admin/patrolsite/details/?id={site.id}"))
    assert "<svg" in body and "/portal/patrols/site/" in body


def test_a_site_may_need_its_own_number_of_inspections(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    site = world.jiahong.rows["patrolsite"]
    data = {"csrf_token": token, "neighbourhood": site.neighbourhood_id, "name": site.name,
            "kind": site.kind.name, "address": site.address, "active": "y",
            "required_per_season": "-3", "min_per_week": ""}
    refused = client.post(f"/admin/patrolsite/edit/?id={site.id}", data=data)
    assert refused.status_code == 200 and 'value="-3"' in as_text(refused)
    db_session.expire_all()
    assert site.required_per_season is None

    data["required_per_season"] = "20"
    response = client.post(f"/admin/patrolsite/edit/?id={site.id}", data=data)
    assert response.status_code == 302, as_text(response)
    db_session.expire_all()
    assert (site.required_per_season, site.min_per_week) == (20, None)
    details = as_text(client.get(f"/admin/patrolsite/details/?id={site.id}"))
    assert "每季持证集体检查次数" in details and "按巡查季的规定" in details


def test_photos_are_added_on_the_inspection_page(client, db_session, world) -> None:
    from io import BytesIO

    from PIL import Image

    from tests.app.services.requests.test_photos import jpeg_with_gps

    token = quick_login(client, world.users["coordinator"])
    own = world.jiahong.rows["patrolinspection"]
    foreign = world.yongye.rows["patrolinspection"]
    page = as_text(client.get(f"/admin/patrolinspection/details/?id={own.id}"))
    assert 'id="inspection-photo-form"' in page and "添加照片" in page
    upload = f"/admin/patrolinspection/photo/upload/?id={own.id}"

    def post(url: str, raw: bytes, name: str, **extra: str):
        return client.post(url, content_type="multipart/form-data",
                           data={"csrf_token": token, "photo": (BytesIO(raw), name), **extra})

    bad = post(upload, b"GIF89a", "a.gif")
    assert bad.status_code == 422 and "这个文件不是能打开的照片。" in as_text(bad)
    with client.session_transaction() as session:
        session["locale"] = "en"
    bad = post(upload, b"GIF89a", "a.gif")
    assert bad.status_code == 422 and "This file is not a photo that can be read." in as_text(bad)
    no_token = client.post(upload, content_type="multipart/form-data",
                           data={"photo": (BytesIO(jpeg_with_gps()), "a.jpg")})
    assert no_token.status_code == 400
    assert post(f"/admin/patrolinspection/photo/upload/?id={foreign.id}", jpeg_with_gps(),
                "a.jpg").status_code == 404
    db_session.expire_all()
    assert db_session.get(PatrolInspection, own.id).photos == []
    assert db_session.get(PatrolInspection, foreign.id).photos == []

    done = post(upload, jpeg_with_gps(), "a.jpg")
    assert done.status_code == 302
    db_session.expire_all()
    [photo] = db_session.get(PatrolInspection, own.id).photos
    assert photo.recorded_by_id == world.users["coordinator"].id
    shown = client.get(f"/admin/patrolinspection/photo/?id={own.id}&photo={photo.id}")
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert not Image.open(BytesIO(shown.data)).getexif().get(0x8825)  # no position kept
    details = as_text(client.get(f"/admin/patrolinspection/details/?id={own.id}"))
    assert f"photo={photo.id}" in details


def test_season_list_names_its_title_not_a_persons_name(client, world) -> None:
    quick_login(client, world.users["coordinator"])
    body = as_text(client.get("/admin/patrolseason/"))
    assert ">名称<" in body.replace("\n", "") or "名称</a>" in body
    assert "姓名" not in body


def test_a_town_season_shows_no_edit_or_delete_and_says_why_it_cannot_change(
        client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    own = world.jiahong.rows["patrolseason"]
    town_season = PatrolSeason(town=own.town, neighbourhood=None, name="全镇暑期巡查",
                               starts_on=date(2027, 7, 1), ends_on=date(2027, 8, 31))
    db_session.add(town_season)
    db_session.flush()
    body = as_text(client.get("/admin/patrolseason/"))
    assert "全镇暑期巡查" in body  # visible to the whole town
    assert f"edit/?id={own.id}&" in body
    assert f"edit/?id={town_season.id}&" not in body
    assert f'name="id" value="{town_season.id}"' not in body  # no delete form either
    for response in (client.get(f"/admin/patrolseason/edit/?id={town_season.id}"),
                     client.post("/admin/patrolseason/delete/",
                                 data={"id": town_season.id, "csrf_token": token})):
        assert response.status_code == 403
        assert "全镇" in as_text(response) or "whole town" in as_text(response)
    assert db_session.get(PatrolSeason, town_season.id) is not None
    # A row of another neighbourhood is still not found at all.
    other = world.yongye.rows["patrolseason"]
    assert client.get(f"/admin/patrolseason/edit/?id={other.id}").status_code in (403, 404)
