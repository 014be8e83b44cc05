"""Photos of an inspection from the phone: checked and cleaned by the shared photo module
(no GPS kept), added by the group's members on the day, seen only by the group and by the
coordinators whose scope holds the site."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy.orm import Session

from app.enums import Role
from app.services.patrols import photos
from app.services.patrols.log import PatrolError
from tests import factories as f
from tests.admin.conftest import make_user, quick_login
from tests.app.portal.test_portal import open_portal
from tests.app.services.requests.test_photos import jpeg_with_gps
from tests.helpers import csrf_token_from, in_english

pytestmark = pytest.mark.integration


@pytest.fixture
def inspection(db_session: Session):
    n = f.make_neighbourhood(db_session, name="照片村")
    members = [f.make_volunteer(db_session, neighbourhood=n, name=f"拍照{k}") for k in range(2)]
    group = f.make_patrol_group(db_session, neighbourhood=n, name="拍照组", members=members)
    site = f.make_patrol_site(db_session, neighbourhood=n, name="照片网吧", group=group)
    other = f.make_volunteer(db_session, neighbourhood=n, name="别组人")
    f.make_patrol_group(db_session, neighbourhood=n, name="别组", members=[other])
    found = f.make_inspection(db_session, site, group, present=members,
                              started_at=datetime.now(UTC) - timedelta(minutes=30))
    return {"inspection": found, "member": members[0], "other": other, "n": n}


def test_a_member_adds_a_photo_kept_without_its_location(app: Flask, db_session: Session,
                                                         inspection) -> None:
    with in_english(app):
        photo = photos.add_photo(db_session, inspection["inspection"], jpeg_with_gps(),
                                 volunteer=inspection["member"])
    kept = Image.open(io.BytesIO(photo.data))
    assert photo.content_type == "image/jpeg" and (photo.width, photo.height) == (400, 300)
    assert 0x8825 not in kept.getexif() and "exif" not in kept.info
    for bad, message in ((b"not a photo", "not a photo that can be read"),
                         (b"x" * (5 * 1024 * 1024 + 1), "too large"),
                         (b"", "empty")):
        with in_english(app), pytest.raises(PatrolError) as refused:
            photos.add_photo(db_session, inspection["inspection"], bad,
                             volunteer=inspection["member"])
        assert message in str(refused.value.message)
    small = io.BytesIO()
    Image.new("RGB", (20, 20)).save(small, "PNG")
    with in_english(app), pytest.raises(PatrolError) as refused:
        photos.add_photo(db_session, inspection["inspection"], small.getvalue(),
                         volunteer=inspection["member"])
    assert "pixels a side" in str(refused.value.message)


def test_after_its_day_only_a_coordinator_adds_photos(app: Flask, db_session: Session,
                                                      inspection) -> None:
    found = inspection["inspection"]
    found.started_at = datetime.now(UTC) - timedelta(days=3)
    found.ended_at = found.started_at + timedelta(hours=1)
    db_session.flush()
    with in_english(app), pytest.raises(PatrolError):
        photos.add_photo(db_session, found, jpeg_with_gps(), volunteer=inspection["member"])
    coordinator = make_user(db_session, Role.coordinator, "photo-coord",
                            neighbourhoods=[inspection["n"]])
    with in_english(app):
        assert photos.add_photo(db_session, found, jpeg_with_gps(), user=coordinator).id


def test_only_the_group_and_coordinators_in_scope_see_a_photo(
        app: Flask, client, db_session: Session, inspection) -> None:
    with in_english(app):
        photo = photos.add_photo(db_session, inspection["inspection"], jpeg_with_gps(),
                                 volunteer=inspection["member"])
    path = f"/portal/patrols/photos/{photo.id}"
    assert photos.member_photo(db_session, photo.id, inspection["member"].id) is photo
    assert photos.member_photo(db_session, photo.id, inspection["other"].id) is None
    anonymous = client.get(path)
    assert anonymous.status_code in (302, 401, 403, 404)
    ours = make_user(db_session, Role.coordinator, "photo-ours",
                     neighbourhoods=[inspection["n"]])
    theirs = make_user(db_session, Role.coordinator, "photo-theirs",
                       neighbourhoods=[f.make_neighbourhood(db_session, name="别的村")])
    admin_path = f"/admin/patrolinspection/photo/?id={inspection['inspection'].id}" \
        f"&photo={photo.id}"
    quick_login(client, ours)
    seen = client.get(admin_path)
    assert seen.status_code == 200 and seen.mimetype == "image/jpeg"
    assert "no-store" in seen.headers["Cache-Control"]
    details = client.get(f"/admin/patrolinspection/details/?id={inspection['inspection'].id}")
    assert f"photo={photo.id}" in details.get_data(as_text=True)
    other_client = app.test_client()
    quick_login(other_client, theirs)
    assert other_client.get(admin_path).status_code == 404


def test_on_the_phone_a_member_adds_a_photo_and_another_group_cannot_see_it(
        app: Flask, client, db_session: Session, inspection) -> None:
    found = inspection["inspection"]
    open_portal(client, app, inspection["member"])
    page = client.get(f"/portal/patrols/{found.id}").get_data(as_text=True)
    token = csrf_token_from(page)
    present = [m.volunteer_id for m in found.group.members]
    refused = client.post(f"/portal/patrols/{found.id}", data={
        "csrf_token": token, "action": "photo", "present": present,
        "photo": (io.BytesIO(b"not a photo"), "x.jpg")}, content_type="multipart/form-data")
    assert refused.status_code == 400 and "不是能打开的照片" in refused.get_data(as_text=True)
    added = client.post(f"/portal/patrols/{found.id}", data={
        "csrf_token": token, "action": "photo", "present": present,
        "photo": (io.BytesIO(jpeg_with_gps()), "cafe.jpg")}, content_type="multipart/form-data")
    assert added.status_code == 302
    db_session.expire_all()
    (photo,) = db_session.get(type(found), found.id).photos
    page = client.get(f"/portal/patrols/{found.id}").get_data(as_text=True)
    assert f"/portal/patrols/photos/{photo.id}" in page
    assert client.get(f"/portal/patrols/photos/{photo.id}").status_code == 200
    stranger = app.test_client()
    open_portal(stranger, app, inspection["other"])
    assert stranger.get(f"/portal/patrols/photos/{photo.id}").status_code == 404
