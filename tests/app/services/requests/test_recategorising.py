"""A request put under another category is routed again by the rules, as on intake: another
service group is a re-routing with the reason "category changed from … to …" in its history
and the raiser told; a department above its level takes it as an escalation; the same group
changes nothing; a closed request does not move."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import RequestCategory, RequestStatus, Role
from app.i18n import deployment_zone
from app.models import Notification, ResidentRequest, RoutingRule
from app.services import requests
from app.services.requests.recategorising import recategorised
from tests import factories as f

pytestmark = pytest.mark.integration

C = RequestCategory
S = RequestStatus


class Town:
    """Jiahong: building 12 in the first group's patch, a repair group taking repairs by rule,
    and a town rule passing public facilities to a department."""

    def __init__(self, session: Session) -> None:
        self.jiahong = f.make_neighbourhood(session, name="佳虹")
        self.patch = f.make_service_group(session, neighbourhood=self.jiahong, name="第一团组")
        self.repairs = f.make_service_group(session, neighbourhood=self.jiahong, name="维修组")
        self.building = f.make_building(session, neighbourhood=self.jiahong,
                                        service_group=self.patch, number="12")
        self.department = f.make_department(session, name="镇市政所")
        self.coordinator = f.make_user(session, Role.coordinator, neighbourhoods=[self.jiahong],
                                       display_name="佳虹协调员")
        session.add_all([
            RoutingRule(category=C.property_repair, neighbourhood=self.jiahong,
                        service_group=self.repairs),
            RoutingRule(category=C.public_facilities, department=self.department),
        ])
        session.flush()

    def raise_request(self, session: Session, category: C, **contact: str) -> ResidentRequest:
        return requests.create_request(session, requests.RequestInput(
            neighbourhood_id=self.jiahong.id, category=category.value, text="楼道灯坏了",
            building_id=self.building.id, **contact), user=self.coordinator)

    def recategorise(self, session: Session, request: ResidentRequest, category: C):
        previous = request.category
        request.category = category
        return recategorised(session, request, previous, user=self.coordinator,
                             zone=deployment_zone())


def _messages(session: Session, request: ResidentRequest) -> list[str]:
    return list(session.scalars(select(Notification.template).where(
        Notification.resident_request_id == request.id).order_by(Notification.id)))


def test_another_group_by_the_new_category_is_a_reroute_the_raiser_is_told_of(
        app: Flask, db_session: Session) -> None:
    town = Town(db_session)
    with app.test_request_context():
        req = town.raise_request(db_session, C.environment, name="王阿婆",
                                 phone="13800138000")
        assert req.service_group_id == town.patch.id
        done = town.recategorise(db_session, req, C.property_repair)
    assert done.escalation is None
    change = done.rerouted.change
    assert req.service_group_id == town.repairs.id and req.category == C.property_repair
    assert (change.from_group_id, change.to_group_id, change.actor, change.from_status,
            change.to_status) == (town.patch.id, town.repairs.id, "佳虹协调员", S.received,
                                  S.received)
    assert change.note == "类别由“环境卫生”改为“房屋与物业维修”"
    told = done.rerouted.told
    assert (told.template, told.address) == ("requests/rerouted", "13800138000")
    assert "维修组" in told.body and req.reference_code in told.body

    # Back to a category without a rule: the building's patch takes it again.
    with app.test_request_context():
        back = town.recategorise(db_session, req, C.neighbours)
    assert req.service_group_id == town.patch.id
    assert back.rerouted.change.note == "类别由“房屋与物业维修”改为“邻里关系”"
    assert _messages(db_session, req) == ["requests/received", "requests/rerouted",
                                          "requests/rerouted"]


def test_the_same_group_under_the_new_category_changes_nothing_more(
        app: Flask, db_session: Session) -> None:
    town = Town(db_session)
    with app.test_request_context():
        req = town.raise_request(db_session, C.environment, phone="13800138000")
        history = len(req.changes)
        done = town.recategorise(db_session, req, C.neighbours)  # the patch's, as before
    assert (done.rerouted, done.escalation) == (None, None)
    assert req.category == C.neighbours and req.service_group_id == town.patch.id
    assert len(req.changes) == history and req.escalations == []
    assert _messages(db_session, req) == ["requests/received"]


def test_a_department_named_by_the_new_category_takes_it_as_an_escalation(
        app: Flask, db_session: Session) -> None:
    town = Town(db_session)
    with app.test_request_context():
        req = town.raise_request(db_session, C.other)
        requests.change_status(db_session, req, S.handling, user=town.coordinator)
        done = town.recategorise(db_session, req, C.public_facilities)
        step = done.escalation
        assert done.rerouted is None
        assert (req.level, req.department_id, req.service_group_id) == (
            f.level(db_session, "town_department"), town.department.id, town.patch.id)
        assert (step.from_level, step.to_level, step.department_id, step.actor, step.reason) == (
            f.level(db_session, "group"), f.level(db_session, "town_department"),
            town.department.id,
            "佳虹协调员", "类别由“其他事项”改为“公共设施与绿化”")
        # Once with the department, another category does not take it back down.
        again = town.recategorise(db_session, req, C.property_repair)
    assert again.escalation is None and again.rerouted.change.to_group_id == town.repairs.id
    assert (req.level, req.department_id) == (f.level(db_session, "town_department"),
                                              town.department.id)


def test_a_closed_request_keeps_its_routing(app: Flask, db_session: Session) -> None:
    town = Town(db_session)
    with app.test_request_context():
        req = town.raise_request(db_session, C.environment, phone="13800138000")
        requests.change_status(db_session, req, S.handling, user=town.coordinator)
        requests.change_status(db_session, req, S.explained, user=town.coordinator,
                               note="已答复")
        history = len(req.changes)
        done = town.recategorise(db_session, req, C.property_repair)
        assert (done.rerouted, done.escalation) == (None, None)
        assert len(req.changes) == history  # answered: it waits only to be closed
        requests.change_status(db_session, req, S.resolved, user=town.coordinator,
                               note="已解决")
        history = len(req.changes)
        resolved = town.recategorise(db_session, req, C.public_facilities)
    assert (resolved.rerouted, resolved.escalation) == (None, None)
    assert req.service_group_id == town.patch.id and req.department_id is None
    assert len(req.changes) == history and req.escalations == []
    assert "requests/rerouted" not in _messages(db_session, req)
