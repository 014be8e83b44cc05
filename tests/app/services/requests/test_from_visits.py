"""Requests raised on a household visit: the household's, filed by the visit's member, routed
and due like any other, pointing back at the visit; the household told only when it agreed
and has a mobile number on file; refused, with nothing written, on a visit that is not the
member's, did not reach the household or has not happened."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.enums import RequestCategory, RequestChannel, RequestStatus, RoundStatus, VisitOutcome
from app.models import (
    Notification,
    RequestDeadline,
    RequestPhoto,
    ResidentRequest,
    Visit,
    VisitRound,
)
from app.services.requests import RequestError, RequestInvalid, from_visits
from app.services.visits.recording import RecordingError
from tests import factories as f
from tests.app.services.requests.test_photos import jpeg_with_gps
from tests.helpers import in_english

pytestmark = pytest.mark.integration

Input = from_visits.VisitRequestInput


def _visit(session: Session, *, phone: str | None = "13800138000", **kw) -> Visit:
    n = f.make_neighbourhood(session, name="永业")
    group = f.make_service_group(session, neighbourhood=n, name="永业第一团组")
    building = f.make_building(session, neighbourhood=n, service_group=group, number="7")
    household = f.make_household(session, neighbourhood=n, building=building,
                                 contact_name="王阿婆", contact_phone=phone)
    member = f.make_volunteer(session, neighbourhood=n, name="江洁志")
    kw.setdefault("outcome", VisitOutcome.done)
    round_ = VisitRound(neighbourhood=n, starts_on=datetime.now(UTC).date(), weeks=1,
                        status=RoundStatus.published)
    session.add(round_)
    return f.make_visit(session, household, volunteer=member, round=round_, **kw)


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_request_on_a_visit_is_the_households_filed_by_the_member(
        app: Flask, db_session: Session) -> None:
    visit = _visit(db_session)
    assert db_session.scalars(select(RequestDeadline.working_days).where(
        RequestDeadline.category == RequestCategory.health)).one()  # the town's default
    with app.test_request_context():
        checked = from_visits.check(db_session, visit, visit.volunteer_id, Input(
            category="health", text="想请医生定期来小区量血压", place="7号楼门口",
            tell_household=True, photo=jpeg_with_gps()))
        filed = from_visits.file(db_session, checked)
    req = filed.request
    household = visit.household
    assert (req.channel, req.status, req.household_id, req.volunteer_id, req.visit_id) == (
        RequestChannel.visit, RequestStatus.received, household.id, visit.volunteer_id,
        visit.id)
    assert (req.neighbourhood_id, req.building_id, req.service_group_id) == (
        household.neighbourhood_id, household.building_id, household.building.service_group_id)
    assert req.place == "7号楼门口" and req.due_at is not None and req.due_at > req.received_at
    assert (req.name, req.phone, req.consent_at is not None, filed.told) == (
        "王阿婆", "13800138000", True, True)
    assert req.changes[0].actor == "江洁志"
    assert [p.request_id for p in db_session.scalars(select(RequestPhoto))] == [req.id]
    [told] = db_session.scalars(select(Notification).where(
        Notification.resident_request_id == req.id)).all()
    assert (told.template, told.address) == ("requests/received", "13800138000")
    assert from_visits.raised_on(db_session, [visit.id, visit.id + 1000]) == {visit.id: [req]}


@pytest.mark.parametrize(("phone", "agreed"), [
    ("13800138000", False),  # not agreed: not messaged, the number not copied
    ("021-58881234", True),  # a landline cannot take an SMS
    (None, True),
])
def test_the_household_is_told_only_when_it_agreed_and_has_a_mobile(
        app: Flask, db_session: Session, phone: str | None, agreed: bool) -> None:
    visit = _visit(db_session, phone=phone)
    with app.test_request_context():
        filed = from_visits.file(db_session, from_visits.check(
            db_session, visit, visit.volunteer_id,
            Input(category="public_facilities", text="楼道灯坏了", tell_household=agreed)))
    assert (filed.told, filed.request.phone, filed.request.name,
            filed.request.consent_at) == (False, None, None, None)
    assert filed.request.household_id == visit.household_id
    assert _count(db_session, Notification) == 0


def test_refusals_write_nothing(app: Flask, db_session: Session) -> None:
    visit = _visit(db_session)
    stranger = f.make_volunteer(db_session, neighbourhood=visit.household.neighbourhood)
    planned = f.make_visit(db_session, visit.household, volunteer=visit.volunteer,
                           outcome=VisitOutcome.planned,
                           visited_at=datetime.now(UTC) + timedelta(days=2))
    later = f.make_visit(db_session, visit.household, volunteer=visit.volunteer,
                         visited_at=datetime.now(UTC) + timedelta(days=2))
    not_home = f.make_visit(db_session, visit.household, volunteer=visit.volunteer,
                            outcome=VisitOutcome.not_at_home)
    good = Input(category="health", text="量血压")
    cases = [
        (visit, stranger.id, good, "not on your list"),
        (planned, visit.volunteer_id, good, "record the visit"),
        (not_home, visit.volunteer_id, good, "record the visit"),
        (later, visit.volunteer_id, good, "has not happened yet"),
        (visit, visit.volunteer_id, Input(category="health", text="  "), "describe"),
        (visit, visit.volunteer_id, Input(category="weather", text="量血压"), "what it is"),
        (visit, visit.volunteer_id, Input(category="health", text="量血压", place="x" * 121),
         "At most 120"),
        (visit, visit.volunteer_id, Input(category="health", text="量血压", photo=b"%PDF"),
         "not a photo"),
    ]
    with in_english(app):
        for target, volunteer_id, data, message in cases:
            with pytest.raises(RequestError) as refused:
                from_visits.check(db_session, target, volunteer_id, data)
            assert message in str(refused.value), message
    assert _count(db_session, ResidentRequest) == 0


def test_outcome_and_request_are_recorded_together_or_not_at_all(
        app: Flask, db_session: Session) -> None:
    visit = _visit(db_session, outcome=VisitOutcome.planned,
                   visited_at=datetime.now(UTC) + timedelta(hours=2))
    member = visit.volunteer_id
    with in_english(app):
        with pytest.raises(RequestError, match="record the visit as done"):
            from_visits.record_with_request(db_session, visit, member, "not_at_home",
                                            notes="不在家", data=Input(text="量血压"))
        with pytest.raises(RequestInvalid) as incomplete:
            from_visits.record_with_request(db_session, visit, member, "done", notes="聊了",
                                            data=Input(place="7号楼"))
        assert set(incomplete.value.errors) == {"category", "text"}
        with pytest.raises(RecordingError):
            from_visits.record_with_request(db_session, visit, member, "planned", notes=None,
                                            data=Input(category="health", text="量血压"))
        assert (visit.outcome, visit.notes) == (VisitOutcome.planned, None)
        assert _count(db_session, ResidentRequest) == 0

        recorded, filed = from_visits.record_with_request(
            db_session, visit, member, "done", notes="聊了很久",
            data=Input(category="health", text="量血压"))
        assert recorded.visit.outcome == VisitOutcome.done and filed is not None
        assert filed.request.visit_id == visit.id
        again, none = from_visits.record_with_request(db_session, visit, member, "done",
                                                      notes="改一下", data=Input())
        assert none is None and again.visit.notes == "改一下"
    assert _count(db_session, ResidentRequest) == 1
