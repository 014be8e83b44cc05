"""/api/v1/me/visits: a member's own contacts as JSON, by the bearer token of her portal link
or her portal session, and recording outcomes — the portal's rules, nobody else's visits."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.enums import RoundStatus, VisitOutcome
from app.models import Visit
from app.services import feeds, links
from tests.app.portal.test_portal import open_portal
from tests.app.portal.test_visits import _planned
from tests.factories import make_building, make_volunteer

pytestmark = pytest.mark.integration


def _bearer(app, volunteer) -> dict[str, str]:
    token = links.portal_token(app.config["SECRET_KEY"], volunteer.id, volunteer.feed_token)
    return {"Authorization": f"Bearer {token}"}


def test_list_and_record_with_the_portal_token(client, app, db_session: Session) -> None:
    volunteer = make_volunteer(db_session)
    mine = _planned(db_session, volunteer, name="李阿婆")
    mine.household.building = make_building(db_session, neighbourhood=volunteer.neighbourhood,
                                            number="12")
    mine.household.room = "701"
    _planned(db_session, volunteer, name="草稿阿婆", status=RoundStatus.draft)
    other = _planned(db_session, make_volunteer(db_session), name="别人的阿婆")
    db_session.flush()
    auth = _bearer(app, volunteer)

    response = client.get("/api/v1/me/visits", headers=auth)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert [v["household"]["contact_name"] for v in body] == ["李阿婆"]
    assert body[0]["household"]["building"] == "12" and body[0]["household"]["room"] == "701"
    assert body[0]["outcome"] == "planned" and "categories" not in body[0]["household"]

    recorded = client.post(f"/api/v1/me/visits/{mine.id}/outcome", headers=auth,
                           json={"outcome": "done", "notes": "想参加理发服务"})
    assert recorded.status_code == 200, recorded.get_data(as_text=True)
    assert recorded.get_json()["outcome"] == "done"
    db_session.expire_all()
    visit = db_session.get(Visit, mine.id)
    assert (visit.outcome, visit.notes) == (VisitOutcome.done, "想参加理发服务")

    # Refusals: as problem documents, nothing changed.
    bad = client.post(f"/api/v1/me/visits/{mine.id}/outcome", headers=auth,
                      json={"outcome": "planned"})
    assert bad.status_code == 422 and bad.content_type == "application/problem+json"
    assert client.post(f"/api/v1/me/visits/{other.id}/outcome", headers=auth,
                       json={"outcome": "done"}).status_code == 404
    db_session.expire_all()
    assert db_session.get(Visit, mine.id).outcome == VisitOutcome.done
    assert db_session.get(Visit, other.id).outcome == VisitOutcome.planned


def test_no_token_a_bad_one_or_a_replaced_link_is_401(client, app, db_session) -> None:
    volunteer = make_volunteer(db_session)
    _planned(db_session, volunteer)
    auth = _bearer(app, volunteer)
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic eA=="}):
        response = client.get("/api/v1/me/visits", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    feeds.rotate_volunteer_token(db_session, volunteer)  # replacing the link ends the token
    db_session.flush()
    assert client.get("/api/v1/me/visits", headers=auth).status_code == 401


def test_the_portal_session_works_too(client, app, db_session) -> None:
    volunteer = make_volunteer(db_session)
    _planned(db_session, volunteer, name="张阿婆")
    open_portal(client, app, volunteer)
    response = client.get("/api/v1/me/visits")
    assert response.status_code == 200
    assert response.get_json()[0]["household"]["contact_name"] == "张阿婆"


def test_documented_in_openapi(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/me/visits" in spec["paths"]
    assert "401" in spec["paths"]["/api/v1/me/visits"]["get"]["responses"]
    assert "/api/v1/me/visits/{visit_id}/outcome" in spec["paths"]
