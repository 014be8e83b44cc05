"""A member adds the household's requests on the phone: with the visit's outcome, or later on
the recorded visit; a refusal gives back everything typed and writes nothing; another member's
visit is not found, a visit not yet made refuses, and every change needs the CSRF token."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.enums import RequestChannel, RoundStatus, VisitKind, VisitOutcome
from app.models import (
    HeldRequestPhoto,
    Notification,
    RequestPhoto,
    ResidentRequest,
    Visit,
    VisitRound,
)
from tests.app.portal.test_portal import open_portal
from tests.app.services.requests.test_photos import jpeg_with_gps
from tests.factories import make_building, make_household, make_service_group, make_volunteer
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration


def _visit(session: Session, volunteer, *, outcome=VisitOutcome.planned,
           hours: int = 3) -> Visit:
    n = volunteer.neighbourhood
    group = make_service_group(session, neighbourhood=n)
    household = make_household(session, neighbourhood=n, contact_name="李阿婆",
                               building=make_building(session, neighbourhood=n,
                                                      service_group=group))
    round_ = VisitRound(neighbourhood=n, starts_on=datetime.now(UTC).date(), weeks=1,
                        status=RoundStatus.published)
    visit = Visit(household=household, round=round_, volunteer=volunteer, kind=VisitKind.door,
                  outcome=outcome, visited_at=datetime.now(UTC) + timedelta(hours=hours))
    session.add_all([round_, visit])
    session.flush()
    return visit


def _requests(session: Session) -> list[ResidentRequest]:
    session.expire_all()
    return list(session.scalars(select(ResidentRequest).order_by(ResidentRequest.id)))


def test_record_the_visit_with_the_households_request(client, app, db_session: Session) -> None:
    volunteer = make_volunteer(db_session, name="江洁志")
    visit = _visit(db_session, volunteer)
    open_portal(client, app, volunteer)
    page = client.get("/portal/visits").get_data(as_text=True)
    assert "住户提出的诉求或建议" in page and 'name="tell_household"' in page
    response = client.post(f"/portal/visits/{visit.id}", data={
        "csrf_token": csrf_token_from(page), "outcome": "done", "notes": "聊了很久",
        "request_category": "health", "request_text": "想请医生定期来量血压",
        "request_place": "活动室", "tell_household": "1",
        "request_photo": (io.BytesIO(jpeg_with_gps()), "p.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    [req] = _requests(db_session)
    assert (req.channel, req.visit_id, req.household_id, req.volunteer_id, req.place,
            req.phone) == (RequestChannel.visit, visit.id, visit.household_id, volunteer.id,
                           "活动室", "13800000000")
    assert db_session.get(Visit, visit.id).outcome == VisitOutcome.done
    assert db_session.scalars(select(RequestPhoto.request_id)).all() == [req.id]
    assert db_session.scalars(select(Notification.template).where(
        Notification.resident_request_id == req.id)).all() == ["requests/received"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"诉求 {req.reference_code} 已记录；办理情况会短信告知住户。" in page
    assert f"诉求 {req.reference_code}" in page and "想请医生定期来量血压" in page

    # A second request on the recorded visit, the household not to be told this time.
    response = client.post(f"/portal/visits/{visit.id}/requests", data={
        "csrf_token": csrf_token_from(page), "request_category": "environment",
        "request_text": "楼下垃圾桶太少"})
    assert response.status_code == 302
    _first, second = _requests(db_session)
    assert (second.visit_id, second.volunteer_id, second.phone) == (visit.id, volunteer.id,
                                                                    None)


def test_a_refusal_gives_back_what_was_typed_and_writes_nothing(
        client, app, db_session: Session) -> None:
    volunteer = make_volunteer(db_session)
    visit = _visit(db_session, volunteer)
    open_portal(client, app, volunteer)
    token = csrf_token_from(client.get("/portal/visits").get_data(as_text=True))
    typed = {"csrf_token": token, "outcome": "done", "notes": "阿婆腿脚不好",
             "request_category": "health", "request_text": "想请医生上门",
             "request_place": "x" * 121, "tell_household": "1"}
    response = client.post(f"/portal/visits/{visit.id}", data=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "最多 120 个字。" in page and "is-invalid" in page
    assert "阿婆腿脚不好" in page and "想请医生上门" in page and "x" * 121 in page
    assert 'value="health" selected' in page and 'value="1" id="tell-' in page
    assert "checked" in page.split('name="tell_household"')[1].split(">")[0]
    assert _requests(db_session) == []
    assert db_session.get(Visit, visit.id).outcome == VisitOutcome.planned

    # Not reached, with a request: refused with why, the outcome not recorded either.
    response = client.post(f"/portal/visits/{visit.id}", data={
        **typed, "outcome": "not_at_home", "request_place": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "请先把这次走访记录为已完成" in page
    assert "阿婆腿脚不好" in page and "想请医生上门" in page
    assert _requests(db_session) == []
    assert db_session.get(Visit, visit.id).outcome == VisitOutcome.planned


def test_only_the_members_own_visit_once_it_happened_and_with_the_csrf_token(
        client, app, db_session: Session) -> None:
    volunteer = make_volunteer(db_session)
    planned = _visit(db_session, volunteer, hours=48)
    done = _visit(db_session, volunteer, outcome=VisitOutcome.done, hours=-2)
    other = _visit(db_session, make_volunteer(db_session, neighbourhood=volunteer.neighbourhood),
                   outcome=VisitOutcome.done, hours=-2)
    open_portal(client, app, volunteer)
    page = client.get("/portal/visits").get_data(as_text=True)
    token = csrf_token_from(page)
    assert f"/portal/visits/{done.id}/requests" in page
    assert f"/portal/visits/{planned.id}/requests" not in page
    wanted = {"csrf_token": token, "request_category": "health", "request_text": "量血压"}

    assert client.post(f"/portal/visits/{other.id}/requests", data=wanted).status_code == 404
    assert client.post(f"/portal/visits/{other.id}", data={
        **wanted, "outcome": "done"}).status_code == 404
    response = client.post(f"/portal/visits/{planned.id}/requests", data=wanted)
    assert response.status_code == 400
    assert "请先把这次走访记录为已完成" in response.get_data(as_text=True)
    without_token = {k: v for k, v in wanted.items() if k != "csrf_token"}
    assert client.post(f"/portal/visits/{done.id}/requests",
                       data=without_token).status_code == 400
    assert client.get(f"/portal/visits/{done.id}/requests").status_code == 405
    assert _requests(db_session) == []
    assert client.post(f"/portal/visits/{done.id}/requests", data=wanted).status_code == 302
    assert [r.visit_id for r in _requests(db_session)] == [done.id]


def test_a_refusal_keeps_the_photo_chosen_until_the_request_is_sent(
        client, app, db_session: Session) -> None:
    """The photo chosen goes back with the refused form (held, as the public form holds a
    resident's), so the member need not take it again; it goes with the request once sent."""
    volunteer = make_volunteer(db_session)
    visit = _visit(db_session, volunteer, hours=-1)
    open_portal(client, app, volunteer)
    token = csrf_token_from(client.get("/portal/visits").get_data(as_text=True))
    typed = {"csrf_token": token, "outcome": "done", "notes": "",
             "request_category": "public_facilities", "request_text": "楼道灯坏了",
             "request_place": "x" * 121}
    refused = client.post(f"/portal/visits/{visit.id}", content_type="multipart/form-data",
                          data={**typed, "request_photo": (io.BytesIO(jpeg_with_gps()), "p.jpg")})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "最多 120 个字。" in page
    held = re.search(r'name="held_photo" value="([^"]+)"', page)
    assert held is not None and "您的照片已保留" in page and "重新选择照片" not in page
    assert _requests(db_session) == [] and db_session.scalar(
        select(func.count()).select_from(HeldRequestPhoto)) == 1

    sent = client.post(f"/portal/visits/{visit.id}", content_type="multipart/form-data",
                       data={**typed, "request_place": "3号楼", "held_photo": held.group(1)})
    assert sent.status_code == 302, sent.get_data(as_text=True)[-600:]
    [req] = _requests(db_session)
    [photo] = db_session.scalars(select(RequestPhoto).where(RequestPhoto.request_id == req.id))
    assert photo.content_type == "image/jpeg"
    assert db_session.scalar(select(func.count()).select_from(HeldRequestPhoto)) == 0

    # Later, on the recorded visit: a photo held after a refusal, and gone when too old.
    form = {"csrf_token": token, "request_category": "health", "request_text": "想量血压",
            "request_place": "x" * 121}
    refused = client.post(f"/portal/visits/{visit.id}/requests",
                          content_type="multipart/form-data",
                          data={**form, "request_photo": (io.BytesIO(jpeg_with_gps()), "q.jpg")})
    held = re.search(r'name="held_photo" value="([^"]+)"',
                     refused.get_data(as_text=True)).group(1)
    db_session.execute(update(HeldRequestPhoto).values(
        held_at=datetime.now(UTC) - timedelta(hours=4)))
    expired = client.post(f"/portal/visits/{visit.id}/requests",
                          data={**form, "request_place": "", "held_photo": held})
    assert expired.status_code == 400 and "不再保留" in expired.get_data(as_text=True)
    assert len(_requests(db_session)) == 1
