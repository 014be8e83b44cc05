"""The demo's routing rules: Jiahong's repairs go to its committee officials' group, the
town's parking and traffic to the city appearance office; a request raised now follows them,
and loading the demo again adds none (`tests/app/test_demo.py`)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.enums import RequestCategory
from app.models import Neighbourhood, RoutingRule
from app.services import requests
from tests import factories as f

pytestmark = pytest.mark.integration


def test_the_demo_routes_repairs_to_a_group_and_parking_to_a_department(
        demo_session, loaded_demo) -> None:
    assert loaded_demo.report.created["routing_rules"] == 2
    rules = {(r.neighbourhood.name if r.neighbourhood else None, r.category):
             (r.service_group or r.department).name
             for r in demo_session.scalars(select(RoutingRule))}
    assert rules == {("佳虹", RequestCategory.property_repair): "居委干部团组",
                     (None, RequestCategory.parking_traffic): "金桥镇市容所"}
    jiahong = demo_session.scalars(select(Neighbourhood).where(
        Neighbourhood.name == "佳虹")).one()
    with loaded_demo.app.test_request_context():
        repair = requests.create_request(demo_session, requests.RequestInput(
            neighbourhood_id=jiahong.id, category="property_repair", text="楼顶漏水"))
        parking = requests.create_request(demo_session, requests.RequestInput(
            neighbourhood_id=jiahong.id, category="parking_traffic", text="消防通道停满了车"))
    assert repair.service_group.name == "居委干部团组"
    assert (parking.level, parking.department.name) == (
        f.level(demo_session, "town_department"), "金桥镇市容所")
