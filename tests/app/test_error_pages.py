"""Error pages speak the site's language in its layout; the language switch never lands on a
page a GET cannot open."""

from __future__ import annotations

import pytest

from app.enums import EventStatus
from tests.admin.conftest import make_user, quick_login
from tests.factories import make_event
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration


def test_public_404_is_a_chinese_page_with_the_site_navigation(client) -> None:
    response = client.get("/events/999999")
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "找不到页面" in body and 'class="site"' in body  # the public header
    assert 'name="locale"' in body  # the language switch is there
    assert "Not Found" not in body


def test_public_405_names_the_way_back(client) -> None:
    response = client.get("/language")
    assert response.status_code == 405
    body = response.get_data(as_text=True)
    assert "无法以这种方式打开此页面" in body
    assert "POST" in response.headers["Allow"]


def test_admin_errors_use_the_admin_layout(client, db_session) -> None:
    from app.enums import Role

    user = make_user(db_session, Role.admin, "err-admin", display_name="镇管理员")
    quick_login(client, user)
    response = client.get("/admin/volunteer/details/?id=999999")
    body = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "找不到页面" in body and "admin-navbar-collapse" in body and "返回首页" in body


def test_volunteer_in_the_admin_gets_a_403_page_in_chinese(client, db_session) -> None:
    from app.enums import Role

    user = make_user(db_session, Role.volunteer, "err-volunteer")
    quick_login(client, user)
    response = client.get("/admin/volunteer/")
    assert response.status_code == 403
    assert "没有访问权限" in response.get_data(as_text=True)


def test_switching_language_after_a_failed_signup_returns_to_the_event(client,
                                                                        db_session) -> None:
    event = make_event(db_session, status=EventStatus.published, capacity=3)
    page = client.get(f"/events/{event.id}")
    token = csrf_token_from(page.get_data(as_text=True))
    failed = client.post(f"/events/{event.id}/signup", data={"csrf_token": token, "name": ""},
                         headers={"Referer": f"http://localhost/events/{event.id}"})
    assert failed.status_code in (400, 422)
    body = failed.get_data(as_text=True)
    start = body.index('action="/language"')
    form = body[start:body.index("</form>", start)]
    assert f'name="next" value="/events/{event.id}"' in form
    switched = client.post("/language", data={
        "csrf_token": csrf_token_from(body), "locale": "en",
        "next": f"/events/{event.id}/signup"})
    # Even a stale or forged "next" that only answers POST lands on a page a GET opens.
    assert switched.status_code == 302
    assert client.get(switched.headers["Location"], follow_redirects=True).status_code == 200


def test_500_is_a_chinese_page_and_rolls_back(database_url) -> None:
    from tests.conftest import temporary_app

    with temporary_app(database_url, TESTING=False, PROPAGATE_EXCEPTIONS=False) as app:
        _check_500_page(app)


def _check_500_page(app) -> None:  # type: ignore[no-untyped-def]

    @app.get("/test-crash")
    def crash() -> str:
        raise RuntimeError("boom")

    response = app.test_client().get("/test-crash")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "出错了" in body and "没有保存任何内容" in body and "boom" not in body
