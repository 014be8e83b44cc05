"""The monthly totals' migration back-fills them from a ledger already there, and new entries
add to the back-filled months."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy.orm import Session

from app.database import MIGRATIONS_DIR
from app.enums import HoursKind
from app.extensions import db
from app.models import HoursEntry
from tests.conftest import temporary_app
from tests.migrations import revision_before

pytestmark = pytest.mark.integration

REVISION = "h0ur5m0nth01"
NOW = "2026-12-01 08:00:00+00:00"
#: (volunteer, kind, minutes, service day): two volunteers over a month end.
LEDGER = [
    (0, "attendance", 180, "2026-10-31"), (0, "change", -30, "2026-10-31"),
    (0, "attendance", 120, "2026-11-01"), (0, "correction", 45, "2026-11-30"),
    (1, "attendance", 60, "2026-11-15"), (1, "correction", -60, "2026-11-16"),
]


def _months(connection) -> set[tuple]:
    return {(v, str(m), minutes, shifts, fixed) for v, m, minutes, shifts, fixed in
            connection.execute(sa.text(
                "SELECT volunteer_id, month, minutes, shifts, corrected_minutes "
                "FROM hours_months"))}


def test_the_migration_back_fills_the_months_and_goes_back(empty_database_url) -> None:
    before = revision_before(REVISION)
    with temporary_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=before)
        with db.engine.begin() as conn:
            place = conn.execute(sa.text(
                "INSERT INTO neighbourhoods (town, name) VALUES ('金桥镇', '佳虹') RETURNING id"
            )).scalar_one()
            people = [conn.execute(sa.text(
                "INSERT INTO volunteers (name, name_sort, phone, neighbourhood_id, "
                "max_minutes_per_week, max_shifts_per_week, is_party_member, "
                "is_dual_registered, locale, feed_token, active, notes, created_at, updated_at) "
                "VALUES (:name, '', :phone, :n, 480, 4, :f, :f, 'zh_CN', :token, :t, '', :w, :w) "
                "RETURNING id"), {"name": f"志愿者{i}", "phone": f"1390000000{i}", "n": place,
                                  "token": f"token{i}", "f": False, "t": True, "w": NOW}
            ).scalar_one() for i in range(2)]
            for who, kind, minutes, day in LEDGER:
                conn.execute(sa.text(
                    "INSERT INTO hours_entries (volunteer_id, kind, minutes, service_on, "
                    "activity, reason, created_at) VALUES (:v, :k, :m, :d, '服务', :r, :w)"),
                    {"v": people[who], "k": kind, "m": minutes, "d": day, "w": NOW,
                     "r": None if kind == "attendance" else "补录"})

        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        ann, bo = people
        expected = {(ann, "2026-10-01", 150, 1, 0), (ann, "2026-11-01", 165, 1, 45),
                    (bo, "2026-11-01", 0, 1, -60)}
        with db.engine.connect() as conn:
            assert _months(conn) == expected
        # From now on the ORM adds each new entry to its month.
        with Session(db.engine) as session:
            session.add(HoursEntry(volunteer_id=bo, kind=HoursKind.attendance, minutes=90,
                                   service_on=date(2026, 11, 20), activity="服务"))
            session.commit()
        with db.engine.connect() as conn:
            assert _months(conn) == expected - {(bo, "2026-11-01", 0, 1, -60)} | {
                (bo, "2026-11-01", 90, 2, -60)}

        downgrade(directory=str(MIGRATIONS_DIR), revision=before)
        assert "hours_months" not in sa.inspect(db.engine).get_table_names()
        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        with db.engine.connect() as conn:
            assert _months(conn) == expected - {(bo, "2026-11-01", 0, 1, -60)} | {
                (bo, "2026-11-01", 90, 2, -60)}
