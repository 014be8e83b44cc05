"""The linkage's levels become rows on data: the four levels are seeded in their order, every
department, request and escalation points at the row of the level it had; the database keeps
ranks unique, names filled, one service group's and one committee's level (grassroots and in
use), and refuses deleting a level with history; the downgrade gives the codes back (a level
added later maps to the town or the district by its rank)."""

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

REVISION = "l1nkl3v3l001"
WHEN = "2026-12-01 08:00:00+00:00"


def _request(conn: Any, neighbourhood: int, code: str, level: str, *,
             department: int | None = None) -> int:
    return insert_row(conn, "resident_requests", neighbourhood_id=neighbourhood,
                      reference_code=code, follow_token=f"token-{code}", category="other",
                      channel="form", status="handling", text="路面塌陷", received_at=WHEN,
                      created_at=WHEN, updated_at=WHEN, level=level, department_id=department)


def _level(conn: Any, rank: int, name: str, **values: Any) -> int:
    values = {"name_en": name, "handled_by": "department", "grassroots": False,
              "active": True, **values}
    return insert_row(conn, "linkage_levels", rank=rank, name=name, created_at=WHEN,
                      updated_at=WHEN, **values)


def test_levels_become_rows_keeping_what_each_row_meant(empty_database_url: str) -> None:
    with temporary_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=revision_before(REVISION))
        with db.engine.begin() as conn:
            n = insert_row(conn, "neighbourhoods", town="金桥镇", name="佳虹")
            town = insert_row(conn, "departments", name="镇城建办", level="town_department",
                              active=True, created_at=WHEN, updated_at=WHEN)
            district = insert_row(conn, "departments", name="区房管局", level="district",
                                  active=True, created_at=WHEN, updated_at=WHEN)
            at_group = _request(conn, n, "QOLD0001", "group")
            at_district = _request(conn, n, "QOLD0002", "district", department=district)
            for from_level, to_level, department in (
                    ("group", "neighbourhood", None), ("neighbourhood", "town_department", town),
                    ("town_department", "district", district)):
                insert_row(conn, "resident_request_escalations", request_id=at_district, at=WHEN,
                           from_level=from_level, to_level=to_level, department_id=department,
                           actor="协调员", reason="需要上级协调")

        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        with db.engine.begin() as conn:
            rank_of = dict(conn.execute(sa.text("SELECT id, rank FROM linkage_levels")).all())
            assert sorted(conn.execute(sa.text(
                "SELECT rank, name_en, handled_by, grassroots FROM linkage_levels")).all()) == [
                (1, "Service group", "service_group", True),
                (2, "Neighbourhood committee", "committee", True),
                (3, "Town department", "department", False),
                (4, "District", "department", False)]
            assert {name: rank_of[level] for name, level in conn.execute(sa.text(
                "SELECT name, level_id FROM departments"))} == {"镇城建办": 3, "区房管局": 4}
            assert {r: rank_of[level] for r, level in conn.execute(sa.text(
                "SELECT id, level_id FROM resident_requests"))} == {at_group: 1, at_district: 4}
            assert [(rank_of[a], rank_of[b]) for a, b in conn.execute(sa.text(
                "SELECT from_level_id, to_level_id FROM resident_request_escalations "
                "ORDER BY id"))] == [(1, 2), (2, 3), (3, 4)]
            city = _level(conn, 5, "市级", name_en="City")
            conn.execute(sa.text("UPDATE departments SET level_id = :city WHERE id = :d"),
                         {"city": city, "d": district})
        committee = next(i for i, rank in rank_of.items() if rank == 2)
        refused = [
            lambda conn: _level(conn, 4, "重复的层级"),  # the district's rank
            lambda conn: _level(conn, 6, " "),  # no name
            lambda conn: _level(conn, 6, "片区", name_en=""),
            lambda conn: _level(conn, 6, "第二个居委会", handled_by="committee",
                                grassroots=True),
            lambda conn: conn.execute(sa.text(
                "UPDATE linkage_levels SET grassroots = :f WHERE id = :id"),
                {"f": False, "id": committee}),
            lambda conn: conn.execute(sa.text(
                "DELETE FROM linkage_levels WHERE id = :id"), {"id": committee}),
        ]
        for change in refused:
            with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
                change(conn)

        downgrade(directory=str(MIGRATIONS_DIR), revision=revision_before(REVISION))
        with db.engine.connect() as conn:
            assert "linkage_levels" not in sa.inspect(conn).get_table_names()
            assert dict(conn.execute(sa.text("SELECT name, level FROM departments")).all()) == {
                "镇城建办": "town_department", "区房管局": "district"}
            assert dict(conn.execute(sa.text(
                "SELECT id, level FROM resident_requests")).all()) == {
                at_group: "group", at_district: "district"}
            assert conn.execute(sa.text(
                "SELECT from_level, to_level FROM resident_request_escalations ORDER BY id"
            )).all() == [("group", "neighbourhood"), ("neighbourhood", "town_department"),
                         ("town_department", "district")]
