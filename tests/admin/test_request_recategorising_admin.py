"""A coordinator changing a request's category on the edit form routes it again: another group
by the rules is a re-routing with the reason in the history, the raiser told and the
coordinator told what became of the message; a refused edit moves nothing and tells nobody."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.enums import RequestCategory
from app.models import Notification, ResidentRequest, RoutingRule, utcnow
from tests import factories as f
from tests.admin.conftest import as_text, quick_login
from tests.helpers import form_fields

pytestmark = pytest.mark.integration


def test_a_new_category_with_another_group_reroutes_and_tells_the_raiser(
        client, db_session, world) -> None:
    quick_login(client, world.users["coordinator"])
    with client.session_transaction() as session:
        session["locale"] = "en"
    jiahong = world.jiahong.neighbourhood
    patch = world.jiahong.rows["servicegroup"]
    safety_group = f.make_service_group(db_session, neighbourhood=jiahong, name="佳虹安全组")
    db_session.add(RoutingRule(category=RequestCategory.safety, neighbourhood=jiahong,
                               service_group=safety_group))
    row = f.make_resident_request(db_session, neighbourhood=jiahong, text="佳虹楼道灯坏了",
                                  category=RequestCategory.environment,
                                  building=world.jiahong.rows["building"], service_group=patch,
                                  name="佳虹王阿婆", phone="13800138000", consent_at=utcnow())
    db_session.commit()
    history = len(row.changes)
    fields = form_fields(as_text(client.get(f"/admin/residentrequest/edit/?id={row.id}")))

    refused = client.post(f"/admin/residentrequest/edit/?id={row.id}", data={
        **fields, "category": "safety", "result": "灯已修好"})
    assert "Give the notice board entry a title." in as_text(refused)
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, row.id)
    assert (fresh.category, fresh.service_group_id, len(fresh.changes)) == (
        RequestCategory.environment, patch.id, history)

    done = client.post(f"/admin/residentrequest/edit/?id={row.id}",
                       data={**fields, "category": "safety"})
    assert done.status_code == 302, as_text(done)[-600:]
    page = as_text(client.get(done.headers["Location"]))
    assert f"Under its new category, request {row.reference_code} goes to 佳虹安全组." in page
    assert "The resident was told (SMS)." in page
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, row.id)
    assert (fresh.category, fresh.service_group_id) == (RequestCategory.safety,
                                                        safety_group.id)
    last = fresh.changes[-1]
    assert (len(fresh.changes), last.from_group_id, last.to_group_id, last.actor) == (
        history + 1, patch.id, safety_group.id, "佳虹协调员")
    assert last.note == "类别由“环境卫生”改为“治安安全”"  # in the deployment's language
    handling = as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}"))
    assert "Re-routed: 佳虹第一团组 → 佳虹安全组" in handling
    told = db_session.scalars(select(Notification.template).where(
        Notification.resident_request_id == row.id)).all()
    assert told == ["requests/rerouted"]  # the refused edit told nobody

    # Only the place changes: nothing is routed again.
    fields = form_fields(as_text(client.get(f"/admin/residentrequest/edit/?id={row.id}")))
    again = client.post(f"/admin/residentrequest/edit/?id={row.id}",
                        data={**fields, "place": "东门"})
    assert again.status_code == 302
    db_session.expire_all()
    assert len(db_session.get(ResidentRequest, row.id).changes) == history + 1
