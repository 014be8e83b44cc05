"""Re-routing: a request goes to another service group of its neighbourhood only with a reason,
recorded with who, when and the groups it left and went to, and its raiser is told (by SMS at
the number they gave); a closed request, the group it already has, or a group of another
neighbourhood is refused with nothing written and nobody told."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import NotificationChannel, RequestStatus, Role
from app.models import Notification, RequestChange, ResidentRequest
from app.services import requests
from app.services.requests.routing import groups_for, reroute
from tests import factories as f

pytestmark = pytest.mark.integration

S = RequestStatus


def test_reroute_records_the_groups_and_refuses_what_it_should(app: Flask,
                                                               db_session: Session) -> None:
    n = f.make_neighbourhood(db_session, name="佳虹")
    first = f.make_service_group(db_session, neighbourhood=n, name="第一团组")
    second = f.make_service_group(db_session, neighbourhood=n, name="第二团组")
    elsewhere = f.make_service_group(db_session, neighbourhood=f.make_neighbourhood(
        db_session, name="永业"), name="永业团组")
    building = f.make_building(db_session, neighbourhood=n, service_group=first)
    coordinator = f.make_user(db_session, Role.coordinator, neighbourhoods=[n],
                              display_name="佳虹协调员")
    with app.test_request_context():
        req = requests.create_request(db_session, requests.RequestInput(
            neighbourhood_id=n.id, category="public_facilities", text="楼道灯坏了",
            building_id=building.id))
        assert [g.name for g in groups_for(db_session, req)] == ["第一团组", "第二团组"]
        done = reroute(db_session, req, second, user=coordinator, reason="灯归第二团组管",
                       expected_group_id=first.id)
        change = done.change
        assert done.told is None  # anonymous: nobody to tell
        assert req.service_group_id == second.id and req.status == S.received
        assert (change.from_group_id, change.to_group_id, change.note, change.actor,
                change.rerouted) == (first.id, second.id, "灯归第二团组管", "佳虹协调员", True)
        count = len(req.changes)
        refusals = [
            (dict(group=first, reason="", expected_group_id=second.id), "invalid"),
            (dict(group=elsewhere, reason="搬走", expected_group_id=second.id), "invalid"),
            (dict(group=None, reason="搬走", expected_group_id=second.id), "invalid"),
            (dict(group=second, reason="还是它", expected_group_id=second.id), "invalid"),
            (dict(group=first, reason="退回", expected_group_id=first.id), "changed"),
        ]
        for kwargs, code in refusals:
            with pytest.raises(requests.RequestError) as refused:
                reroute(db_session, req, user=coordinator, **kwargs)
            assert refused.value.code == code, kwargs
        requests.change_status(db_session, req, S.handling, user=coordinator)
        requests.change_status(db_session, req, S.explained, user=coordinator, note="已答复")
        requests.change_status(db_session, req, S.resolved, user=coordinator, note="已解决")
        with pytest.raises(requests.RequestError) as closed:
            reroute(db_session, req, first, user=coordinator, reason="退回",
                    expected_group_id=second.id)
        assert closed.value.code == "not_allowed"
    db_session.expire_all()
    fresh = db_session.get(ResidentRequest, req.id)
    assert fresh.service_group_id == second.id
    assert len(fresh.changes) == count + 3
    assert sum(1 for c in fresh.changes if c.rerouted) == 1
    assert db_session.query(RequestChange).filter(
        RequestChange.to_group_id.is_not(None)).count() == 1


def test_the_raiser_who_gave_a_mobile_is_told_of_a_reroute_by_sms(
        app: Flask, db_session: Session) -> None:
    n = f.make_neighbourhood(db_session, name="佳虹")
    first = f.make_service_group(db_session, neighbourhood=n, name="第一团组")
    second = f.make_service_group(db_session, neighbourhood=n, name="第二团组")
    building = f.make_building(db_session, neighbourhood=n, service_group=first)
    coordinator = f.make_user(db_session, Role.coordinator, neighbourhoods=[n])
    with app.test_request_context():
        # A call: the caller gave their mobile and agreed to be told.
        req = requests.create_request(db_session, requests.RequestInput(
            neighbourhood_id=n.id, category="public_facilities", text="楼道灯坏了",
            building_id=building.id, name="王阿婆", phone="13800138000"), user=coordinator)
        with pytest.raises(requests.RequestError):
            reroute(db_session, req, second, user=coordinator, reason="",
                    expected_group_id=first.id)
        done = reroute(db_session, req, second, user=coordinator, reason="灯归第二团组管",
                       expected_group_id=first.id)
    assert req.consent_at is not None
    told = done.told
    assert (told.template, told.channel, told.address, told.resident_request_id) == (
        "requests/rerouted", NotificationChannel.sms, "13800138000", req.id)
    assert "第二团组" in told.body and req.reference_code in told.body
    messages = db_session.scalars(select(Notification.template).where(
        Notification.resident_request_id == req.id).order_by(Notification.id)).all()
    assert messages == ["requests/received", "requests/rerouted"]  # the refusal told nobody
