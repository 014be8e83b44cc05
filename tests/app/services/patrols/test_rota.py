"""The rota bridge: each site's group (its usual one unless impossible, else the nearest able
one), slots spread over the season within opening hours where the group is free, two certified
members of the site's group per slot, and a reason for every shortfall."""

from __future__ import annotations

import math
from datetime import date, time
from zoneinfo import ZoneInfo

import pytest

from app.models import PatrolSeason
from app.services.patrols import rota
from tests import factories as f
from tests.app.services.patrols.conftest import member
from tests.helpers import in_english

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Asia/Shanghai")


def test_slots_spread_within_opening_hours_where_the_group_is_free(db_session,
                                                                   season) -> None:
    sites = rota.season_sites(db_session, season)
    slots = rota.plan_slots(season, sites, ZONE, rota.weekly_free_count(db_session, sites))
    by_site: dict[str, list] = {}
    for slot in slots:
        by_site.setdefault(slot.site_name, []).append(slot.start.astimezone(ZONE))
    assert set(by_site) == {"甲网吧", "乙网吧", "丙网吧"}  # 早市 closes before any start
    for name in ("甲网吧", "乙网吧"):
        starts = by_site[name]
        assert len(starts) == 2 and starts[0].date() < date(2027, 7, 12) <= starts[1].date()
        # only on the group's evenings (Mon, Wed, Fri), within the members' windows
        assert all(s.weekday() in (0, 2, 4) and time(18) <= s.time() <= time(21) for s in starts)
    full = by_site["甲网吧"] + by_site["乙网吧"]
    assert len(set(full)) == len(full)  # never two of the group's slots at once


def test_the_rota_staffs_what_it_can_and_says_why_not(app, db_session, season) -> None:
    with in_english(app):
        result, names = rota.build_rota(db_session, season, zone=ZONE, seconds=3,
                                        locale="en")
    rows = {s.name: s for s in result.per_site}
    assert (rows["甲网吧"].planned, rows["乙网吧"].planned) == (2, 2)
    assert rows["甲网吧"].reasons == [] and rows["甲网吧"].shortfall == 0
    # Its usual group has one certified member: continuity is impossible, so the able
    # group takes it, and the rota says why.
    assert rows["丙网吧"].group == "满员组" and rows["丙网吧"].planned == 2
    assert "单人组" in rows["丙网吧"].territory and "1" in rows["丙网吧"].territory
    assert rows["甲网吧"].territory == "Kept by its usual group 满员组."
    assert rows["早市"].planned == 0
    assert rows["早市"].reasons == ["Its opening hours leave no time for an inspection."]
    for index, slot in enumerate(result.slots):
        if slot.site_name in ("甲网吧", "乙网吧"):
            assert {names[v] for v in result.assigned[index]} <= {"轮甲", "轮乙", "轮丙"}
            assert len(result.assigned[index]) == 2
    data = result.to_json(names)
    assert (data["required"], data["planned"]) == (8, 6)


def test_a_certificate_ending_mid_season_is_honoured(app, db_session, season) -> None:
    full = next(s for s in rota.season_sites(db_session, season) if s.name == "甲网吧").group
    for membership in full.members[:2]:
        membership.certified_until = date(2027, 7, 11)
    db_session.flush()
    with in_english(app):
        result, _names = rota.build_rota(db_session, season, zone=ZONE, seconds=3,
                                        locale="en")
    rows = {s.name: s for s in result.per_site}
    # The second week has one certified member left: only the first week's slots staffed.
    assert (rows["甲网吧"].planned, rows["乙网吧"].planned) == (1, 1)
    assert rows["甲网吧"].reasons


def test_a_saved_rota_is_a_run_to_review_and_publish(app, db_session, season) -> None:
    from sqlalchemy import select

    from app.enums import AssignmentStatus, EventKind, EventStatus, RunStatus
    from app.models import Assignment, Event
    from app.services.patrols import rota_runs
    from app.services.patrols.log import PatrolError
    from app.services.scheduler.publish import publish_run
    from app.services.scheduler.review import run_report

    with in_english(app):
        result, _names = rota.build_rota(db_session, season, zone=ZONE, seconds=3,
                                         locale="en")
        run = rota_runs.save_rota(db_session, season, result)
        events = db_session.scalars(select(Event).where(Event.id.in_(run.scope["events"]))
                                    ).all()
        assert len(events) == len(result.slots) == 6
        assert all(e.kind == EventKind.patrol and e.status == EventStatus.draft
                   and not e.is_public for e in events)
        drafts = db_session.scalars(select(Assignment).where(
            Assignment.schedule_run_id == run.id)).all()
        # Every slot staffed by two of 满员组 (丙网吧 moved to it from the one-member group).
        assert len(drafts) == result.filled_seats == 12
        assert {a.status for a in drafts} == {AssignmentStatus.proposed}
        report = run_report(db_session, run)
        assert (report.filled, report.needed) == (12, 12)
        # The review says which group patrols each site and why.
        why = {t["site"]: t for t in report.territories}
        assert why["丙网吧"]["group"] == "满员组" and "单人组" in why["丙网吧"]["reason"]
        with pytest.raises(PatrolError):
            rota_runs.save_rota(db_session, season, result)
        published = publish_run(db_session, run)
        assert published.published == 12 and run.status == RunStatus.published
        db_session.flush()
        staffed = [e for e in events if e.shifts[0].assignments]
        assert staffed and all(e.status == EventStatus.published for e in staffed)


def test_a_site_without_a_group_goes_to_the_group_living_nearest(app, db_session) -> None:
    """Distance decides for a new site; within the group the member living nearer is chosen
    when both are free (the engine's distance term)."""
    from app.services.patrols.territory import KM_PER_DEGREE_LAT, map_origin, to_grid

    n = f.make_neighbourhood(db_session, town="月浦镇", name="月浦远近村")
    west = [member(db_session, n, f"西{k}") for k in range(3)]
    east = [member(db_session, n, f"东{k}") for k in range(2)]
    far_east = member(db_session, n, "东远")
    for k, v in enumerate(west):
        v.x_km, v.y_km = 0.1 * k, 0.0
    for k, v in enumerate(east):
        v.x_km, v.y_km = 8.0 + 0.1 * k, 0.0
    far_east.x_km, far_east.y_km = 11.0, 0.0
    f.make_patrol_group(db_session, neighbourhood=n, name="西组", members=west)
    f.make_patrol_group(db_session, neighbourhood=n, name="东组", members=[*east, far_east])
    with app.app_context():
        lat0, lon0 = map_origin()
    # The new café is 8 km east of the grid's origin, next to the east group's homes.
    lon = lon0 + 8.0 / (KM_PER_DEGREE_LAT * math.cos(math.radians(lat0)))
    f.make_patrol_site(db_session, neighbourhood=n, name="新开网吧", latitude=lat0,
                       longitude=lon, opens_at=time(8, 0), closes_at=time(0, 0))
    season = PatrolSeason(town="月浦镇", neighbourhood=n, name="一周", required_per_site=1,
                          min_per_week=1, starts_on=date(2027, 7, 5), ends_on=date(2027, 7, 11))
    db_session.add(season)
    db_session.flush()
    assert round(to_grid(lat0, lon, (lat0, lon0)).x, 3) == 8.0
    with in_english(app):
        result, names = rota.build_rota(db_session, season, zone=ZONE, seconds=3,
                                        locale="en")
    (row,) = result.per_site
    assert row.group == "东组" and row.planned == 1 and row.km is not None and row.km < 2
    assert row.territory.startswith("Given to 东组, whose members live nearest")
    (members,) = result.assigned.values()
    assert {names[v] for v in members} == {"东0", "东1"}  # not 东远, 3 km farther


def test_a_site_with_its_own_counts_gets_them(app, db_session, season) -> None:
    """甲网吧 needs two a week (four over the fortnight), 乙网吧 one in the whole season; the
    others follow the season's two."""
    sites = {s.name: s for s in rota.season_sites(db_session, season)}
    sites["甲网吧"].min_per_week = 2
    sites["乙网吧"].required_per_season, sites["乙网吧"].min_per_week = 1, 0
    db_session.flush()

    slots = rota.plan_slots(season, list(sites.values()), ZONE,
                            rota.weekly_free_count(db_session, list(sites.values())))
    weeks = {name: sorted(s.start.astimezone(ZONE).date() >= date(2027, 7, 12)
                          for s in slots if s.site_name == name) for name in sites}
    assert weeks["甲网吧"] == [False, False, True, True]
    assert len(weeks["乙网吧"]) == 1 and len(weeks["丙网吧"]) == 2

    with in_english(app):
        result, _names = rota.build_rota(db_session, season, zone=ZONE, seconds=3,
                                         locale="en")
    rows = {s.name: (s.planned, s.required) for s in result.per_site}
    assert rows == {"甲网吧": (4, 4), "乙网吧": (1, 1), "丙网吧": (2, 2), "早市": (0, 2)}
    assert {s.name: s.reasons for s in result.per_site}["早市"] == [
        "Its opening hours leave no time for an inspection."]
