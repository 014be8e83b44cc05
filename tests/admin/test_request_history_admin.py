"""A request's history on the handling page says who acted: the volunteer who raised it on
patrol (also for requests raised before the history named them), and a routing rule for the
escalation it made at intake; the resident's own page names nobody."""

from __future__ import annotations

import pytest

from app.enums import RequestCategory, RequestChannel
from app.models import RoutingRule
from tests import factories as f
from tests.admin.conftest import as_text, quick_login
from tests.admin.test_requests_admin import _english

pytestmark = pytest.mark.integration


def test_the_history_says_which_volunteer_raised_it_and_which_rule_escalated_it(
        app, client, db_session, world) -> None:
    neighbourhood = world.jiahong.neighbourhood
    db_session.add(RoutingRule(category=RequestCategory.public_facilities,
                               department=world.shared["department"]))
    db_session.flush()
    db_session.expire_all()  # the world's rows (its checklist item) as the database reads them
    member = f.make_volunteer(db_session, neighbourhood=neighbourhood, name="江洁志")
    with app.test_request_context():
        raised = f.make_patrol_request(db_session, member, category="public_facilities")
    # Raised on patrol before the history named the member: the request's volunteer is who.
    earlier = f.make_resident_request(db_session, neighbourhood=neighbourhood,
                                      channel=RequestChannel.patrol, volunteer_id=member.id)
    quick_login(client, world.users["coordinator"])
    for row in (raised, earlier):
        page = as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}"))
        history = page.split('id="request-history"')[1].split("</table>")[0]
        assert "江洁志" in history and "<td>居民</td>" not in history
    page = as_text(client.get(f"/admin/residentrequest/handle/?id={raised.id}"))
    escalations = page.split('id="escalations"')[1].split("</table>")[0]
    assert "按分派规则" in escalations and "镇城建办" in escalations
    _english(client)
    page = as_text(client.get(f"/admin/residentrequest/handle/?id={raised.id}"))
    assert "Routing rule" in page.split('id="escalations"')[1].split("</table>")[0]
    # The resident's own page says what happened, never which volunteer did it.
    public = as_text(client.get(f"/requests/{raised.follow_token}"))
    assert raised.reference_code in public and "江洁志" not in public
