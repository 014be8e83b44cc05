"""A merged request's photo is handled with the request it joined: shown on its handling page,
labelled as coming from the merged request, published from there, and shown on the notice
board (page, JSON, photo file) with the survivor's entry."""

from __future__ import annotations

import pytest

from app.enums import RequestStatus
from app.services import requests
from app.services.requests import photos
from tests import factories as f
from tests.admin.conftest import as_text, quick_login
from tests.app.services.requests.test_photos import jpeg_with_gps
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration

S = RequestStatus


def test_the_merged_requests_photo_is_published_with_the_survivor(app, client, db_session,
                                                                   world) -> None:
    quick_login(client, world.users["coordinator"])
    survivor = world.jiahong.rows["residentrequest"]
    merged = f.make_resident_request(db_session, neighbourhood=world.jiahong.neighbourhood,
                                     text="佳虹花园也想要花架")
    with app.test_request_context():
        photo = photos.add_photo(db_session, merged, photos.clean_photo(jpeg_with_gps()),
                                 user=None)
        requests.change_status(db_session, survivor, S.handling, user=None)
        requests.change_status(db_session, survivor, S.improving, user=None)
        requests.merge(db_session, merged, survivor, user=None)
    page = as_text(client.get(f"/admin/residentrequest/handle/?id={survivor.id}"))
    assert "没有照片" not in page and 'class="d-inline-block mr-3 align-top merged-photo"' in page
    assert merged.reference_code in page
    shown = client.get(f"/admin/residentrequest/photo/?id={survivor.id}&photo={photo.id}")
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    published = client.post(
        f"/admin/residentrequest/photo/publish/?id={survivor.id}&photo={photo.id}",
        data={"csrf_token": csrf_token_from(page), "publish": "1", "no_people": "y"})
    assert published.status_code == 302, as_text(published)[-500:]
    assert client.get(f"/board/photos/{photo.id}").status_code == 404  # not posted yet
    with app.test_request_context():
        requests.change_status(db_session, survivor, S.resolved, user=None, note="已建成",
                               board_title="佳虹花园花架", result="五月建成")
    n = world.jiahong.neighbourhood.id
    [entry] = [e for e in client.get(f"/board/{n}.json").get_json()["entries"]
               if e["title"] == "佳虹花园花架"]
    assert [p["url"].rsplit("/", 1)[-1] for p in entry["photos"]] == [str(photo.id)]
    assert client.get(f"/board/photos/{photo.id}").status_code == 200
