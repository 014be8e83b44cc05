"""The database itself keeps a patrol season to one live rota run (queued, running, ready
for review or published), however the second is written; finished runs do not count."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from app.enums import LIVE_RUN, RunStatus
from app.models import PatrolSeason, ScheduleRun
from tests import factories as f


def _season(session) -> PatrolSeason:
    season = PatrolSeason(town="月浦镇", neighbourhood=f.make_neighbourhood(session),
                          name=f"约束暑期{f._n()}", starts_on=date(2027, 7, 1),
                          ends_on=date(2027, 8, 31))
    session.add(season)
    session.flush()
    return season


def _run(session, season: PatrolSeason, status: RunStatus) -> ScheduleRun:
    run = ScheduleRun(patrol_season_id=season.id, status=status)
    session.add(run)
    session.flush()
    return run


@pytest.mark.parametrize("second", LIVE_RUN)
@pytest.mark.parametrize("first", LIVE_RUN)
def test_a_season_holds_one_live_rota_run(db_session, first, second) -> None:
    season = _season(db_session)
    _run(db_session, season, first)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        _run(db_session, season, second)


def test_finished_runs_and_other_seasons_do_not_count(db_session) -> None:
    season, other = _season(db_session), _season(db_session)
    for status in (RunStatus.failed, RunStatus.discarded, RunStatus.discarded):
        _run(db_session, season, status)
    live = _run(db_session, season, RunStatus.succeeded)
    _run(db_session, other, RunStatus.queued)
    db_session.add_all([ScheduleRun(status=RunStatus.queued) for _ in range(2)])  # not rotas
    db_session.flush()
    # Discarding the live run frees the season for another; bringing it back is refused.
    live.status = RunStatus.discarded
    db_session.flush()
    _run(db_session, season, RunStatus.queued)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        live.status = RunStatus.published
        db_session.flush()
