"""The demo's resident files: buildings, groups, households, a year of contacts, incidents."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.enums import HouseholdCategory, ServiceGroupKind
from app.models import Building, Household, Incident, Neighbourhood, ServiceGroup
from app.services.demo import load_demo
from app.services.demo.residents import HOUSEHOLDS_PER_NEIGHBOURHOOD, POWER_TITLE, WATER_TITLE
from app.services.households.due import due_rows
from app.services.incidents import follow_up_progress
from tests.demo import DEMO_TODAY
from tests.helpers import in_english

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = DEMO_TODAY


def test_resident_files_and_the_articles_incidents(demo_session, loaded_demo) -> None:
    with in_english(loaded_demo.app):
        jiahong = demo_session.scalar(select(Neighbourhood).where(Neighbourhood.name == "佳虹"))
        # A believable neighbourhood each: about 1,500 resident files.
        files = dict(demo_session.execute(
            select(Household.neighbourhood_id, func.count())
            .where(Household.building_id.is_not(None))
            .group_by(Household.neighbourhood_id)).tuples().all())
        assert len(files) == 4
        assert all(HOUSEHOLDS_PER_NEIGHBOURHOOD <= n < HOUSEHOLDS_PER_NEIGHBOURHOOD + 60
                   for n in files.values()), files

        groups = demo_session.scalars(select(ServiceGroup).where(
            ServiceGroup.neighbourhood_id == jiahong.id)).all()
        assert 4 <= len(groups) <= 6
        assert {g.kind for g in groups} == set(ServiceGroupKind)
        assert all(g.members and g.buildings for g in groups)
        assert demo_session.scalar(select(func.count()).select_from(Building).where(
            Building.neighbourhood_id == jiahong.id, Building.service_group_id.is_(None))) == 0

        categories = {c for h in demo_session.scalars(select(Household).where(
            Household.neighbourhood_id == jiahong.id).limit(800)) for c in h.categories}
        assert len(categories) >= 10 and HouseholdCategory.ordinary in categories

        incidents = {i.title: i for i in demo_session.scalars(select(Incident))}
        water, power = incidents[WATER_TITLE], incidents[POWER_TITLE]
        progress = follow_up_progress(demo_session, [water.id, power.id], today=TODAY)
        assert str(progress[water.id]) == "follow-up: 342 / 380 done, 38 due"
        assert (progress[power.id].total, progress[power.id].done) == (16, 9)
        assert power.restored_at.astimezone(SHANGHAI).hour == 23

        rows = due_rows(demo_session, neighbourhood_ids=frozenset({jiahong.id}))
        assert rows and any(r.days_late > 30 for r in rows)
        assert len(rows) < HOUSEHOLDS_PER_NEIGHBOURHOOD / 2

        # Loading again creates nothing.
        again = load_demo(demo_session, zone=SHANGHAI, today=TODAY)
        assert again.created["households"] == 0 and again.created["incidents"] == 0
