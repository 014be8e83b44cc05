"""Who each step of a request's history names: the staff member, else the volunteer who acted
without an account (a patrol's member raising a request, a visit's member filing one or
recording its follow-up), else nobody, which is the resident."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from app.enums import RequestChannel, RequestStatus, Role, RoundStatus, VisitOutcome
from app.models import VisitRound
from app.services import requests
from app.services.requests import from_visits
from tests import factories as f

pytestmark = pytest.mark.integration


def test_a_request_raised_on_patrol_names_the_member_who_raised_it(app: Flask,
                                                                   db_session: Session) -> None:
    neighbourhood = f.make_neighbourhood(db_session, name="佳虹")
    member = f.make_volunteer(db_session, neighbourhood=neighbourhood, name="江洁志")
    with app.test_request_context():
        request = f.make_patrol_request(db_session, member)
    assert (request.channel, request.volunteer_id) == (RequestChannel.patrol, member.id)
    [first] = request.changes
    assert (first.from_status, first.to_status, first.user_id, first.actor) == (
        None, RequestStatus.received, None, "江洁志")


def test_a_request_filed_on_a_visit_names_the_visits_member(app: Flask,
                                                            db_session: Session) -> None:
    neighbourhood = f.make_neighbourhood(db_session, name="佳虹")
    household = f.make_household(db_session, neighbourhood=neighbourhood)
    member = f.make_volunteer(db_session, neighbourhood=neighbourhood, name="林秀英")
    round_ = VisitRound(neighbourhood=neighbourhood, starts_on=f.future(0).date(), weeks=1,
                        status=RoundStatus.published)
    db_session.add(round_)
    visit = f.make_visit(db_session, household, volunteer=member, round=round_,
                         outcome=VisitOutcome.done)
    with app.test_request_context():
        checked = from_visits.check(db_session, visit, member.id,
                                    from_visits.VisitRequestInput(
                                        category="property_repair", text="楼道扶手松了"))
        request = from_visits.file(db_session, checked).request
    assert (request.volunteer_id, request.changes[0].user_id, request.changes[0].actor) == (
        member.id, None, "林秀英")


def test_the_resident_and_staff_are_named_as_before(app: Flask, db_session: Session) -> None:
    neighbourhood = f.make_neighbourhood(db_session, name="佳虹")
    coordinator = f.make_user(db_session, Role.coordinator, neighbourhoods=[neighbourhood],
                              display_name="佳虹协调员")
    with app.test_request_context():
        by_resident = requests.create_request(db_session, requests.RequestInput(
            neighbourhood_id=neighbourhood.id, category="environment", text="垃圾没人收"))
        by_call = requests.create_request(db_session, requests.RequestInput(
            neighbourhood_id=neighbourhood.id, category="environment", text="路灯不亮"),
            channel=RequestChannel.call, user=coordinator)
        requests.change_status(db_session, by_resident, RequestStatus.handling,
                               user=coordinator)
    assert (by_resident.volunteer_id, by_resident.changes[0].actor) == (None, "")
    assert by_resident.changes[1].actor == by_call.changes[0].actor == "佳虹协调员"
