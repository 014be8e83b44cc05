"""Incidents: affected households by building and floors, follow-ups on restoration."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.enums import IncidentKind, VisitOutcome
from app.models import Incident
from app.services.incidents import (
    IncidentError,
    affected_households,
    complete_follow_ups,
    follow_up_progress,
    mark_restored,
    parse_areas,
    record_incident,
)
from tests.factories import make_building, make_household, make_neighbourhood, make_visit
from tests.helpers import in_english

START = datetime(2026, 7, 1, 6, tzinfo=UTC)  # 14:00 in Shanghai


@pytest.fixture
def estate(db_session):
    n = make_neighbourhood(db_session)
    buildings = {}
    for number in ("3", "4", "12"):
        buildings[number] = make_building(db_session, neighbourhood=n, number=number, floors=18)
        for floor in range(1, 19):
            make_household(db_session, neighbourhood=n, building=buildings[number], floor=floor,
                           unit="1", room=f"{floor}01")
    return n, buildings


def test_building_and_floor_range_select_households(app, db_session, estate) -> None:
    n, _ = estate
    with in_english(app):
        assert len(affected_households(db_session, n.id, "12 7-14")) == 8
        assert len(affected_households(db_session, n.id, "3-9")) == 36
        assert len(affected_households(db_session, n.id, "3-4; 12 7-14")) == 44


@pytest.mark.parametrize(("text", "message"), [
    ("12 30-40", "matches no household"),
    ("99", "No building matches"),
    ("12 14-7", "first floor is above"),
    ("12 floors", "Cannot read"),
    ("", "at least one"),
])
def test_an_area_matching_nothing_is_refused(app, db_session, estate, text, message) -> None:
    n, _ = estate
    with in_english(app), pytest.raises(IncidentError, match=message):
        record_incident(db_session, neighbourhood_id=n.id, kind=IncidentKind.power_cut,
                        title="停电", started_at=START, areas=text)
    assert db_session.query(Incident).filter_by(neighbourhood_id=n.id).count() == 0


def test_follow_up_after_restoration_and_progress(app, db_session, estate) -> None:
    n, _ = estate
    with in_english(app):
        incident = record_incident(
            db_session, neighbourhood_id=n.id, kind=IncidentKind.power_cut, title="停电",
            started_at=START, areas="12 7-14", follow_up_days=3)
        assert len(incident.households) == 8
        assert all(row.follow_up_due_on is None for row in incident.households)
        assert mark_restored(db_session, incident, START + timedelta(hours=9)) == 8
        # Restored at 23:00 Shanghai time on 1 July: due on 4 July.
        assert {row.follow_up_due_on for row in incident.households} == {date(2026, 7, 4)}

        first, second = incident.households[0].household, incident.households[1].household
        before = make_visit(db_session, first, visited_at=START + timedelta(hours=1))
        assert complete_follow_ups(db_session, before) == 0  # before the restoration
        missed = make_visit(db_session, first, visited_at=START + timedelta(days=3),
                            outcome=VisitOutcome.not_at_home)
        assert complete_follow_ups(db_session, missed) == 0
        done = make_visit(db_session, first, visited_at=START + timedelta(days=3, hours=1))
        assert complete_follow_ups(db_session, done) == 1
        phoned = make_visit(db_session, second, visited_at=START + timedelta(days=3),
                            outcome=VisitOutcome.phone_instead)
        assert complete_follow_ups(db_session, phoned) == 1

        progress = follow_up_progress(db_session, [incident.id], today=date(2026, 7, 4))
        assert (progress[incident.id].done, progress[incident.id].total,
                progress[incident.id].due) == (2, 8, 6)
        assert str(progress[incident.id]) == "follow-up: 2 / 8 done, 6 due"
        early = follow_up_progress(db_session, [incident.id], today=date(2026, 7, 3))
        assert early[incident.id].due == 0


def test_restoration_before_start_is_refused(app, db_session, estate) -> None:
    n, _ = estate
    with in_english(app):
        incident = record_incident(db_session, neighbourhood_id=n.id, kind=IncidentKind.water_cut,
                                   title="停水", started_at=START, areas="3")
        with pytest.raises(IncidentError):
            mark_restored(db_session, incident, START - timedelta(hours=1))
    assert incident.restored_at is None


def test_parse_areas() -> None:
    assert [str(a) for a in parse_areas("12 7-14\n3-9；5")] == ["12 7-14", "3-9", "5"]
