"""The routing rules' table on data: existing requests keep their history (no routing said);
the database takes one rule per category and neighbourhood and one town-wide rule per
category, each naming one target, a town-wide one a department; the downgrade drops the
table and the history's column and keeps the requests."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from app.database import MIGRATIONS_DIR
from app.extensions import db
from tests.conftest import temporary_app
from tests.migrations import insert_row

pytestmark = pytest.mark.integration

REVISION = "r0ut1ngru1e5"
WHEN = "2026-12-01 08:00:00+00:00"


def _previous() -> str:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_revision(REVISION).down_revision


def _rule(conn: Any, category: str, neighbourhood: int | None, *, group: int | None = None,
          department: int | None = None) -> int:
    return insert_row(conn, "request_routing_rules", category=category,
                      neighbourhood_id=neighbourhood, service_group_id=group,
                      department_id=department, created_at=WHEN, updated_at=WHEN)


def test_rules_are_one_per_category_and_place_and_the_downgrade_keeps_requests(
        empty_database_url: str) -> None:
    with temporary_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=_previous())
        with db.engine.begin() as conn:
            jiahong = insert_row(conn, "neighbourhoods", town="金桥镇", name="佳虹")
            yongye = insert_row(conn, "neighbourhoods", town="金桥镇", name="永业")
            group = insert_row(conn, "service_groups", neighbourhood_id=jiahong, name="维修组",
                               kind="resident_volunteers")
            department = insert_row(conn, "departments", name="镇市政所", level="town_department",
                                    active=True, created_at=WHEN, updated_at=WHEN)
            request = insert_row(conn, "resident_requests", neighbourhood_id=jiahong,
                                 reference_code="QOLD0001", follow_token="token-old",
                                 category="property_repair", channel="form", status="received",
                                 text="楼道灯坏了", received_at=WHEN, created_at=WHEN,
                                 updated_at=WHEN)
            insert_row(conn, "resident_request_changes", request_id=request, at=WHEN,
                       to_status="received", actor="")

        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        with db.engine.begin() as conn:
            assert conn.execute(sa.text(
                "SELECT routing FROM resident_request_changes")).scalars().all() == [None]
            _rule(conn, "property_repair", jiahong, group=group)
            _rule(conn, "property_repair", yongye, department=department)
            _rule(conn, "property_repair", None, department=department)
        refused = [
            dict(category="property_repair", neighbourhood=jiahong, department=department),
            dict(category="property_repair", neighbourhood=None, department=department),
            dict(category="safety", neighbourhood=None, group=group),
            dict(category="safety", neighbourhood=jiahong),
            dict(category="safety", neighbourhood=jiahong, group=group, department=department),
        ]
        for values in refused:
            with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
                _rule(conn, values.pop("category"), values.pop("neighbourhood"), **values)
        with db.engine.connect() as conn:
            assert conn.execute(sa.text(
                "SELECT count(*) FROM request_routing_rules")).scalar_one() == 3

        downgrade(directory=str(MIGRATIONS_DIR), revision=_previous())
        with db.engine.connect() as conn:
            inspector = sa.inspect(conn)
            assert "request_routing_rules" not in inspector.get_table_names()
            assert "routing" not in {c["name"] for c in
                                     inspector.get_columns("resident_request_changes")}
            assert conn.execute(sa.text(
                "SELECT count(*) FROM resident_request_changes")).scalar_one() == 1
