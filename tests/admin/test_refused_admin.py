"""Refused numbers and addresses in the admin: a coordinator sees those of her own
neighbourhood's messages only, clears one with a reason (recorded with who and why), and the
next message to it is sent again; bad input changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.enums import NotificationChannel, NotificationStatus
from app.models import Notification, RefusalClearance, utcnow
from app.services import notify
from tests.admin.conftest import as_text, quick_login

pytestmark = pytest.mark.integration

OWN_PHONE, FOREIGN_PHONE = "13911112222", "13933334444"


def refuse(db_session, volunteer, phone: str) -> None:
    """What a delivery records when the provider refuses the number for good."""
    volunteer.phone, volunteer.email = phone, None
    db_session.add(Notification(
        template="scheduler/publish", channel=NotificationChannel.sms, address=phone,
        status=NotificationStatus.refused, volunteer_id=volunteer.id, attempts=1,
        error="isv.MOBILE_NUMBER_ILLEGAL", updated_at=utcnow() - timedelta(days=1)))
    db_session.flush()


def page(client) -> str:
    response = client.get("/admin/refused/")
    assert response.status_code == 200
    return as_text(response)


def clear(client, token: str, address: str, reason: str) -> str:
    response = client.post("/admin/refused/clear", data={
        "csrf_token": token, "address": address, "reason": reason}, follow_redirects=True)
    assert response.status_code == 200
    return as_text(response)


def test_coordinator_clears_her_own_refused_number(app, client, db_session, world) -> None:
    own, foreign = world.jiahong.rows["volunteer"], world.yongye.rows["volunteer"]
    refuse(db_session, own, OWN_PHONE)
    refuse(db_session, foreign, FOREIGN_PHONE)
    with app.test_request_context():
        blocked = notify.to_volunteer(db_session, own, "scheduler/reminder", title="便民服务日",
                                      line="周六 9:00", url="http://linli.test/x")
    assert blocked.channel == NotificationChannel.none  # refused: nothing goes there
    db_session.commit()
    token = quick_login(client, world.users["coordinator"])

    listed = page(client)
    assert OWN_PHONE in listed and own.name in listed
    assert FOREIGN_PHONE not in listed and "永业" not in listed

    # Bad input: no reason, someone else's number, a number that is not refused.
    assert "请说明" in clear(client, token, OWN_PHONE, "   ")
    assert "没有任何改动" in clear(client, token, FOREIGN_PHONE, "试试")
    assert "没有任何改动" in clear(client, token, "13900000000", "试试")
    assert client.post("/admin/refused/clear", data={
        "address": OWN_PHONE, "reason": "无令牌"}).status_code == 400
    assert db_session.scalar(select(func.count(RefusalClearance.id))) == 0

    done = clear(client, token, OWN_PHONE, "本人电话确认号码无误")
    assert f"{OWN_PHONE} 在下一条消息时会重新尝试" in done
    [cleared] = db_session.scalars(select(RefusalClearance)).all()
    assert (cleared.address, cleared.user_name, cleared.reason) == (
        OWN_PHONE, "jh-coordinator", "本人电话确认号码无误")
    listed = page(client)
    assert "本人电话确认号码无误" in listed  # the audit, on the page
    assert listed.count(OWN_PHONE) == 1  # only in the cleared list now
    with app.test_request_context():
        again = notify.to_volunteer(db_session, own, "scheduler/reminder", title="便民服务日",
                                    line="周六 9:00", url="http://linli.test/x")
    assert (again.channel, again.address) == (NotificationChannel.sms, OWN_PHONE)


def test_the_town_admin_sees_all_and_others_are_kept_out(client, db_session, world) -> None:
    refuse(db_session, world.jiahong.rows["volunteer"], OWN_PHONE)
    refuse(db_session, world.yongye.rows["volunteer"], FOREIGN_PHONE)
    db_session.commit()
    quick_login(client, world.users["admin"])
    listed = page(client)
    assert OWN_PHONE in listed and FOREIGN_PHONE in listed
    for role in ("team_lead", "volunteer"):
        other = client.application.test_client()
        token = quick_login(other, world.users[role])
        assert other.get("/admin/refused/").status_code == 403
        assert other.post("/admin/refused/clear", data={
            "csrf_token": token, "address": OWN_PHONE, "reason": "试试"}).status_code == 403
    assert db_session.scalar(select(func.count(RefusalClearance.id))) == 0
