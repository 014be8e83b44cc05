"""Service projects in the admin (own events and organisers only, results on the list) and
`flask projects list`."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.enums import RegistrationStatus
from app.models import Project
from tests import factories as f
from tests.admin.conftest import as_text, quick_login

pytestmark = pytest.mark.integration


def _form(token, neighbourhood, events, organisers, **overrides):
    data = {"csrf_token": token, "neighbourhood": neighbourhood.id, "title": "佳虹政策宣讲",
            "target": "new_residents", "description": "", "starts_on": "2026-11-01",
            "ends_on": "2027-01-31", "organisers": [o.id for o in organisers],
            "events": [e.id for e in events], "goal_events": "4",
            "goal_participants": "150", "report": "", "photo_links": ""}
    data.update(overrides)
    return data


def test_coordinator_builds_a_project_of_own_events(client, db_session, world) -> None:
    token = quick_login(client, world.users["coordinator"])
    own = world.jiahong
    held = f.make_event(db_session, neighbourhood=own.neighbourhood, title="佳虹第一场宣讲",
                        start_at=f.future(-7), end_at=f.future(-7) + timedelta(hours=2))
    f.make_registration(db_session, held, status=RegistrationStatus.attended, party_size=2)
    foreign_event = world.yongye.rows["event"]

    response = client.post("/admin/project/new/", data=_form(
        token, own.neighbourhood, [held, foreign_event], [own.rows["volunteer"]]))
    # The foreign event is not a choice: said so, nothing saved.
    assert response.status_code == 200
    assert "不是有效的选项：所选记录不是您可以在此使用的记录" in as_text(response)
    assert db_session.scalars(select(Project).where(Project.title == "佳虹政策宣讲")
                              ).first() is None
    response = client.post("/admin/project/new/", data=_form(
        token, own.neighbourhood, [held], [own.rows["volunteer"]], ends_on="2026-10-01"))
    assert "结束日期不能早于开始日期" in as_text(response)

    response = client.post("/admin/project/new/", data=_form(
        token, own.neighbourhood, [held], [own.rows["volunteer"]]))
    assert response.status_code == 302
    project = db_session.scalars(select(Project).where(Project.title == "佳虹政策宣讲")).one()
    assert [e.id for e in project.events] == [held.id]
    page = as_text(client.get("/admin/project/"))
    assert "已举办 1 场，目标 4 场（共 1 场）" in page and "2 / 目标 150" in page


def test_cli_lists_projects_with_results(app, db_session, world) -> None:
    result = app.test_cli_runner().invoke(args=["projects", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["title"]: r for r in json.loads(result.output)}
    row = rows["佳虹少儿绘画比赛"]
    assert (row["target"], row["events"], row["goal_events"], row["goal_participants"]) == (
        "children_families", 1, 1, 30)
    table = app.test_cli_runner().invoke(args=["projects", "list"])
    assert "佳虹少儿绘画比赛" in table.output and "participants 0/30" in table.output
