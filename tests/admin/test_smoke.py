from __future__ import annotations

import pytest

from tests.admin.conftest import as_text, quick_login

pytestmark = pytest.mark.integration

ENDPOINTS = ["volunteer", "team", "availability", "blackout", "event", "shift", "slot",
             "assignment", "registration", "schedulerun", "household", "visit",
             "caresubscription", "eventtemplate", "skill", "visitpolicy", "carepackage",
             "neighbourhood", "user"]


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
