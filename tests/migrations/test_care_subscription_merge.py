"""Care subscriptions become service-package items (issue 14) on data: a running subscription
becomes an item of its household's package (made when there is none), its future visits move
to the item, its past ones stay history that the missed-visit escalation leaves alone, and the
downgrade gives the visits back to the subscriptions."""

from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.database import MIGRATIONS_DIR
from app.extensions import db
from tests.conftest import temporary_app
from tests.migrations import revision_before

pytestmark = pytest.mark.integration

REVISION = "c4r3subm3rg3"
ZONE = ZoneInfo("Asia/Shanghai")


def _migration() -> Any:
    [path] = MIGRATIONS_DIR.glob("versions/*_care_subscriptions_into_packages.py")
    spec = importlib.util.spec_from_file_location("care_merge", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Rows:
    """Inserts with plain SQL, as the schema stood before the migration."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.now = datetime.now(UTC)

    def stamp(self, moment: datetime) -> str:
        moment = moment.astimezone(UTC)
        return moment.strftime("%Y-%m-%d %H:%M:%S") + ("" if self.sqlite else "+00:00")

    def add(self, table: str, **values: Any) -> int:
        if table not in ("skills", "neighbourhoods", "care_packages", "service_package_items"):
            values.setdefault("created_at", self.stamp(self.now))
            values.setdefault("updated_at", self.stamp(self.now))
        columns = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        return self.conn.execute(sa.text(
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id"),
            values).scalar_one()

    def visit(self, neighbourhood: int, household: int, subscription: int | None,
              start: datetime, holder: int | None = None, minutes: int = 60,
              skill: int | None = None) -> int:
        end = start + timedelta(minutes=minutes)
        event = self.add("events", neighbourhood_id=neighbourhood, kind="care_visit",
                         title="上门", start_at=self.stamp(start), end_at=self.stamp(end),
                         is_public=False, status="published", waitlist_enabled=False,
                         max_party_size=1, sequence=0, swaps_auto_approve=False,
                         household_id=household, care_subscription_id=subscription,
                         care_due_on=start.astimezone(ZONE).date().isoformat())
        shift = self.add("shifts", event_id=event, title="上门", start_at=self.stamp(start),
                         end_at=self.stamp(end), min_volunteers=1, max_volunteers=1,
                         priority=2, sequence=0, skill_id=skill)
        if holder is not None:
            self.add("assignments", shift_id=shift, volunteer_id=holder, status="pending",
                     source="manual", pinned=True, sequence=0)
        return event


def _at(day: Any, hour: int, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def _before(rows: Rows) -> dict[str, Any]:
    today = rows.now.astimezone(ZONE).date()
    # The weekday two days on: its next two visits are both ahead, whatever the hour now.
    first = today + timedelta(days=2)
    weekday = first.weekday()
    ids: dict[str, Any] = {"weekday": weekday, "first": first}
    n = ids["n"] = rows.add("neighbourhoods", town="金桥镇", name="佳虹")
    for key in ("h1", "h2", "h3", "h4"):
        ids[key] = rows.add("households", neighbourhood_id=n, address=f"金高路{key}号",
                            contact_name=f"{key}阿婆", members_count=1, unit="")
    ids["v"] = rows.add("volunteers", name="江洁志", neighbourhood_id=n,
                        max_minutes_per_week=600, max_shifts_per_week=3, is_party_member=True,
                        is_dual_registered=False, locale="zh_CN", feed_token="tok-jjz",
                        active=True, name_sort="jiangjiezhi")
    ids["skill"] = rows.add("skills", code="grocery_delivery", name_zh="买菜送米",
                            name_en="Groceries", active=True, requires_qualification=False)
    groceries = rows.add("care_packages", name="买菜送米上门", description="每周买菜送米。",
                         skill_id=ids["skill"], cadence_days=7, duration_minutes=60)
    ids["haircut"] = rows.add("care_packages", name="上门理发", skill_id=None,
                              cadence_days=30, duration_minutes=45)
    start = ids["start"] = (today - timedelta(days=30)).isoformat()
    ids["a"] = rows.add("care_subscriptions", household_id=ids["h1"], package_id=groceries,
                        volunteer_id=ids["v"], starts_on=start, preferred_weekday=weekday,
                        preferred_time="09:30:00", active=True)
    # h2 already has a package: the subscription joins it.
    ids["p2"] = rows.add("service_packages", household_id=ids["h2"], starts_on=start,
                         active=True, notes="原有套餐")
    ids["p2_item"] = rows.add("service_package_items", package_id=ids["p2"],
                              skill_id=ids["skill"], volunteer_id=ids["v"], cadence="weekly",
                              weekday=0, weekdays_mask=0, time_of_day="15:00:00",
                              duration_minutes=60, skip_holidays=False)
    ids["b"] = rows.add("care_subscriptions", household_id=ids["h2"], package_id=ids["haircut"],
                        volunteer_id=None, starts_on=start, preferred_weekday=weekday,
                        preferred_time="14:00:00", active=True)
    ids["c"] = rows.add("care_subscriptions", household_id=ids["h3"], package_id=groceries,
                        volunteer_id=ids["v"], starts_on=start, preferred_weekday=weekday,
                        preferred_time="09:30:00", active=False)
    # A monthly haircut whose next visit falls on another weekday than the one preferred:
    # the item takes that visit's weekday and week of the month, so it keeps the visit.
    ids["monthly_day"] = today + timedelta(days=10)
    ids["d"] = rows.add("care_subscriptions", household_id=ids["h4"], package_id=ids["haircut"],
                        volunteer_id=ids["v"], starts_on=start, preferred_weekday=weekday,
                        preferred_time="14:30:00", active=True)
    ids["monthly"] = rows.visit(n, ids["h4"], ids["d"], _at(ids["monthly_day"], 14),
                                holder=ids["v"], minutes=45)
    ids["past"] = rows.visit(n, ids["h1"], ids["a"], _at(today - timedelta(days=7), 9),
                             holder=ids["v"])
    ids["held"] = rows.visit(n, ids["h1"], ids["a"], _at(first, 9), holder=ids["v"])
    ids["open"] = rows.visit(n, ids["h1"], ids["a"], _at(first + timedelta(days=7), 9))
    ids["inactive"] = rows.visit(n, ids["h3"], ids["c"], _at(first, 11))
    return ids


def _rows(conn: Any, sql: str, **params: Any) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sa.text(sql), params)]


def test_subscriptions_become_package_items_and_come_back(empty_database_url: str) -> None:
    migration = _migration()
    with temporary_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=revision_before(REVISION))
        with db.engine.begin() as conn:
            ids = _before(Rows(conn))

        upgrade(directory=str(MIGRATIONS_DIR), revision=REVISION)
        with db.engine.connect() as conn:
            [(package, notes, starts_on)] = _rows(
                conn, "SELECT id, notes, starts_on FROM service_packages"
                      " WHERE household_id = :h", h=ids["h1"])
            assert (notes, str(starts_on)) == (migration.PACKAGE_NOTES, ids["start"])
            [item] = _rows(conn, "SELECT id, skill_id, volunteer_id, cadence, weekday,"
                                 " duration_minutes, description, care_subscription_id"
                                 " FROM service_package_items WHERE package_id = :p",
                           p=package)
            assert item[1:] == (ids["skill"], ids["v"], "weekly", ids["weekday"], 60,
                                "每周买菜送米。", ids["a"])
            # Its future visits moved: the one its helper holds as it is, the other without
            # a helper (the next generation offers it to her first); the past one did not.
            moved = _rows(conn, "SELECT event_id, helper_id, left_reason, due_on"
                                " FROM package_visits WHERE item_id = :i ORDER BY event_id",
                          i=item[0])
            assert [m[:3] for m in moved] == [(ids["held"], ids["v"], None),
                                              (ids["open"], None, "no_helper")]
            assert str(moved[0][3]) == ids["first"].isoformat()
            assert _rows(conn, "SELECT count(*) FROM package_visits WHERE event_id IN"
                               " (:p, :i)", p=ids["past"], i=ids["inactive"]) == [(0,)]
            # The subscription without a skill joined h2's package, under a skill of its name.
            items = _rows(conn, "SELECT i.care_subscription_id, i.cadence, i.nth, i.volunteer_id,"
                                " i.duration_minutes, s.code FROM service_package_items i"
                                " JOIN skills s ON s.id = i.skill_id WHERE i.package_id = :p"
                                " ORDER BY i.id", p=ids["p2"])
            # Without a visit ahead, the week of the month of its first visit ever (four
            # weeks before `first`: not always the same week of its month).
            first_ever = migration.first_visit(date.fromisoformat(ids["start"]), ids["weekday"])
            nth = (first_ever.day - 1) // 7 + 1
            assert items == [(None, "weekly", None, ids["v"], 60, "grocery_delivery"),
                             (ids["b"], "monthly", nth if nth <= 4 else -1, None, 45,
                              f"care_package_{ids['haircut']}")]
            day = ids["monthly_day"]
            [(skill, weekday, nth)] = _rows(
                conn, "SELECT i.skill_id, i.weekday, i.nth FROM service_package_items i"
                      " WHERE i.care_subscription_id = :d", d=ids["d"])
            week_of_month = (day.day - 1) // 7 + 1
            assert (weekday, nth) == (day.weekday(), week_of_month if week_of_month <= 4 else -1)
            # Its visit asks for the skill made for the package, as the item does.
            assert _rows(conn, "SELECT skill_id FROM shifts WHERE event_id = :e",
                         e=ids["monthly"]) == [(skill,)]
            # The inactive subscription stays history only; the subscription tables stay.
            assert _rows(conn, "SELECT count(*) FROM service_packages WHERE household_id = :h",
                         h=ids["h3"]) == [(0,)]
            assert _rows(conn, "SELECT count(*) FROM care_subscriptions") == [(4,)]

        with db.engine.begin() as conn:
            # A visit generated after the merge (no subscription of its own).
            rows = Rows(conn)
            later = ids["first"] + timedelta(days=14)
            ids["later"] = rows.visit(ids["n"], ids["h1"], None, _at(later, 9))
            rows.add("package_visits", item_id=item[0], due_on=later.isoformat(),
                     event_id=ids["later"], helper_id=ids["v"], kept_after_change=False)

        downgrade(directory=str(MIGRATIONS_DIR), revision=revision_before(REVISION))
        with db.engine.connect() as conn:
            assert "care_subscription_id" not in {
                c["name"] for c in sa.inspect(conn).get_columns("service_package_items")}
            assert _rows(conn, "SELECT id FROM service_package_items") == [(ids["p2_item"],)]
            assert _rows(conn, "SELECT id FROM service_packages") == [(ids["p2"],)]
            assert _rows(conn, "SELECT count(*) FROM package_visits") == [(0,)]
            subscription_of = dict(_rows(conn, "SELECT id, care_subscription_id FROM events"))
            assert subscription_of == {ids["past"]: ids["a"], ids["held"]: ids["a"],
                                       ids["open"]: ids["a"], ids["inactive"]: ids["c"],
                                       ids["later"]: ids["a"], ids["monthly"]: ids["d"]}
            [(due,)] = _rows(conn, "SELECT care_due_on FROM events WHERE id = :e",
                             e=ids["later"])
            assert str(due) == later.isoformat()

        upgrade(directory=str(MIGRATIONS_DIR))
        # At the head: the hourly escalation leaves the past subscription visit alone (it is
        # history, not a package visit), however long ago it went unrecorded.
        from app.services.packages import missed

        result = missed.record(db.session, now=datetime.now(UTC), zone=ZONE)
        assert [v.event_id for v in result.missed] == []
        # The first generation after the merge keeps the monthly visit her helper holds.
        from app.services.packages import generation

        synced = generation.sync(db.session, [ids["h4"]],
                                 today=datetime.now(ZONE).date(), zone=ZONE)
        assert synced.replaced == 0
        assert db.session.scalar(sa.text(
            "SELECT count(*) FROM package_visits WHERE event_id = :e"),
            {"e": ids["monthly"]}) == 1
        db.session.rollback()
        db.engine.dispose()
