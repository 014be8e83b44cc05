"""The portal's inbox: every message recorded for the volunteer, also one that could not leave
(no usable contact details), newest first; nobody else's."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from app.enums import NotificationChannel
from app.services import links, notify
from tests import factories

pytestmark = pytest.mark.integration


def _open(client: FlaskClient, volunteer) -> None:
    with client.application.app_context():
        url = links.portal_url(volunteer.id, volunteer.feed_token)
    assert client.get(url.removeprefix("http://linli.test")).status_code == 302


def test_inbox_shows_my_messages_only(client: FlaskClient, db_session: Session, app) -> None:
    me = factories.make_volunteer(db_session, name="郭琴", email=None, phone=None,
                                  locale="zh_CN")
    other = factories.make_volunteer(db_session, name="李明", email="li@example.cn")
    with app.app_context():
        unsent = notify.to_volunteer(db_session, me, "scheduler/changed", title="学雷锋服务日",
                                     line="3月5日 09:00 理发 <新时间>",
                                     url="http://linli.test/respond/a/TOKEN")
        notify.to_volunteer(db_session, other, "scheduler/cancelled", title="别人的活动",
                            line="3月6日 09:00 量血压")
        db_session.commit()
    assert unsent.channel == NotificationChannel.none
    _open(client, me)
    index = client.get("/portal/").get_data(as_text=True)
    assert 'id="inbox-link"' in index and "本周 1 条" in index
    page = client.get("/portal/inbox").get_data(as_text=True)
    assert f'id="message-{unsent.id}"' in page
    assert "只在这里显示" in page  # it could not be sent anywhere else
    assert "&lt;新时间&gt;" in page and "<新时间>" not in page
    assert ('<a href="http://linli.test/respond/a/TOKEN">http://linli.test/respond/a/TOKEN</a>'
            in page)
    assert "别人的活动" not in page


def test_inbox_needs_the_volunteer(client: FlaskClient) -> None:
    response = client.get("/portal/inbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
