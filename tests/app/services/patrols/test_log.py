"""The inspection record's rules: certified on the day, members present, who may change it
after a day, and the history of changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.enums import Role
from app.services.patrols import log
from tests import factories as f
from tests.helpers import in_english

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Asia/Shanghai")
#: 19:00 in Shanghai, 2027-07-15.
START = datetime(2027, 7, 15, 11, 0, tzinfo=UTC)


@pytest.fixture
def record(db_session):
    n = f.make_neighbourhood(db_session, town="月浦镇")
    one, two, three = (f.make_volunteer(db_session, neighbourhood=n, name=name)
                       for name in ("张一", "王二", "李三"))
    group = f.make_patrol_group(db_session, neighbourhood=n, members=[
        one, (two, True, date(2027, 7, 14)), (three, False, None)])
    site = f.make_patrol_site(db_session, neighbourhood=n, name="星空网吧")
    inspection = f.make_inspection(db_session, site, group, [one, two, three],
                                   started_at=START, ended_at=START + timedelta(minutes=30))
    return inspection, (one, two, three)


def test_certified_on_the_day_only(db_session, record) -> None:
    inspection, (_one, two, _three) = record
    # 王二's certificate ended the day before: one certified member, not a certified group.
    assert log.certified_present(db_session, inspection) == 1
    membership = next(m for m in inspection.group.members if m.volunteer_id == two.id)
    membership.certified_until = date(2027, 7, 15)
    log.refresh_certified(db_session, inspection, ZONE)
    assert log.certified_present(db_session, inspection) == 2


def test_present_must_be_group_members(app, db_session, record) -> None:
    inspection, _members = record
    stranger = f.make_volunteer(db_session, name="路人")
    with in_english(app), pytest.raises(log.PatrolError) as refused:
        log.check_present(db_session, inspection, [*inspection.present, stranger])
    assert refused.value.field == "present"
    with in_english(app):
        assert "路人" in str(refused.value.message)


def test_members_may_change_it_for_a_day_then_only_a_coordinator(db_session, record) -> None:
    inspection, (one, _two, _three) = record
    outsider = f.make_volunteer(db_session, name="外人")
    end = inspection.ended_at
    assert log.may_change(db_session, inspection, volunteer=one, now=end + timedelta(hours=23))
    assert not log.may_change(db_session, inspection, volunteer=outsider,
                              now=end + timedelta(hours=1))
    assert not log.may_change(db_session, inspection, volunteer=one,
                              now=end + timedelta(days=1))
    coordinator = f.make_user(db_session, Role.coordinator,
                              neighbourhoods=[inspection.site.neighbourhood])
    lead = f.make_user(db_session, Role.team_lead, teams=[f.make_team(db_session)])
    later = end + timedelta(days=30)
    assert log.may_change(db_session, inspection, user=coordinator, now=later)
    assert not log.may_change(db_session, inspection, user=lead, now=later)


def test_every_change_is_kept_with_who_and_what(app, db_session, record) -> None:
    inspection, (_one, two, _three) = record
    coordinator = f.make_user(db_session, Role.coordinator, display_name="协调员甲",
                              neighbourhoods=[inspection.site.neighbourhood])
    with in_english(app):
        before = log.snapshot(inspection, ZONE)
        assert log.record_change(db_session, inspection, before, user=coordinator,
                                 zone=ZONE) is None  # nothing changed: no entry
        inspection.findings = "发现两名未成年人"
        inspection.present.remove(two)
        change = log.record_change(db_session, inspection, before, user=coordinator,
                                   zone=ZONE)
        assert change is not None and change.actor == "协调员甲"
        assert change.fields["findings"] == ["", "发现两名未成年人"]
        assert change.fields["present"] == ["张一、李三、王二", "张一、李三"]
        assert set(change.fields) == {"findings", "present"}
        lines = log.history_lines(inspection, ZONE)
    assert len(lines) == 1 and "Findings: — → 发现两名未成年人" in lines[0]
