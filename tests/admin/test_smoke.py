from __future__ import annotations

import pytest

from tests.admin.conftest import as_text, quick_login

pytestmark = pytest.mark.integration

ENDPOINTS = ["volunteer", "team", "availability", "blackout", "event", "shift", "slot",
             "assignment", "registration", "schedulerun", "household", "visit",
             "eventtemplate", "skill", "visitpolicy", "neighbourhood", "user"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_admin_pages_render(client, world, endpoint) -> None:
    quick_login(client, world.users["admin"])
    paths = [f"/admin/{endpoint}/", f"/admin/{endpoint}/export/csv/"]
    if endpoint not in ("schedulerun", "registration"):  # read-only or service-only create
        paths.append(f"/admin/{endpoint}/new/")
    for path in paths:
        response = client.get(path)
        body = as_text(response)
        response.close()  # the CSV export streams; closing ends its request context
        assert response.status_code == 200, (path, body[-3000:])


def test_care_subscriptions_and_their_packages_have_no_admin_any_more(client, world) -> None:
    """Care subscriptions became service-package items: their tables are history, edited by
    no page (the service packages' views are where a household's visits are set)."""
    quick_login(client, world.users["admin"])
    for endpoint in ("caresubscription", "carepackage"):
        for path in (f"/admin/{endpoint}/", f"/admin/{endpoint}/new/"):
            assert client.get(path).status_code == 404, path
    assert client.get("/admin/servicepackage/").status_code == 200
