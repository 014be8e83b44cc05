"""/api/v1/reports/five-comparisons: the same figures as the admin page, scoped the same way;
who may not read it gets a problem document in their language."""

from __future__ import annotations

import pytest

from app.enums import Role
from tests.admin.conftest import quick_login
from tests.app.services.reports.town import build_town
from tests.factories import make_team, make_user

pytestmark = pytest.mark.integration

URL = "/api/v1/reports/five-comparisons?from=2026-03-01&to=2026-03-31"


@pytest.fixture
def town(db_session):
    return build_town(db_session)


def test_admin_reads_every_group_with_trend(client, db_session, town) -> None:
    quick_login(client, make_user(db_session, Role.admin))
    response = client.get(URL)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert (data["from"], data["to"], data["previous_from"]) == (
        "2026-03-01", "2026-03-31", "2026-01-29")
    groups = {g["group"]: g for g in data["groups"]}
    assert set(groups) == {"A组", "B组", "C组"}
    a = groups["A组"]
    assert (a["contacts"], a["never_contacted"], a["rank"], a["ranks"]["contacts"]) == (
        4, 1, 1, 1)
    assert a["request_hours"] == pytest.approx(188.0)
    assert isinstance(a["trend"], int)
    one = client.get(f"{URL}&neighbourhood={town['n2'].id}").get_json()
    assert [g["group"] for g in one["groups"]] == ["C组"]
    assert client.get(f"{URL}&neighbourhood=999999").status_code == 404


def test_coordinator_reads_own_groups_only(client, db_session, town) -> None:
    quick_login(client, make_user(db_session, Role.coordinator, neighbourhoods=[town["n1"]]))
    data = client.get(URL).get_json()
    assert [g["group"] for g in data["groups"]] == ["A组", "B组"]
    response = client.get(f"{URL}&neighbourhood={town['n2'].id}")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


@pytest.mark.parametrize("role, status", [(None, 401), (Role.team_lead, 403),
                                          (Role.volunteer, 403)])
def test_others_are_refused(client, db_session, town, role, status) -> None:
    if role is not None:
        teams = [make_team(db_session)] if role == Role.team_lead else []
        quick_login(client, make_user(db_session, role, teams=teams))
    response = client.get(URL, headers={"Accept-Language": "zh-CN"})
    assert response.status_code == status
    assert "C组" not in response.get_data(as_text=True)


def test_bad_periods_are_422_in_the_users_language(client, db_session, town) -> None:
    quick_login(client, make_user(db_session, Role.admin))
    for query, field in (("from=2026-03-31&to=2026-03-01", "to"),
                         ("from=2020-01-01&to=2026-03-01", "to"),
                         ("from=2026-02-30&to=2026-03-01", "from"),
                         ("to=2026-03-01", "from")):
        response = client.get(f"/api/v1/reports/five-comparisons?{query}",
                              headers={"Accept-Language": "en"})
        assert response.status_code == 422, query
        assert field in str(response.get_json()), query


def test_the_api_and_the_admin_agree_on_who_reads_the_report() -> None:
    from admin import access
    from app.services.reports.five_comparisons import READERS

    readers = {role for role in Role
               if access.READ in access.permissions(role, "FiveComparisons")}
    assert readers == READERS
