"""The small rota world of the rota tests: one neighbourhood, a full group of three certified
members free on Monday, Wednesday and Friday evenings, a group with one certified member, three
cafés and a morning market, and a two-week season needing two inspections per site."""

from __future__ import annotations

from datetime import date, time

import pytest

from app.models import PatrolSeason
from tests import factories as f


def member(session, n, name, evenings=(0, 2, 4)):
    volunteer = f.make_volunteer(session, neighbourhood=n, name=name, max_shifts_per_week=4)
    for weekday in evenings:
        f.make_availability(session, volunteer, weekday=weekday, start_time=time(18, 0),
                            end_time=time(22, 0))
    return volunteer


@pytest.fixture
def season(db_session):
    n = f.make_neighbourhood(db_session, town="月浦镇", name="月浦轮班村")
    a, b, c = (member(db_session, n, name) for name in ("轮甲", "轮乙", "轮丙"))
    lonely = member(db_session, n, "独丁")
    full = f.make_patrol_group(db_session, neighbourhood=n, name="满员组", members=[a, b, c])
    single = f.make_patrol_group(db_session, neighbourhood=n, name="单人组",
                                 members=[lonely, (f.make_volunteer(db_session, neighbourhood=n,
                                                                    name="见习戊"), False, None)])
    for name in ("甲网吧", "乙网吧"):
        f.make_patrol_site(db_session, neighbourhood=n, name=name, group=full,
                           opens_at=time(8, 0), closes_at=time(0, 0))
    f.make_patrol_site(db_session, neighbourhood=n, name="早市", group=full,
                       opens_at=time(6, 0), closes_at=time(9, 0))
    f.make_patrol_site(db_session, neighbourhood=n, name="丙网吧", group=single)
    season = PatrolSeason(town="月浦镇", neighbourhood=n, name="两周", required_per_site=2,
                          min_per_week=1, starts_on=date(2027, 7, 5),
                          ends_on=date(2027, 7, 18))
    db_session.add(season)
    db_session.flush()
    return season
