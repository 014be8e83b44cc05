"""A shift kept for a service group (团组) in the admin: a coordinator chooses among her own
neighbourhood's groups only, and a shift kept for a team and a group at once, or for another
neighbourhood's group, is refused with a message and nothing saved."""

from __future__ import annotations

import pytest

from app.models import Shift
from tests.admin.conftest import as_text, quick_login
from tests.helpers import form_fields

pytestmark = pytest.mark.integration


def _form(client, shift: Shift) -> dict[str, str]:
    return form_fields(as_text(client.get(f"/admin/shift/edit/?id={shift.id}")))


def _saved(db_session, shift: Shift) -> Shift:
    db_session.expire_all()
    return db_session.get(Shift, shift.id)


def test_a_coordinator_keeps_a_shift_for_her_group(client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    shift = world.jiahong.rows["shift"]
    own, foreign = world.jiahong.rows["servicegroup"], world.yongye.rows["servicegroup"]
    page = as_text(client.get(f"/admin/shift/edit/?id={shift.id}"))
    assert own.name in page and foreign.name not in page
    form = _form(client, shift)

    refused = client.post(f"/admin/shift/edit/?id={shift.id}",
                          data={**form, "team": "__None", "service_group": str(foreign.id)})
    assert refused.status_code == 200 and "不是您可以在此使用的记录" in as_text(refused)
    assert _saved(db_session, shift).service_group_id is None

    done = client.post(f"/admin/shift/edit/?id={shift.id}",
                       data={**form, "team": "__None", "service_group": str(own.id)})
    assert done.status_code == 302, as_text(done)[-800:]
    saved = _saved(db_session, shift)
    assert (saved.service_group_id, saved.team_id) == (own.id, None)
    listed = as_text(client.get("/admin/shift/"))
    assert own.name in listed


@pytest.mark.parametrize("case", ["team_and_group", "other_neighbourhood"])
def test_a_misreserved_shift_is_refused(client, db_session, world, case: str) -> None:
    quick_login(client, world.users["admin"])
    shift = world.jiahong.rows["shift"]
    team = shift.team_id
    form = _form(client, shift)
    if case == "team_and_group":
        form["service_group"] = str(world.jiahong.rows["servicegroup"].id)
        expected = "请选择其一"
    else:
        form["team"] = "__None"
        form["service_group"] = str(world.yongye.rows["servicegroup"].id)
        expected = "其他居民区"
    response = client.post(f"/admin/shift/edit/?id={shift.id}", data=form)
    assert response.status_code == 200 and expected in as_text(response)
    saved = _saved(db_session, shift)
    assert (saved.service_group_id, saved.team_id) == (None, team)
