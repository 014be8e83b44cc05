"""Routing on intake: the neighbourhood's rule for the category, then the town's, then the
building's patch; a rule to a department escalates the request to it at once (seen by the
department's handlers, not resolved at grassroots level); the first history entry says how it
was routed; every intake path (form, API, visit, coordinator's call, patrol) routes alike; a
rule that could not route or clashes with another is refused."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.enums import (
    RequestCategory,
    RequestChannel,
    RequestStatus,
    Role,
    RoundStatus,
    VisitOutcome,
)
from app.models import (
    Neighbourhood,
    ResidentRequest,
    RoutingRule,
    VisitRound,
)
from app.services import requests, scoping
from app.services.patrols import inspecting
from app.services.reports.comparison_sql import resolved_locally
from app.services.requests import from_visits
from app.services.requests.routing_rules import check_rule
from tests import factories as f
from tests.helpers import csrf_token_from, in_english

pytestmark = pytest.mark.integration

C = RequestCategory


class Town:
    """Jiahong with two groups (the patch's and the repair group), a town department, and
    rules: Jiahong's repairs → its repair group, the town's facilities → the department."""

    def __init__(self, session: Session) -> None:
        self.jiahong = f.make_neighbourhood(session, name="佳虹")
        self.yongye = f.make_neighbourhood(session, name="永业")
        self.patch = f.make_service_group(session, neighbourhood=self.jiahong, name="第一团组")
        self.repairs = f.make_service_group(session, neighbourhood=self.jiahong, name="维修组")
        self.building = f.make_building(session, neighbourhood=self.jiahong,
                                        service_group=self.patch, number="12")
        self.department = f.make_department(session, name="镇市政所")
        session.add_all([
            RoutingRule(category=C.property_repair, neighbourhood=self.jiahong,
                        service_group=self.repairs),
            RoutingRule(category=C.public_facilities, department=self.department),
        ])
        session.flush()


def _raise(session: Session, town: Town, category: C, *,
           neighbourhood: Neighbourhood | None = None,
           building: bool = True) -> ResidentRequest:
    return requests.create_request(session, requests.RequestInput(
        neighbourhood_id=(neighbourhood or town.jiahong).id, category=category.value,
        text="楼道灯坏了", building_id=town.building.id if building else None))


def test_the_neighbourhoods_rule_then_the_towns_then_the_patch(app: Flask,
                                                               db_session: Session) -> None:
    town = Town(db_session)
    with app.test_request_context():
        repair = _raise(db_session, town, C.property_repair)
        facilities = _raise(db_session, town, C.public_facilities)
        other = _raise(db_session, town, C.environment)
        anonymous_place = _raise(db_session, town, C.environment, building=False)
    assert repair.service_group_id == town.repairs.id
    assert (repair.level, repair.department_id) == (f.level(db_session, "group"), None)
    assert repair.changes[0].routing == "按本居委“房屋与物业维修”类规则分派给维修组"
    assert other.service_group_id == town.patch.id
    assert other.changes[0].routing == "按楼栋所属片区分派给第一团组"
    assert anonymous_place.service_group_id is None and anonymous_place.changes[0].routing is None
    # The town's rule: the department has it at once; the patch's group still follows it.
    assert (facilities.level, facilities.department_id, facilities.service_group_id) == (
        f.level(db_session, "town_department"), town.department.id, town.patch.id)
    [step] = facilities.escalations
    assert (step.from_level, step.to_level, step.department_id, step.user_id) == (
        f.level(db_session, "group"), f.level(db_session, "town_department"),
        town.department.id, None)
    assert step.reason == facilities.changes[0].routing == (
        "按全镇“公共设施与绿化”类规则分派给镇市政所")
    assert all(not r.escalations for r in (repair, other, anonymous_place))

    # A neighbourhood's own rule comes before the town's for the same category.
    db_session.add(RoutingRule(category=C.public_facilities, neighbourhood=town.jiahong,
                               service_group=town.repairs))
    # A rule to a department no longer active is passed over: the next one routes.
    town.department.active = False
    elsewhere_group = f.make_service_group(db_session, neighbourhood=town.yongye)
    db_session.flush()
    with app.test_request_context():
        own = _raise(db_session, town, C.public_facilities)
        yongye = requests.create_request(db_session, requests.RequestInput(
            neighbourhood_id=town.yongye.id, category="public_facilities", text="路灯不亮"))
    assert (own.service_group_id, own.department_id) == (town.repairs.id, None)
    assert (yongye.service_group_id, yongye.department_id, yongye.escalations) == (
        None, None, [])
    assert elsewhere_group.id != yongye.service_group_id


def test_a_request_routed_to_a_department_is_theirs_and_not_resolved_locally(
        app: Flask, db_session: Session) -> None:
    town = Town(db_session)
    handler = f.make_user(db_session, Role.department, department=town.department)
    other_handler = f.make_user(db_session, Role.department,
                                department=f.make_department(db_session, name="镇城建办"))
    coordinator = f.make_user(db_session, Role.coordinator, neighbourhoods=[town.jiahong])
    with app.test_request_context():
        routed = _raise(db_session, town, C.public_facilities)
        local = _raise(db_session, town, C.environment)
        for request in (routed, local):
            requests.change_status(db_session, request, RequestStatus.handling,
                                   user=coordinator)
            requests.change_status(db_session, request, RequestStatus.explained,
                                   user=coordinator, note="已答复")
            requests.change_status(db_session, request, RequestStatus.resolved,
                                   user=coordinator, note="已解决")
    for write in (False, True):
        assert scoping.allows_row(db_session, handler, ResidentRequest, routed.id, write=write)
        assert not scoping.allows_row(db_session, handler, ResidentRequest, local.id,
                                      write=write)
        assert not scoping.allows_row(db_session, other_handler, ResidentRequest, routed.id,
                                      write=write)
    locally = set(db_session.scalars(select(ResidentRequest.id).where(resolved_locally())))
    assert routed.id not in locally and local.id in locally


def _visit_request(session: Session, town: Town) -> ResidentRequest:
    household = f.make_household(session, neighbourhood=town.jiahong, building=town.building)
    member = f.make_volunteer(session, neighbourhood=town.jiahong)
    round_ = VisitRound(neighbourhood=town.jiahong, starts_on=f.future(0).date(), weeks=1,
                        status=RoundStatus.published)
    session.add(round_)
    visit = f.make_visit(session, household, volunteer=member, round=round_,
                         outcome=VisitOutcome.done)
    checked = from_visits.check(session, visit, member.id, from_visits.VisitRequestInput(
        category="property_repair", text="楼道扶手松了"))
    return from_visits.file(session, checked).request


def _patrol_request(session: Session, town: Town) -> ResidentRequest:
    member = f.make_volunteer(session, neighbourhood=town.jiahong)
    group = f.make_patrol_group(session, neighbourhood=town.jiahong, members=[member])
    site = f.make_patrol_site(session, neighbourhood=town.jiahong, group=group)
    inspection = inspecting.start_inspection(session, member, site.id, group.id)
    saved = inspecting.save_inspection(session, inspection, member, inspecting.InspectionInput(
        present_ids=[member.id], findings="网吧门口的井盖松动",
        follow_up_needed=True, follow_up_category="property_repair"))
    return saved.request_raised


def _form_request(client: FlaskClient, town: Town) -> None:
    page = client.get("/requests/new").get_data(as_text=True)
    sent = client.post("/requests/new", data={
        "csrf_token": csrf_token_from(page), "neighbourhood": str(town.jiahong.id),
        "category": "property_repair", "text": "楼顶漏水", "place": "12号楼"})
    assert sent.status_code == 303, sent.get_data(as_text=True)[-500:]


def _api_request(client: FlaskClient, town: Town) -> None:
    sent = client.post("/api/v1/open311/requests.json", data={
        "service_code": "property_repair", "address_id": str(town.building.id),
        "description": "电梯坏了"})
    assert sent.status_code == 200, sent.get_json()


def test_every_intake_path_routes_by_the_rules(app: Flask, client: FlaskClient,
                                               db_session: Session) -> None:
    town = Town(db_session)
    with app.test_request_context():
        by_visit = _visit_request(db_session, town)
        by_patrol = _patrol_request(db_session, town)
    _form_request(client, town)
    _api_request(client, town)
    db_session.expire_all()
    routed = {r.channel: r for r in db_session.scalars(select(ResidentRequest))}
    assert set(routed) == {RequestChannel.visit, RequestChannel.patrol, RequestChannel.form,
                           RequestChannel.api}
    assert {r.id for r in routed.values()} >= {by_visit.id, by_patrol.id}
    for channel, request in routed.items():
        assert request.service_group_id == town.repairs.id, channel
        assert request.changes[0].routing.startswith("按本居委"), channel
    # The coordinator's call entry: tests/admin/test_routing_rules_admin.py.


def test_a_rule_that_could_not_route_or_clashes_is_refused(app: Flask,
                                                           db_session: Session) -> None:
    town = Town(db_session)
    elsewhere = f.make_service_group(db_session, neighbourhood=town.yongye, name="永业团组")
    retired = f.make_department(db_session, name="旧办公室", active=False)
    cases = [
        (RoutingRule(category=C.safety, neighbourhood=town.jiahong), "service_group"),
        (RoutingRule(category=C.safety, neighbourhood=town.jiahong, service_group=town.patch,
                     department=town.department), "service_group"),
        (RoutingRule(category=C.safety, service_group=town.patch), "service_group"),
        (RoutingRule(category=C.safety, neighbourhood=town.jiahong, service_group=elsewhere),
         "service_group"),
        (RoutingRule(category=C.safety, department=retired), "department"),
        (RoutingRule(category=C.property_repair, neighbourhood=town.jiahong,
                     service_group=town.patch), "category"),
        (RoutingRule(category=C.public_facilities, department=town.department), "category"),
    ]
    with in_english(app):
        for rule, field in cases:
            with pytest.raises(requests.RequestError) as refused:
                check_rule(db_session, rule)
            assert refused.value.field == field, (rule.category, field)
        fine = RoutingRule(category=C.property_repair, neighbourhood=town.yongye,
                           department=town.department)
        check_rule(db_session, fine)
    assert len(db_session.scalars(select(RoutingRule)).all()) == 2


FORBIDDEN = {
    "two targets": lambda t: RoutingRule(category=C.safety, neighbourhood=t.jiahong,
                                         service_group=t.patch, department=t.department),
    "no target": lambda t: RoutingRule(category=C.safety, neighbourhood=t.jiahong),
    "town-wide to a group": lambda t: RoutingRule(category=C.safety, service_group=t.patch),
    "a second rule here": lambda t: RoutingRule(category=C.property_repair,
                                                neighbourhood=t.jiahong, service_group=t.patch),
    "a second town-wide rule": lambda t: RoutingRule(category=C.public_facilities,
                                                     department=t.department),
}


@pytest.mark.parametrize("case", list(FORBIDDEN))
def test_the_database_refuses_what_the_rules_forbid(db_session: Session, case: str) -> None:
    town = Town(db_session)
    # The same category elsewhere and town-wide is fine: NULL is one place, not many.
    db_session.add_all([
        RoutingRule(category=C.property_repair, department=town.department),
        RoutingRule(category=C.property_repair, neighbourhood=town.yongye,
                    department=town.department)])
    db_session.flush()
    savepoint = db_session.begin_nested()
    db_session.add(FORBIDDEN[case](town))
    with pytest.raises(IntegrityError):
        db_session.flush()
    savepoint.rollback()
    assert len(db_session.scalars(select(RoutingRule)).all()) == 4
