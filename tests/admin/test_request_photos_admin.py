"""A request's photos in the admin: added (marked as showing the matter as raised or as
resolved), corrected, published with the no-people tick, by the request's own coordinator only;
on the notice board the "before" photos come first and each is captioned."""

from __future__ import annotations

import re
from io import BytesIO

import pytest

from app.enums import PhotoStage, RequestStatus
from app.models import ResidentRequest
from tests.admin.conftest import as_text, quick_login
from tests.admin.test_requests_admin import _english, _step
from tests.app.services.requests.test_photos import jpeg_with_gps
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration

S = RequestStatus


def _suggested(page: str) -> str:
    """The stage the upload form has ticked."""
    form = page[page.index('id="photo-form"'):]
    return re.search(r'<input checked id="stage-\d" name="stage" type="radio" value="(\w+)"',
                     form[:form.index("</form>")]).group(1)


def _upload(client, row_id: int, token: str, **data: str):
    return client.post(f"/admin/residentrequest/photo/upload/?id={row_id}",
                       content_type="multipart/form-data", data={
                           "csrf_token": token, "photo": (BytesIO(jpeg_with_gps()), "a.jpg"),
                           **data})


def test_photos_in_the_admin_and_on_the_board(app, client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    _english(client)
    row = world.jiahong.rows["residentrequest"]
    foreign = world.yongye.rows["residentrequest"]
    page = as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}"))
    token = csrf_token_from(page)
    assert 'id="photo-form"' in page
    bad = client.post(f"/admin/residentrequest/photo/upload/?id={row.id}",
                      content_type="multipart/form-data",
                      data={"csrf_token": token, "photo": (BytesIO(b"GIF89a"), "a.gif")})
    assert bad.status_code == 422 and "not a photo that can be read" in as_text(bad)
    assert _upload(client, foreign.id, token, stage="before").status_code == 404
    assert _upload(client, row.id, token, stage="before").status_code == 302
    db_session.expire_all()
    [photo] = db_session.get(ResidentRequest, row.id).photos
    shown = client.get(f"/admin/residentrequest/photo/?id={row.id}&photo={photo.id}")
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    lead = app.test_client()
    quick_login(lead, world.users["team_lead"])
    assert lead.get(f"/admin/residentrequest/photo/?id={row.id}&photo={photo.id}"
                    ).status_code == 403
    publish = f"/admin/residentrequest/photo/publish/?id={row.id}&photo={photo.id}"
    unconfirmed = client.post(publish, data={"csrf_token": token, "publish": "1"})
    assert unconfirmed.status_code == 422 and "no people" in as_text(unconfirmed)
    assert client.post(publish, data={"csrf_token": token, "publish": "1",
                                      "no_people": "y"}).status_code == 302
    # published, but the request is not on the board yet: still not public
    assert client.get(f"/board/photos/{photo.id}").status_code == 404
    for status, note in ((S.handling, ""), (S.improving, "开工"), (S.resolved, "建成")):
        _step(client, row.id, status.value, note,
              **({"board_title": "花架", "result": "五月建成"} if status == S.resolved else {}))
    board = app.test_client().get(f"/board/{world.jiahong.neighbourhood.id}")
    assert f"/board/photos/{photo.id}" in as_text(board)
    assert app.test_client().get(f"/board/photos/{photo.id}").status_code == 200


def test_a_photo_is_marked_before_or_after_and_the_board_shows_them_apart(
        app, client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    row = world.jiahong.rows["residentrequest"]
    page = as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}"))
    token = csrf_token_from(page)
    # Not yet under way: the form suggests "before"; a stage that is not one is refused.
    assert _suggested(page) == "before"
    refused = _upload(client, row.id, token, stage="during")
    assert refused.status_code == 422 and "处理前还是处理后" in as_text(refused)
    db_session.expire_all()
    assert db_session.get(ResidentRequest, row.id).photos == []

    for status, note in ((S.handling, ""), (S.improving, "开工")):
        _step(client, row.id, status.value, note)
    page = as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}"))
    assert _suggested(page) == "after" and "照片拍的是" in page
    assert _upload(client, row.id, token, stage="after").status_code == 302
    assert _upload(client, row.id, token, stage="before").status_code == 302
    db_session.expire_all()
    after, before = db_session.get(ResidentRequest, row.id).photos
    assert (after.stage, before.stage) == (PhotoStage.after, PhotoStage.before)

    # A wrong mark is corrected; another neighbourhood's photo is not found.
    stage_url = f"/admin/residentrequest/photo/stage/?id={row.id}&photo={before.id}"
    assert client.post(stage_url, data={"csrf_token": token, "stage": "after"}
                       ).status_code == 302
    db_session.expire_all()
    assert db_session.get(type(before), before.id).stage == PhotoStage.after
    assert client.post(stage_url, data={"csrf_token": token, "stage": "before"}
                       ).status_code == 302
    assert client.post(stage_url, data={"stage": "after"}).status_code == 400  # no CSRF
    foreign = world.yongye.rows["residentrequest"]
    assert client.post(f"/admin/residentrequest/photo/stage/?id={foreign.id}&photo="
                       f"{before.id}", data={"csrf_token": token, "stage": "after"}
                       ).status_code == 404
    for photo in (after, before):
        assert client.post(
            f"/admin/residentrequest/photo/publish/?id={row.id}&photo={photo.id}",
            data={"csrf_token": token, "publish": "1", "no_people": "y"}).status_code == 302
    _step(client, row.id, S.resolved.value, "建成", board_title="花架", result="五月建成")

    board = as_text(app.test_client().get(f"/board/{world.jiahong.neighbourhood.id}"))
    assert board.index(f"/board/photos/{before.id}") < board.index(f"/board/photos/{after.id}")
    assert board.count('class="photo-stage">处理前<') == 1
    assert board.count('class="photo-stage">处理后<') == 1
    [entry] = [e for e in app.test_client().get(
        f"/board/{world.jiahong.neighbourhood.id}.json").get_json()["entries"]
        if e["title"] == "花架"]
    assert [(p["url"].rsplit("/", 1)[1], p["stage"], p["stage_label"]) for p in entry["photos"]
            ] == [(str(before.id), "before", "处理前"), (str(after.id), "after", "处理后")]
