"""The town admin sets each category's deadline; re-categorising a request in the admin moves
its due date, and a request past its category's deadline counts as overdue in
`flask requests stats` and is marked in the list."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.enums import RequestCategory, RequestStatus
from app.models import RequestDeadline, ResidentRequest, utcnow
from tests import factories as f
from tests.admin.conftest import as_text, quick_login
from tests.helpers import form_fields

pytestmark = pytest.mark.integration


def _deadline(db_session, category: RequestCategory) -> RequestDeadline:
    return db_session.scalars(select(RequestDeadline)
                              .where(RequestDeadline.category == category)).one()


def test_the_town_admin_sets_a_deadline_and_bad_input_changes_nothing(client, db_session,
                                                                      world) -> None:
    quick_login(client, world.users["admin"])
    with client.session_transaction() as session:
        session["locale"] = "en"
    row = _deadline(db_session, RequestCategory.safety)
    page = as_text(client.get(f"/admin/requestdeadline/edit/?id={row.id}"))
    assert "Working days to resolve" in page
    fields = form_fields(page)
    refused = client.post(f"/admin/requestdeadline/edit/?id={row.id}",
                          data={**fields, "working_days": "0"})
    assert refused.status_code == 200 and "between 1 and 250" in as_text(refused)
    db_session.expire_all()
    assert _deadline(db_session, RequestCategory.safety).working_days == 2
    done = client.post(f"/admin/requestdeadline/edit/?id={row.id}",
                       data={**fields, "working_days": "1"})
    assert done.status_code == 302
    db_session.expire_all()
    assert _deadline(db_session, RequestCategory.safety).working_days == 1


def test_a_coordinator_reads_the_deadlines_but_cannot_change_them(client, db_session,
                                                                  world) -> None:
    token = quick_login(client, world.users["coordinator"])
    row = _deadline(db_session, RequestCategory.safety)
    assert client.get("/admin/requestdeadline/").status_code == 200
    response = client.post(f"/admin/requestdeadline/edit/?id={row.id}",
                           data={"working_days": "30", "csrf_token": token})
    assert response.status_code == 403
    db_session.expire_all()
    assert _deadline(db_session, RequestCategory.safety).working_days == 2


def test_recategorised_past_its_deadline_it_counts_as_overdue(app, client, db_session,
                                                              world) -> None:
    """A call taken three weeks ago as "something else" (no deadline then) is put under
    safety (two working days): it is overdue in the stats and marked in the list; one resolved
    meanwhile keeps its dates."""
    n = world.jiahong.neighbourhood
    received = utcnow() - timedelta(days=21)
    _deadline(db_session, RequestCategory.other).working_days = 200
    late = f.make_resident_request(db_session, neighbourhood=n, received_at=received,
                                   category=RequestCategory.other, place="3号楼楼道")
    late.due_at = received + timedelta(days=280)
    done = f.make_resident_request(db_session, neighbourhood=n, received_at=received,
                                   category=RequestCategory.other, place="5号楼",
                                   status=RequestStatus.resolved, resolved_at=utcnow())
    db_session.commit()
    runner = app.test_cli_runner()

    def overdue() -> int:
        result = runner.invoke(args=[
            "requests", "stats", "--from", (received - timedelta(days=1)).date().isoformat(),
            "--to", utcnow().date().isoformat(), "--neighbourhood", n.name, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)["overdue"]

    assert overdue() == 0
    quick_login(client, world.users["coordinator"])
    for row in (late, done):
        fields = form_fields(as_text(client.get(f"/admin/residentrequest/edit/?id={row.id}")))
        response = client.post(f"/admin/residentrequest/edit/?id={row.id}",
                               data={**fields, "category": "safety"})
        assert response.status_code == 302, as_text(response)[-600:]
    db_session.expire_all()
    late, done = (db_session.get(ResidentRequest, r.id) for r in (late, done))
    assert late.category == RequestCategory.safety
    assert received + timedelta(days=2) < late.due_at < received + timedelta(days=7)
    assert done.due_at is None
    assert overdue() == 1
    listed = json.loads(runner.invoke(args=["requests", "list", "--neighbourhood", n.name,
                                            "--json"]).output)
    assert {r["code"] for r in listed if r["overdue"]} == {late.reference_code}
    page = as_text(client.get("/admin/residentrequest/"))
    assert "text-danger" in page.split(late.reference_code)[1].split("</tr>")[0]
