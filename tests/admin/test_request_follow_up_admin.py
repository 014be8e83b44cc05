"""The follow-up contact in the admin: the explain step sets its day (a bad day is refused
with a message and changes nothing), the list filters and highlights follow-ups due, and the
coordinator records the call on the handling page, own neighbourhood only."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from admin.filters import FollowUpDueFilter
from app.enums import FollowUpOutcome, RequestStatus, VisitOutcome
from app.models import ResidentRequest, Visit, utcnow
from app.services import requests
from tests.admin.conftest import as_text, quick_login
from tests.helpers import form_fields

pytestmark = pytest.mark.integration

S = RequestStatus
ZONE = ZoneInfo("Asia/Shanghai")


def _today():
    return utcnow().astimezone(ZONE).date()


def _explain(client, row_id: int, day: str):
    page = as_text(client.get(f"/admin/residentrequest/handle/?id={row_id}"))
    assert 'id="follow-up-day"' in page
    fields = form_fields(page)
    assert fields["follow_up_on"] == (_today() + timedelta(days=14)).isoformat()
    return client.post(f"/admin/residentrequest/handle/?id={row_id}", data={
        "csrf_token": fields["csrf_token"], "status": "explained", "expected": "handling",
        "note": "车位属物业管理，已向居民说明", "follow_up_on": day})


def _filter_arg(app, value: str) -> dict[str, str]:
    view = next(v for v in app.extensions["admin"][0]._views
                if getattr(v, "endpoint", "") == "residentrequest")
    with app.test_request_context():
        [key] = [key for key, (_i, flt) in view._filter_args.items()
                 if isinstance(flt, FollowUpDueFilter)]
    return {f"flt0_{key}": value}


def test_the_explain_step_sets_the_follow_up_and_the_coordinator_records_it(
        app, client, db_session, world) -> None:
    row = world.jiahong.rows["residentrequest"]
    coordinator = world.users["coordinator"]
    with app.test_request_context():
        requests.change_status(db_session, row, S.handling, user=coordinator)
    quick_login(client, coordinator)

    for bad in ("tomorrow", (_today() - timedelta(days=2)).isoformat()):
        response = _explain(client, row.id, bad)
        assert response.status_code == 422, bad
        assert "回访" in as_text(response)
    db_session.expire_all()
    assert db_session.get(ResidentRequest, row.id).status == S.handling

    day = _today() + timedelta(days=3)
    explained = _explain(client, row.id, day.isoformat())
    assert explained.status_code == 302
    client.get(explained.headers["Location"])  # shows (and clears) the flashed message
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, row.id)
    assert (fresh.status, fresh.follow_up_due_on) == (S.explained, day)

    # Not due yet; once its day has passed it is listed as due and highlighted overdue.
    listed = as_text(client.get("/admin/residentrequest/", query_string=_filter_arg(app, "due")))
    assert row.reference_code not in listed
    fresh.follow_up_due_on = _today() - timedelta(days=1)
    db_session.flush()
    listed = as_text(client.get("/admin/residentrequest/", query_string=_filter_arg(app, "due")))
    assert row.reference_code in listed and "逾期" in listed
    foreign = world.yongye.rows["residentrequest"]
    assert foreign.reference_code not in listed

    page = as_text(client.get(f"/admin/residentrequest/handle/?id={row.id}"))
    assert 'id="follow-up-form"' in page and "已安排" in page
    # The world's request is its household's: its follow-up is a planned visit too.
    assert row.household_id is not None
    [planned] = db_session.scalars(select(Visit).where(Visit.follow_up_of_id == row.id))
    assert planned.outcome == VisitOutcome.planned
    token = form_fields(page)["csrf_token"]
    refused = client.post(f"/admin/residentrequest/follow-up/?id={row.id}",
                          data={"csrf_token": token, "outcome": "reached", "note": ""})
    assert refused.status_code == 422 and "请写明沟通的内容" in as_text(refused)
    assert client.get(f"/admin/residentrequest/follow-up/?id={row.id}").status_code == 405
    response = client.post(f"/admin/residentrequest/follow-up/?id={row.id}", data={
        "csrf_token": token, "outcome": "reached", "note": "电话回访，居民表示理解"})
    assert response.status_code == 302
    history = as_text(client.get(response.headers["Location"]))
    assert "回访：已联系上" in history and 'id="follow-up-form"' not in history
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, row.id)
    assert fresh.follow_up_done_at is not None
    # Reached by the coordinator's call: the member's visit is no longer needed.
    assert db_session.scalars(select(Visit).where(Visit.follow_up_of_id == row.id)).all() == []
    last = fresh.changes[-1]
    assert (last.follow_up, last.note, last.actor) == (
        FollowUpOutcome.reached, "电话回访，居民表示理解", "佳虹协调员")
    listed = as_text(client.get("/admin/residentrequest/",
                                query_string=_filter_arg(app, "planned")))
    assert row.reference_code not in listed
