"""Issue 14's quality bar on the demo data: every generated package visit whose helper is
eligible is that helper's; every other says why, and the engine's checker agrees."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.enums import AssignmentStatus
from app.models import Assignment, Event, PackageVisit, ServicePackage, Shift
from app.services.demo import load_demo
from app.services.scheduler.eligibility import rule_breaks

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2027, 1, 11)


def test_every_package_visit_goes_to_its_helper_unless_a_rule_forbids_it(
        db_session: Session) -> None:
    report = load_demo(db_session, zone=SHANGHAI, today=TODAY)
    packages = list(db_session.scalars(
        select(ServicePackage).options(selectinload(ServicePackage.items))))
    assert report.created["service_packages"] == len(packages) >= 8
    for package in packages:  # the article's package: 2–3 services by different members
        helpers = [item.volunteer_id for item in package.items]
        assert 2 <= len(helpers) <= 3 and len(set(helpers)) == len(helpers)

    visits = list(db_session.scalars(
        select(PackageVisit).options(selectinload(PackageVisit.helper),
                                     selectinload(PackageVisit.event)
                                     .selectinload(Event.shifts)
                                     .selectinload(Shift.assignments))))
    assert report.created["package_visits"] == len(visits) > 50
    assigned = 0
    for visit in visits:
        shift = visit.event.shifts[0]
        holders = {(a.volunteer_id, a.status, a.pinned) for a in shift.assignments}
        breaks = [code for code, _others in rule_breaks(db_session, shift, visit.helper,
                                                        SHANGHAI)]
        if visit.left_reason is None:
            assert holders == {(visit.helper_id, AssignmentStatus.pending, True)}
            assert breaks == []
            assigned += 1
        else:
            # Left for the scheduler only for a rule the helper would break, and the one named.
            assert holders == set()
            assert visit.left_reason.value in breaks
    print(f"{assigned} of {len(visits)} package visits with their helper")
    assert assigned / len(visits) >= 0.9

    again = load_demo(db_session, zone=SHANGHAI, today=TODAY)
    assert again.created["package_visits"] == 0
    assert db_session.scalar(select(func.count()).select_from(PackageVisit)) == len(visits)
    assert db_session.scalar(select(func.count()).select_from(Assignment).join(Shift).join(
        Event).join(PackageVisit, PackageVisit.event_id == Event.id)) == assigned
