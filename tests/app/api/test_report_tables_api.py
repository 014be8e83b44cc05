"""/api/v1/reports/hours|coverage|visits|requests: the period reports as the CLI computes them,
scoped like the five comparisons."""

from __future__ import annotations

import pytest

from app.enums import Role
from tests.admin.conftest import quick_login
from tests.app.services.reports.town import build_town
from tests.factories import make_user

pytestmark = pytest.mark.integration

PERIOD = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def town(db_session):
    return build_town(db_session)


def test_admin_reads_each_report(client, db_session, town) -> None:
    quick_login(client, make_user(db_session, Role.admin))
    for name in ("hours", "coverage", "visits", "requests"):
        response = client.get(f"/api/v1/reports/{name}?{PERIOD}")
        assert response.status_code == 200, name
        assert response.headers["Cache-Control"] == "no-store"
        assert response.get_json()["report"] == name
    data = client.get(f"/api/v1/reports/requests?{PERIOD}").get_json()
    rows = {r["key"]: r["values"] for r in data["rows"]}
    assert rows["call"] == {**rows["call"], "resolved": 5, "handling": 1, "total": 6}
    assert isinstance(rows["call"]["total"], int)
    assert client.get(f"/api/v1/reports/nonsense?{PERIOD}").status_code == 404


def test_coordinator_reads_own_neighbourhood_only(client, db_session, town) -> None:
    quick_login(client, make_user(db_session, Role.coordinator, neighbourhoods=[town["n2"]]))
    data = client.get(f"/api/v1/reports/visits?{PERIOD}").get_json()
    assert [r["key"] for r in data["rows"]] == [town["c"].id]
    requests = client.get(f"/api/v1/reports/requests?{PERIOD}").get_json()
    assert sum(r["values"]["total"] for r in requests["rows"]) == 0
    response = client.get(f"/api/v1/reports/visits?{PERIOD}&neighbourhood={town['n1'].id}")
    assert response.status_code == 404


@pytest.mark.parametrize("role, status", [(None, 401), (Role.volunteer, 403)])
def test_others_are_refused(client, db_session, town, role, status) -> None:
    if role is not None:
        quick_login(client, make_user(db_session, role))
    response = client.get(f"/api/v1/reports/visits?{PERIOD}")
    assert response.status_code == status
    assert "A组" not in response.get_data(as_text=True)


def test_bad_period_is_422(client, db_session, town) -> None:
    quick_login(client, make_user(db_session, Role.admin))
    assert client.get("/api/v1/reports/hours?from=2026-03-31&to=2026-03-01").status_code == 422
