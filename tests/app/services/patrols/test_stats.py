"""The patrol figures on a small hand-built season whose answers are known.

Town 月浦镇, a town-wide summer season 2027-07-01 … 2027-08-31 (Shanghai days), 3 required
per site. Group 一组 (村A): 甲 certified, 乙 certified until 07-15, 丙 not certified; group
二组 (村B): 丁 and 戊 certified.

| inspection | site | group | local start        | present   | certified present |
|------------|------|-------|--------------------|-----------|-------------------|
| I1         | S1   | 一组  | 07-01 00:30        | 甲 乙 丙  | 2 → certified     |
| I2         | S1   | 一组  | 07-20 19:00        | 甲 乙     | 1 (乙 expired)    |
| I3         | S2   | 一组  | 08-31 23:30        | 甲        | 1                 |
| I4         | S3   | 二组  | 07-10 19:00        | 丁 戊     | 2 → certified     |
| out        | S3   | 二组  | 06-30 23:50, 09-01 00:10 (outside the season)  |
| other town | S5   | 二组  | 07-10 (金桥镇 site: not this season's)           |

Totals: 4 inspections, 2 certified group inspections, 3+2+1+2 = 8 person-visits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.models import PatrolSeason, PatrolSite
from app.services.patrols import stats
from tests import factories as f

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Asia/Shanghai")


def local(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=ZONE)


@pytest.fixture
def season_data(db_session):
    a = f.make_neighbourhood(db_session, town="月浦镇", name="月浦一村")
    b = f.make_neighbourhood(db_session, town="月浦镇", name="月浦二村")
    c = f.make_neighbourhood(db_session, town="金桥镇", name="金桥别村")
    people = {name: f.make_volunteer(db_session, neighbourhood=n, name=name)
              for name, n in (("甲", a), ("乙", a), ("丙", a), ("丁", b), ("戊", b))}
    g1 = f.make_patrol_group(db_session, neighbourhood=a, name="一组", members=[
        people["甲"], (people["乙"], True, date(2027, 7, 15)), (people["丙"], False, None)])
    g2 = f.make_patrol_group(db_session, neighbourhood=b, name="二组",
                             members=[people["丁"], people["戊"]])
    s1 = f.make_patrol_site(db_session, neighbourhood=a, name="S1")
    s2 = f.make_patrol_site(db_session, neighbourhood=a, name="S2")
    s3 = f.make_patrol_site(db_session, neighbourhood=b, name="S3")
    f.make_patrol_site(db_session, neighbourhood=b, name="S4", active=False)
    s5 = f.make_patrol_site(db_session, neighbourhood=c, name="S5")
    p = people
    for site, group, start, present in (
        (s1, g1, local(7, 1, 0, 30), [p["甲"], p["乙"], p["丙"]]),
        (s1, g1, local(7, 20, 19), [p["甲"], p["乙"]]),
        (s2, g1, local(8, 31, 23, 30), [p["甲"]]),
        (s3, g2, local(7, 10, 19), [p["丁"], p["戊"]]),
        (s3, g2, local(6, 30, 23, 50), [p["丁"], p["戊"]]),
        (s3, g2, local(9, 1, 0, 10), [p["丁"], p["戊"]]),
        (s5, g2, local(7, 10, 19), [p["丁"]]),
    ):
        f.make_inspection(db_session, site, group, present, started_at=start,
                          ended_at=start + timedelta(minutes=20))
    season = PatrolSeason(town="月浦镇", name="2027年暑期", starts_on=date(2027, 7, 1),
                          ends_on=date(2027, 8, 31), required_per_site=3)
    db_session.add(season)
    db_session.flush()
    return season, a


def test_season_totals(db_session, season_data) -> None:
    season, _a = season_data
    assert stats.inspection_count(db_session, season, zone=ZONE) == 4
    assert stats.certified_group_inspection_count(db_session, season, zone=ZONE) == 2
    assert stats.person_visit_count(db_session, season, zone=ZONE) == 8


def test_per_site_includes_sites_never_inspected_and_the_shortfall(db_session,
                                                                   season_data) -> None:
    season, _a = season_data
    rows = {s.name: (s.inspections, s.certified_group_inspections, s.person_visits,
                     s.shortfall) for s in stats.per_site(db_session, season, zone=ZONE)}
    # S4 is inactive and was not inspected; S5 is in another town.
    # The shortfall counts certified group inspections only.
    assert rows == {"S1": (2, 1, 5, 2), "S2": (1, 0, 1, 3), "S3": (1, 1, 2, 2)}


def test_per_group_and_per_member(db_session, season_data) -> None:
    season, _a = season_data
    groups = {g.name: (g.inspections, g.certified_group_inspections, g.person_visits)
              for g in stats.per_group(db_session, season, zone=ZONE)}
    assert groups == {"一组": (3, 1, 6), "二组": (1, 1, 2)}
    members = {m.name: (m.inspections, m.certified_group_inspections, m.person_visits)
               for m in stats.per_member(db_session, season, zone=ZONE)}
    assert members == {"甲": (3, 1, 3), "乙": (2, 1, 2), "丙": (1, 1, 1), "丁": (1, 1, 1),
                       "戊": (1, 1, 1)}


def test_season_figures_and_a_coordinators_share(db_session, season_data) -> None:
    season, a = season_data
    figures = stats.season_figures(db_session, season, zone=ZONE)
    assert (figures.sites, figures.inspections, figures.certified_group_inspections,
            figures.person_visits, figures.inspections_per_site,
            figures.certified_per_site) == (3, 4, 2, 8, 1.3, 0.7)
    own = stats.season_figures(db_session, season, neighbourhood_ids=frozenset({a.id}),
                               zone=ZONE)
    assert (own.sites, own.inspections, own.certified_group_inspections,
            own.person_visits) == (2, 3, 1, 6)
    assert figures.to_json()["per_site"][0]["name"] == "S1"


def test_a_neighbourhood_season_covers_only_its_sites(db_session, season_data) -> None:
    season, a = season_data
    season.neighbourhood_id = a.id
    db_session.flush()
    assert stats.inspection_count(db_session, season, zone=ZONE) == 3
    assert stats.person_visit_count(db_session, season, zone=ZONE) == 6


def test_a_sites_own_count_is_its_requirement(db_session, season_data) -> None:
    season, _a = season_data
    sites = {s.name: s for s in db_session.scalars(select(PatrolSite))}
    sites["S1"].required_per_season = 5
    sites["S2"].required_per_season = 0
    db_session.flush()
    rows = {s.name: (s.required, s.shortfall) for s in stats.per_site(db_session, season,
                                                                          zone=ZONE)}
    assert rows == {"S1": (5, 4), "S2": (0, 0), "S3": (3, 2)}
