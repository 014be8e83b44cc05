"""The request workflow: intake checks, every allowed step recorded with who/when/what was
said, refused steps changing nothing, and two coordinators acting on the same request."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import RequestChannel, RequestStatus, Role
from app.models import RequestChange, ResidentRequest
from app.services import requests
from tests import factories as f
from tests.helpers import in_english

pytestmark = pytest.mark.integration

S = RequestStatus


def _input(neighbourhood_id: int, **kw: object) -> requests.RequestInput:
    data = {"neighbourhood_id": neighbourhood_id, "category": "public_facilities",
            "text": "小区花园想搭一个花架", "place": "12号楼前"}
    data.update(kw)
    return requests.RequestInput(**data)  # type: ignore[arg-type]


def test_a_resident_raises_a_request_anonymously(app: Flask, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    with app.test_request_context():
        created = requests.create_request(db_session, _input(n.id))
    assert created.status == S.received and created.channel == RequestChannel.form
    assert created.name is None and created.phone is None and created.consent_at is None
    assert len(created.reference_code) == 8 and len(created.follow_token) >= 32
    [first] = created.changes
    assert (first.from_status, first.to_status, first.user_id, first.actor) == (
        None, S.received, None, "")


def test_the_building_routes_to_its_service_group(app: Flask, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    group = f.make_service_group(db_session, neighbourhood=n)
    building = f.make_building(db_session, neighbourhood=n, service_group=group)
    with app.test_request_context():
        created = requests.create_request(db_session, _input(n.id, building_id=building.id))
    assert created.service_group_id == group.id


def test_bad_input_names_every_field_and_writes_nothing(app: Flask,
                                                        db_session: Session) -> None:
    other = f.make_neighbourhood(db_session)
    building = f.make_building(db_session, neighbourhood=other)
    n = f.make_neighbourhood(db_session)
    bad = _input(n.id, category="weather", text="   ", phone="12345", email="no-at-sign",
                 name="王阿婆", place="x" * 121, building_id=building.id)
    with in_english(app), pytest.raises(requests.RequestInvalid) as caught:
        requests.create_request(db_session, bad)
    errors = {k: str(v) for k, v in caught.value.errors.items()}
    assert set(errors) == {"category", "text", "phone", "email", "place", "consent",
                           "building"}
    assert "mobile number" in errors["phone"]
    with in_english(app), pytest.raises(requests.RequestInvalid) as caught:
        requests.create_request(db_session, _input(None, text="a\x00b"))
    assert set(caught.value.errors) == {"text"}
    with in_english(app), pytest.raises(requests.RequestInvalid) as caught:
        requests.create_request(db_session, _input("99999999"))
    assert set(caught.value.errors) == {"neighbourhood"}
    assert db_session.scalars(select(ResidentRequest)).all() == []


def test_contact_details_need_consent_from_the_resident(app: Flask,
                                                        db_session: Session) -> None:
    n = f.make_neighbourhood(db_session)
    with app.test_request_context():
        created = requests.create_request(
            db_session, _input(n.id, phone="+86 138-0013-8000", name=" 王 阿婆 ", consent=True))
    assert created.phone == "13800138000" and created.name == "王 阿婆"
    assert created.consent_at is not None


def test_each_way_to_resolution_is_recorded(app: Flask, db_session: Session) -> None:
    coordinator = f.make_user(db_session, Role.coordinator, display_name="佳虹协调员",
                              neighbourhoods=[f.make_neighbourhood(db_session)])
    paths = {
        "explain": [(S.handling, None), (S.explained, "个人需求无法满足，已说明原因"),
                    (S.resolved, "已回访")],
        "improve": [(S.handling, ""), (S.improving, "交物业维修"), (S.resolved, "已修好")],
        "council": [(S.handling, None), (S.council, "提交居民议事会"),
                    (S.improving, "议事会同意"), (S.resolved, "花架已建成")],
    }
    for way, steps in paths.items():
        req = f.make_resident_request(db_session)
        f.make_council_meeting(db_session, req)
        posted = {"board_title": "12号楼前搭建花架", "result": "已完成"}
        with app.test_request_context():
            for to, note in steps:
                requests.change_status(db_session, req, to, user=coordinator, note=note,
                                       expected=req.status, council_decision="选用紫藤",
                                       vote=f.council_vote(),
                                       **(posted if to == S.resolved and way != "explain"
                                          else {}))
        assert req.status == S.resolved and req.resolved_at is not None
        assert (req.council_decision == "同意搭建花架。选用紫藤") == (S.council in dict(steps))
        history = [(c.from_status, c.to_status, c.actor, c.note) for c in req.changes]
        expected = [(None, S.received, "", None)]
        previous = S.received
        for to, note in steps:
            expected.append((previous, to, "佳虹协调员", note or None))
            previous = to
        assert history == expected
        assert all(c.user_id == coordinator.id for c in req.changes[1:])


@pytest.mark.parametrize(("start", "to"), [
    (S.received, S.resolved), (S.received, S.explained), (S.handling, S.resolved),
    (S.explained, S.improving), (S.improving, S.council), (S.resolved, S.explained),
])
def test_a_step_the_workflow_does_not_allow_is_refused(app: Flask, db_session: Session,
                                                       start: RequestStatus,
                                                       to: RequestStatus) -> None:
    req = f.make_resident_request(db_session, status=start)
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.change_status(db_session, req, to, user=None, note="说明")
    assert caught.value.code == "not_allowed"
    assert "cannot become" in str(caught.value.message)
    db_session.expire_all()
    assert db_session.get(ResidentRequest, req.id).status == start
    assert len(db_session.scalars(select(RequestChange)
                                  .where(RequestChange.request_id == req.id)).all()) == 1


def test_an_answer_without_a_note_is_refused(app: Flask, db_session: Session) -> None:
    req = f.make_resident_request(db_session, status=S.handling)
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.change_status(db_session, req, S.explained, user=None, note="  ")
    assert caught.value.field == "note" and "the resident reads" in str(caught.value.message)
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.change_status(db_session, req, "closed", user=None, note="x")
    assert caught.value.field == "status"
    assert req.status == S.handling


def test_a_stale_step_is_refused_and_changes_nothing(app: Flask, db_session: Session) -> None:
    """Two coordinators open the same request; the second one's step is refused."""
    req = f.make_resident_request(db_session)
    with app.test_request_context():
        requests.change_status(db_session, req, S.handling, user=None, expected=S.received)
        with pytest.raises(requests.RequestError) as caught:
            requests.change_status(db_session, req, S.handling, user=None,
                                   expected=S.received)
    assert caught.value.code == "changed"
    assert [c.to_status for c in req.changes] == [S.received, S.handling]


def test_a_resolved_request_can_be_reopened_and_loses_its_resolution_time(
        app: Flask, db_session: Session) -> None:
    req = f.make_resident_request(db_session, status=S.improving)
    with app.test_request_context():
        requests.change_status(db_session, req, S.resolved, user=None, note="已修好",
                               board_title="路灯修好了", result="已修好")
        assert req.resolved_at is not None
        requests.change_status(db_session, req, S.handling, user=None, note="居民说还在漏水")
    assert req.status == S.handling and req.resolved_at is None


def test_leaving_the_council_needs_its_decision(app: Flask, db_session: Session) -> None:
    req = f.make_resident_request(db_session, status=S.council)
    f.make_council_meeting(db_session, req)
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.change_status(db_session, req, S.improving, user=None, note="同意")
    assert caught.value.field == "options" and req.status == S.council
    with app.test_request_context():
        requests.change_status(db_session, req, S.explained, user=None, note="议事会未通过",
                               vote=f.council_vote(5, 12, proposal="设收费停车位"))
    assert req.council_decision == "不同意" and req.council_decided_at is not None


def test_a_council_meeting_is_an_event_of_the_neighbourhood(app: Flask,
                                                           db_session: Session) -> None:
    from datetime import timedelta

    n = f.make_neighbourhood(db_session)
    req = f.make_resident_request(db_session, neighbourhood=n, status=S.handling)
    starts = f.future(10)
    with in_english(app), pytest.raises(requests.RequestError):
        requests.schedule_meeting(db_session, req, starts_at=starts, place="居委会会议室",
                                  representatives="王建国")
    req.status = S.council
    db_session.flush()
    with in_english(app), pytest.raises(requests.RequestError) as caught:
        requests.schedule_meeting(db_session, req, starts_at=starts, place=" ",
                                  representatives="王建国")
    assert caught.value.field == "place" and req.council_event_id is None
    with app.test_request_context():
        event = requests.schedule_meeting(db_session, req, starts_at=starts,
                                          place="居委会会议室", representatives="王建国")
    assert req.council_event_id == event.id and event.neighbourhood_id == n.id
    assert event.title.startswith("居民议事会") and not event.is_public
    assert event.end_at - event.start_at == timedelta(minutes=90)
    elsewhere = f.make_event(db_session)
    with in_english(app), pytest.raises(requests.RequestError):
        requests.link_meeting(db_session, req, elsewhere)
    assert req.council_event_id == event.id
