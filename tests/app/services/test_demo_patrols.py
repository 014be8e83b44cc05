"""The demo's café squad: 14 supervisors in 4 groups, 12 cafés with coordinates, and last
summer's log whose figures are the article's (200 certified group inspections, 1,568
person-visits, about 16 certified group inspections per café)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.models import PatrolGroup, PatrolInspection, PatrolSeason, PatrolSite
from app.services.demo import load_demo
from app.services.demo.patrols import summer_of
from app.services.patrols import stats
from app.services.patrols.territory import territories
from tests.demo import DEMO_TODAY

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = DEMO_TODAY


def test_summer_of() -> None:
    assert summer_of(date(2027, 1, 11)) == (date(2026, 7, 1), date(2026, 8, 31))
    assert summer_of(date(2027, 8, 31)) == (date(2026, 7, 1), date(2026, 8, 31))
    assert summer_of(date(2027, 9, 1)) == (date(2027, 7, 1), date(2027, 8, 31))


def test_the_squad_and_its_summer_match_the_article(demo_session, loaded_demo) -> None:
    report = loaded_demo.report
    groups = demo_session.scalars(select(PatrolGroup)).all()
    assert len(groups) == 4 and sum(len(g.members) for g in groups) == 14
    assert all(m.certified for g in groups for m in g.members)
    sites = demo_session.scalars(select(PatrolSite)).all()
    assert len(sites) == 12
    assert all(31.2 < s.latitude < 31.35 and 121.55 < s.longitude < 121.7 for s in sites)
    assert all(s.group is not None and s.group.neighbourhood_id == s.neighbourhood_id
               for s in sites)
    [season] = demo_session.scalars(select(PatrolSeason)).all()
    assert (season.starts_on, season.ends_on) == (date(2026, 7, 1), date(2026, 8, 31))

    figures = stats.season_figures(demo_session, season, zone=SHANGHAI)
    assert figures.certified_group_inspections == 200
    assert figures.person_visits == 1568
    assert figures.sites == 12
    assert {s.certified_group_inspections for s in figures.per_site} == {16, 17}
    assert all(s.shortfall == 0 for s in figures.per_site)
    assert report.created["patrol_inspections"] == figures.inspections
    assert len(stats.per_member(demo_session, season, zone=SHANGHAI)) == 14

    again = load_demo(demo_session, zone=SHANGHAI, today=TODAY)
    assert again.created["patrol_inspections"] == 0 and again.total_created == 0
    assert demo_session.scalar(select(func.count()).select_from(PatrolInspection)) == \
        figures.inspections


def test_a_summer_rota_for_the_demo_squad(demo_session, loaded_demo) -> None:
    """12 cafés, 14 supervisors: every café gets its 16 where the groups' evenings and
    weekly caps allow, and every shortfall says why."""
    from app.services.patrols import rota
    from tests.helpers import in_english

    season = demo_session.scalars(select(PatrolSeason)).one()
    with in_english(loaded_demo.app):
        result, _names = rota.build_rota(demo_session, season, zone=SHANGHAI, seconds=5,
                                         locale="en")
    assert result.required == 12 * 16
    assert result.planned >= 0.95 * result.required
    assert all(site.reasons for site in result.per_site if site.shortfall)
    # Which of a group's cafés absorbs the group's few missing seats (weekly caps) is the
    # solver's tie-break; the group as a whole is short by a handful at most.
    by_group: dict[int | None, list] = {}
    for site in result.per_site:
        by_group.setdefault(site.group_id, []).append(site)
    for sites in by_group.values():
        assert sum(s.planned for s in sites) >= sum(s.required for s in sites) - 4
    assert all(site.planned >= 12 for site in result.per_site)
    # Each café is patrolled by its usual group, whose members live near it (continuity)...
    groups = {g.id: g for g in demo_session.scalars(select(PatrolGroup))}
    usual = {s.id: s.group_id for s in rota.season_sites(demo_session, season)}
    for site in result.per_site:
        assert site.group_id == usual[site.site_id] and site.km is not None and site.km < 1.2
        assert site.territory == f"Kept by its usual group {groups[site.group_id].name}."
    for index, slot in enumerate(result.slots):
        group_members = {m.volunteer_id for m in groups[slot.group_id].members}
        assert set(result.assigned.get(index, [])) <= group_members
    # ...and distance alone would give each café the same group.
    for site in rota.season_sites(demo_session, season):
        site.group_id = None
    demo_session.flush()
    with in_english(loaded_demo.app):
        fresh = territories(demo_session, rota.season_sites(demo_session, season), locale="en")
    assert {t.site_id: t.group_id for t in fresh.values()} == usual
    assert {t.code for t in fresh.values()} == {"nearest_group"}
