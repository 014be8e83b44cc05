"""The service-group merge (issue 12) on data: every team of kind "service_group" becomes its
neighbourhood's ServiceGroup, nothing else is touched, and the downgrade gives the teams back."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.database import MIGRATIONS_DIR
from app.extensions import db
from tests.conftest import temporary_app
from tests.migrations import insert_row, revision_before

pytestmark = pytest.mark.integration

REVISION = "grp1s3rv1c3"
WHEN = "2026-12-01 08:00:00+00:00"


def _link(conn: Any, table: str, **values: Any) -> None:
    columns = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    conn.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), values)


def _volunteer(conn: Any, name: str, neighbourhood: int) -> int:
    return insert_row(conn, "volunteers", name=name, neighbourhood_id=neighbourhood,
                      max_minutes_per_week=600, max_shifts_per_week=3, is_party_member=True,
                      is_dual_registered=False, locale="zh_CN", feed_token=f"tok-{name}",
                      active=True, created_at=WHEN, updated_at=WHEN, name_sort=name)


def _team(conn: Any, name: str, kind: str, neighbourhood: int | None) -> int:
    return insert_row(conn, "teams", name=name, kind=kind, town="金桥镇",
                      neighbourhood_id=neighbourhood, feed_token=f"team-{name}")


def _shift(conn: Any, event: int, title: str, team: int) -> int:
    return insert_row(conn, "shifts", event_id=event, title=title, start_at=WHEN,
                      end_at="2026-12-01 10:00:00+00:00", min_volunteers=1, max_volunteers=2,
                      priority=1, created_at=WHEN, updated_at=WHEN, sequence=0, team_id=team)


def _rows(conn: Any, sql: str, **params: Any) -> list[Any]:
    return [tuple(r) for r in conn.execute(sa.text(sql), params)]


def _before(conn: Any) -> dict[str, int]:
    jiahong = insert_row(conn, "neighbourhoods", town="金桥镇", name="佳虹")
    yongye = insert_row(conn, "neighbourhoods", town="金桥镇", name="永业")
    ids = {"jiahong": jiahong, "yongye": yongye}
    for name, n in (("甲", jiahong), ("乙", jiahong), ("丙", jiahong), ("丁", yongye)):
        ids[name] = _volunteer(conn, name, n)
    # Jiahong's team and the group of the same name (with a member of its own).
    ids["team"] = _team(conn, "佳虹居民区团组", "service_group", jiahong)
    ids["group"] = insert_row(
        conn, "service_groups", neighbourhood_id=jiahong, name="佳虹居民区团组",
        kind="party_posts")
    for v in ("甲", "乙"):
        _link(conn, "team_members", team_id=ids["team"], volunteer_id=ids[v])
    for v in ("乙", "丙"):
        _link(conn, "service_group_members", group_id=ids["group"], volunteer_id=ids[v])
    conn.execute(sa.text("UPDATE teams SET lead_id = :v WHERE id = :t"),
                 {"v": ids["甲"], "t": ids["team"]})
    # Yongye's team has no group of its name; a town-wide one belongs to no neighbourhood.
    ids["yongye_team"] = _team(conn, "永业居民区团组", "service_group", yongye)
    _link(conn, "team_members", team_id=ids["yongye_team"], volunteer_id=ids["丁"])
    ids["town_team"] = _team(conn, "镇团组", "service_group", None)
    # A professional team: untouched, members and shifts included.
    ids["repair"] = _team(conn, "物业维修队", "repair", None)
    _link(conn, "team_members", team_id=ids["repair"], volunteer_id=ids["甲"])
    event = insert_row(conn, "events", neighbourhood_id=jiahong, kind="patrol", title="小区巡查",
                       start_at=WHEN, end_at="2026-12-01 10:00:00+00:00", is_public=False,
                       status="published", waitlist_enabled=False, max_party_size=1,
                       created_at=WHEN, updated_at=WHEN, sequence=0, swaps_auto_approve=False)
    ids["patrol"] = _shift(conn, event, "巡查", ids["team"])
    ids["fix"] = _shift(conn, event, "维修", ids["repair"])
    template = insert_row(conn, "event_templates", name="巡查模板", kind="patrol", title="巡查",
                          start_time="08:00:00", is_public=False, waitlist_enabled=False,
                          max_party_size=1, created_at=WHEN, updated_at=WHEN)
    ids["item"] = insert_row(conn, "template_items", template_id=template, title="巡查",
                             team_id=ids["team"], day_offset=0, start_offset_minutes=0,
                             duration_minutes=120, min_volunteers=1, max_volunteers=2, priority=1,
                             slot_capacity=0)
    user = insert_row(conn, "users", username="lead", display_name="组长", password_hash="x",
                      role="team_lead", active=True, session_version=0, failed_logins=0,
                      created_at=WHEN, updated_at=WHEN)
    ids["user"] = user
    for team in (ids["team"], ids["repair"]):
        _link(conn, "user_teams", user_id=user, team_id=team)
    _link(conn, "feed_tombstones", uid="team-shift-99", team_id=ids["team"], summary="旧",
          start_at=WHEN, end_at=WHEN, sequence=1, removed_at=WHEN)
    return ids


def test_service_group_teams_become_service_groups_and_come_back(
        empty_database_url: str) -> None:
    with temporary_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=revision_before(REVISION))
        with db.engine.begin() as conn:
            ids = _before(conn)

        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        with db.engine.connect() as conn:
            teams = _rows(conn, "SELECT name, kind FROM teams ORDER BY name")
            assert teams == [("物业维修队", "repair"), ("镇团组", "other")]
            members = _rows(conn, "SELECT volunteer_id FROM service_group_members"
                                  " WHERE group_id = :g ORDER BY volunteer_id", g=ids["group"])
            assert members == [(ids["甲"],), (ids["乙"],), (ids["丙"],)]
            [(yongye_group, kind)] = _rows(
                conn, "SELECT id, kind FROM service_groups WHERE neighbourhood_id = :n"
                      " AND name = '永业居民区团组'", n=ids["yongye"])
            assert kind == "resident_volunteers"
            assert _rows(conn, "SELECT volunteer_id FROM service_group_members"
                               " WHERE group_id = :g", g=yongye_group) == [(ids["丁"],)]
            shifts = dict(_rows(conn, "SELECT id, service_group_id FROM shifts"))
            assert shifts == {ids["patrol"]: ids["group"], ids["fix"]: None}
            assert _rows(conn, "SELECT team_id FROM shifts WHERE id = :s",
                         s=ids["fix"]) == [(ids["repair"],)]
            assert _rows(conn, "SELECT team_id FROM template_items") == [(None,)]
            assert _rows(conn, "SELECT team_id FROM user_teams") == [(ids["repair"],)]
            assert _rows(conn, "SELECT volunteer_id FROM team_members") == [(ids["甲"],)]
            assert _rows(conn, "SELECT count(*) FROM feed_tombstones") == [(0,)]

        # The database itself refuses the kind, and a shift reserved for both.
        for statement in (
            "INSERT INTO teams (name, kind, town, feed_token)"
            " VALUES ('又一个团组', 'service_group', '金桥镇', 'tok-new')",
            f"UPDATE shifts SET service_group_id = {ids['group']} WHERE id = {ids['fix']}",
        ):
            with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as conn:
                conn.execute(sa.text(statement))

        downgrade(directory=str(MIGRATIONS_DIR), revision=revision_before(REVISION))
        with db.engine.connect() as conn:
            assert "service_group_id" not in {
                c["name"] for c in sa.inspect(conn).get_columns("shifts")}
            [(team, kind)] = _rows(conn, "SELECT t.id, t.kind FROM teams t JOIN shifts s"
                                         " ON s.team_id = t.id WHERE s.id = :s",
                                   s=ids["patrol"])
            assert kind == "service_group"
            assert _rows(conn, "SELECT volunteer_id FROM team_members WHERE team_id = :t"
                               " ORDER BY volunteer_id", t=team) == [
                (ids["甲"],), (ids["乙"],), (ids["丙"],)]
            assert _rows(conn, "SELECT volunteer_id FROM team_members WHERE team_id = :t",
                         t=ids["repair"]) == [(ids["甲"],)]
        upgrade(directory=str(MIGRATIONS_DIR))
