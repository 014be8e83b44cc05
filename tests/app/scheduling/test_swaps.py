"""Drop and swap (换班/退出) end to end: the volunteer asks in the portal (opened from the link in
a message, no account), the coordinator approves or refuses in the admin, the seat is offered or
handed over, everyone concerned is told, and the calendar feed follows."""

from __future__ import annotations

import re
from datetime import timedelta

import icalendar
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import AssignmentStatus, Role, ShiftChangeStatus
from app.models import Assignment, HelpRequest, Notification, ShiftChangeRequest, utcnow
from app.services import links
from tests import factories
from tests.admin.conftest import quick_login
from tests.app.scheduling.builders import build_town
from tests.helpers import csrf_token, csrf_token_from

pytestmark = pytest.mark.integration


@pytest.fixture
def town(db_session: Session):
    town = build_town(db_session, volunteers=5, stations=1, seats=2, skills=1)
    shift = town.shifts[0]
    shift.min_volunteers = 1
    for volunteer in town.volunteers:
        volunteer.locale = "zh_CN"
    a, b, *others = town.volunteers
    first = factories.make_assignment(db_session, shift, a, status=AssignmentStatus.confirmed)
    second = factories.make_assignment(db_session, shift, b, status=AssignmentStatus.confirmed)
    coordinator = factories.make_user(db_session, role=Role.coordinator,
                                      username="jh-coordinator", email="zhu@jinqiao.test",
                                      neighbourhoods=[town.neighbourhood])
    other_hood = factories.make_neighbourhood(db_session, name="永业")
    outsider = factories.make_user(db_session, role=Role.coordinator, username="yy-coordinator",
                                   neighbourhoods=[other_hood])
    db_session.flush()
    return {"town": town, "shift": shift, "first": first, "second": second,
            "others": others, "coordinator": coordinator, "outsider": outsider}


def open_portal(client: FlaskClient, assignment: Assignment) -> None:
    volunteer = assignment.volunteer
    with client.application.app_context():
        url = links.portal_url(volunteer.id, volunteer.feed_token)
    response = client.get(url.removeprefix("http://linli.test"))
    assert response.status_code == 302


def ask(client: FlaskClient, assignment: Assignment, *, offered: bool = True,
        typed_wrong: bool = False, **form: str) -> str:
    """The answer page; `typed_wrong`: refused for what was typed, the form shown again."""
    page = client.get("/portal/").get_data(as_text=True)
    assert (f'action="/portal/assignments/{assignment.id}/change' in page) == offered
    response = client.post(f"/portal/assignments/{assignment.id}/change", data={
        "csrf_token": csrf_token(client, "/portal/"), **form}, follow_redirects=True)
    assert response.status_code == (400 if typed_wrong else 200)
    return response.get_data(as_text=True)


def decide(client: FlaskClient, user, request_id: int, action: str) -> str:
    """The coordinator, in a browser of her own."""
    client = client.application.test_client()
    token = quick_login(client, user)
    response = client.post("/admin/shiftchangerequest/action/", data={
        "action": action, "rowid": str(request_id), "csrf_token": token},
        follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def messages(session: Session, template: str) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.template == template)
                                .order_by(Notification.id)))


def feed_entry(client: FlaskClient, assignment: Assignment) -> icalendar.Event:
    body = client.get(f"/feeds/v/{assignment.volunteer.feed_token}.ics").data
    [entry] = [e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
               if str(e["UID"]).startswith(f"assignment-{assignment.id}@")]
    return entry


def test_drop_below_minimum_needs_approval_anyway_then_the_seat_is_offered(
        client: FlaskClient, db_session: Session, town) -> None:
    first, shift = town["first"], town["shift"]
    shift.min_volunteers = 2
    db_session.flush()
    before = feed_entry(client, first)
    open_portal(client, first)
    page = ask(client, first, kind="drop", reason="孙子发烧")
    assert "由协调员决定您是否可以退出" in page
    [request] = db_session.scalars(select(ShiftChangeRequest)).all()
    assert request.status == ShiftChangeStatus.open and request.colleague_id is None
    [asked] = messages(db_session, "scheduler/change_asked")
    assert asked.user_id == town["coordinator"].id and "孙子发烧" in asked.body
    # Still on the shift until the coordinator decides; the page says so, and asking again
    # (a second tab) is refused.
    assert "您已申请退出这个班次，正在等待协调员处理" in ask(client, first, offered=False,
                                                             kind="drop")
    assert "您已经为这个班次提交过申请" in ask(client, first, offered=False, kind="drop")

    # The coordinator of another neighbourhood cannot decide it.
    page = decide(client, town["outsider"], request.id, "approve")
    assert "所选申请中没有需要处理的" in page
    # Approving would leave 1 of the 2 the shift needs: refused, nothing changed.
    page = decide(client, town["coordinator"], request.id, "approve")
    assert "少于最少需要的 2 人" in page
    db_session.expire_all()
    assert request.status == ShiftChangeStatus.open
    assert first.status == AssignmentStatus.confirmed
    # Knowingly: approved, released, the seat offered to the free eligible volunteers.
    page = decide(client, town["coordinator"], request.id, "approve_anyway")
    assert "空出的位置已发给 3 位" in page and "低于最少人数" in page
    db_session.expire_all()
    assert request.status == ShiftChangeStatus.approved
    assert request.decided_by_id == town["coordinator"].id
    assert first.status == AssignmentStatus.cancelled
    offer = db_session.get(HelpRequest, request.help_request_id)
    assert offer.asked == 3 and offer.shift_id == shift.id
    assert {m.volunteer_id for m in messages(db_session, "scheduler/help")} == {
        v.id for v in town["others"]}
    [approved] = messages(db_session, "scheduler/change_approved")
    assert approved.volunteer_id == first.volunteer_id
    # The volunteer's calendar: the same entry, CANCELLED, newer.
    after = feed_entry(client, first)
    assert after["STATUS"] == "CANCELLED" and after["SEQUENCE"] > before["SEQUENCE"]
    # Deciding again changes nothing.
    assert "这个申请已经处理过或已撤回" in decide(client, town["coordinator"], request.id,
                                                 "refuse")


def answer_shown(page: str) -> str:
    [shown] = re.findall(r'<div class="alert alert-\w+" role="alert">(.*?)</div>', page, re.S)
    return shown


def test_swap_answer_never_says_whether_or_whose_a_number_is(
        client: FlaskClient, db_session: Session, town) -> None:
    """Typing numbers into the swap form once turned any volunteer's number into their name
    ("no volunteer has this number", "志愿者1 cannot take this shift"): now a number nobody
    has, the number of a volunteer who cannot take the shift and a colleague's get the same
    answer, with no name; the coordinator sees who it is and decides."""
    first, second, colleague = town["first"], town["second"], town["others"][0]
    names = [v.name for v in town["town"].volunteers if v.id != first.volunteer_id]
    open_portal(client, first)
    # Bad input: a clear message, nothing recorded.
    assert "请填写同事的 11 位手机号" in ask(client, first, kind="swap", colleague_phone="123",
                                             typed_wrong=True)
    assert "这是您自己的号码" in ask(client, first, kind="swap", typed_wrong=True,
                                     colleague_phone=first.volunteer.phone)
    assert db_session.scalars(select(ShiftChangeRequest)).all() == []

    answers = []
    for phone, has_it in (("13000000000", None), (second.volunteer.phone, second.volunteer),
                          (colleague.phone, colleague)):
        page = ask(client, first, kind="swap", colleague_phone=phone)
        answers.append(answer_shown(page).replace(phone, "<number>"))
        assert not any(name in page for name in names)
        assert f"您已申请把这个班次换给手机号为 {phone} 的同事" in page
        request = db_session.scalar(select(ShiftChangeRequest).where(
            ShiftChangeRequest.status == ShiftChangeStatus.open))
        assert request.colleague_phone == phone and request.is_swap
        assert request.colleague_id == (has_it.id if has_it else None)
        told = messages(db_session, "scheduler/change_asked")[-1]
        if has_it is None:
            assert "13000000000" in told.body and "没有在册志愿者使用这个号码" in told.body
            # Approving cannot hand the seat to nobody: the coordinator is told, and refuses.
            assert "没有在册志愿者使用换班填写的手机号 13000000000" in decide(
                client, town["coordinator"], request.id, "approve")
        elif has_it is second.volunteer:
            assert second.volunteer.name in told.body
            assert f"{second.volunteer.name}目前不能接这个班次" in decide(
                client, town["coordinator"], request.id, "approve")
        else:
            break
        decide(client, town["coordinator"], request.id, "refuse")
        db_session.expire_all()
        assert request.status == ShiftChangeStatus.refused
        assert first.status == AssignmentStatus.confirmed
    assert answers[0] == answers[1] == answers[2]
    assert "如果 <number> 是一位能接这个班次的志愿者的号码" in answers[0]

    page = decide(client, town["coordinator"], request.id, "approve")
    assert f"已交给{colleague.name}" in page
    db_session.expire_all()
    handed = db_session.scalar(select(Assignment).where(
        Assignment.shift_id == town["shift"].id, Assignment.volunteer_id == colleague.id))
    assert handed.status == AssignmentStatus.pending
    assert first.status == AssignmentStatus.cancelled
    assert [m.volunteer_id for m in messages(db_session, "scheduler/publish")] == [colleague.id]
    [approved] = messages(db_session, "scheduler/change_approved")
    assert colleague.name in approved.body
    assert messages(db_session, "scheduler/help") == []  # nobody else is bothered


def test_refused_and_withdrawn_requests_keep_the_volunteer_on(
        client: FlaskClient, db_session: Session, town) -> None:
    first, second = town["first"], town["second"]
    open_portal(client, first)
    ask(client, first, kind="drop")
    [request] = db_session.scalars(select(ShiftChangeRequest)).all()
    page = decide(client, town["coordinator"], request.id, "refuse")
    assert "继续留在这个班次上" in page
    db_session.expire_all()
    assert request.status == ShiftChangeStatus.refused
    assert first.status == AssignmentStatus.confirmed
    [told] = messages(db_session, "scheduler/change_refused")
    assert told.volunteer_id == first.volunteer_id

    client = client.application.test_client()  # the other volunteer's phone
    open_portal(client, second)
    ask(client, second, kind="drop")
    mine = db_session.scalar(select(ShiftChangeRequest).where(
        ShiftChangeRequest.volunteer_id == second.volunteer_id))
    # Someone else's request or assignment: 404.
    assert client.post(f"/portal/assignments/{first.id}/change", data={
        "csrf_token": csrf_token(client, "/portal/"), "kind": "drop"}).status_code == 404
    response = client.post(f"/portal/changes/{mine.id}/withdraw", data={
        "csrf_token": csrf_token(client, "/portal/")}, follow_redirects=True)
    assert "您的申请已撤回" in response.get_data(as_text=True)
    db_session.expire_all()
    assert mine.status == ShiftChangeStatus.withdrawn
    assert second.status == AssignmentStatus.confirmed


def test_only_confirmed_shifts_not_yet_begun(client: FlaskClient, db_session: Session,
                                             town) -> None:
    first = town["first"]
    first.status = AssignmentStatus.pending
    db_session.flush()
    open_portal(client, first)
    page = client.get("/portal/").get_data(as_text=True)
    assert f'action="/portal/assignments/{first.id}/change' not in page
    response = client.post(f"/portal/assignments/{first.id}/change", data={
        "csrf_token": csrf_token(client, "/portal/"), "kind": "drop"}, follow_redirects=True)
    assert "只有已确认的班次才能申请退出或换班" in response.get_data(as_text=True)
    first.status = AssignmentStatus.confirmed
    town["shift"].start_at = utcnow() - timedelta(minutes=5)
    db_session.flush()
    response = client.post(f"/portal/assignments/{first.id}/change", data={
        "csrf_token": csrf_token(client, "/portal/"), "kind": "drop"}, follow_redirects=True)
    assert "这个班次已经开始" in response.get_data(as_text=True)
    assert db_session.scalars(select(ShiftChangeRequest)).all() == []


def answer(client: FlaskClient, assignment: Assignment, action: str) -> None:
    """The volunteer's answer through the link in their message."""
    with client.application.test_request_context():
        path = links.respond_url(assignment).removeprefix("http://linli.test")
    html = client.get(path).get_data(as_text=True)
    response = client.post(f"{path}/{action}", data={"csrf_token": csrf_token_from(html)})
    assert response.status_code == 302


def test_auto_approved_swap_then_the_colleague_declines(
        client: FlaskClient, db_session: Session, town) -> None:
    first, shift = town["first"], town["shift"]
    colleague, *rest = town["others"]
    shift.event.swaps_auto_approve = True
    db_session.flush()
    open_portal(client, first)
    page = ask(client, first, kind="swap", colleague_phone=colleague.phone)
    assert f"班次已交给手机号为 {colleague.phone} 的同事" in page
    assert colleague.name not in page
    [request] = db_session.scalars(select(ShiftChangeRequest)).all()
    assert request.status == ShiftChangeStatus.approved and request.decided_by_id is None
    db_session.expire_all()
    assert first.status == AssignmentStatus.cancelled
    handed = db_session.scalar(select(Assignment).where(
        Assignment.shift_id == shift.id, Assignment.volunteer_id == colleague.id))
    assert handed.status == AssignmentStatus.pending
    [done] = messages(db_session, "scheduler/change_auto_approved")
    assert done.user_id == town["coordinator"].id and colleague.name in done.body
    assert messages(db_session, "scheduler/change_asked") == []

    # The colleague declines through the link in their message: the seat is offered to the
    # eligible free volunteers (not to the one who asked to leave), as for a drop.
    answer(client.application.test_client(), handed, "decline")
    db_session.expire_all()
    assert handed.status == AssignmentStatus.declined
    offer = db_session.get(HelpRequest, request.help_request_id)
    assert offer is not None and offer.shift_id == shift.id and offer.asked == len(rest)
    assert {m.volunteer_id for m in messages(db_session, "scheduler/help")} == {
        v.id for v in rest}
    assert colleague.name in request.outcome


def test_auto_approval_never_goes_below_the_minimum(
        client: FlaskClient, db_session: Session, town) -> None:
    first, second, shift = town["first"], town["second"], town["shift"]
    shift.event.swaps_auto_approve = True
    shift.min_volunteers = 2
    db_session.flush()
    open_portal(client, first)
    page = ask(client, first, kind="drop")
    assert "由协调员决定您是否可以退出" in page  # left for the coordinator to decide
    [request] = db_session.scalars(select(ShiftChangeRequest)).all()
    assert request.status == ShiftChangeStatus.open
    assert [m.user_id for m in messages(db_session, "scheduler/change_asked")] == [
        town["coordinator"].id]
    assert messages(db_session, "scheduler/change_auto_approved") == []
    db_session.expire_all()
    assert first.status == AssignmentStatus.confirmed

    # With the minimum kept, a drop is done at once and the seat offered.
    shift.min_volunteers = 1
    db_session.flush()
    second_phone = client.application.test_client()
    open_portal(second_phone, second)
    page = ask(second_phone, second, kind="drop")
    assert "您已退出这个班次" in page
    db_session.expire_all()
    assert second.status == AssignmentStatus.cancelled
    assert {m.volunteer_id for m in messages(db_session, "scheduler/help")} == {
        v.id for v in town["others"]}
