"""Issue 11: on the demo data, a care visit goes to someone the household knows (its paired
volunteer — the care subscription's, or the service-package item's helper — or one who visited
before) unless that is impossible, and then the run says why; fairness never replaces
continuity."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import scheduling
from app.enums import EventKind
from app.models import CareSubscription, Event, PackageVisit, ServicePackageItem, Shift
from app.services.demo import load_demo
from app.services.scheduler import bridge

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2027, 1, 11)


def test_every_possible_pairing_is_kept_on_the_demo(db_session: Session) -> None:
    load_demo(db_session, zone=SHANGHAI, today=TODAY)
    shifts = list(db_session.scalars(
        select(Shift).join(Shift.event).where(Event.kind == EventKind.care_visit)
        .order_by(Shift.start_at, Shift.id)))
    paired = {
        s.id: v for s, v in db_session.execute(
            select(Shift, CareSubscription.volunteer_id)
            .join(Event, Shift.event_id == Event.id)
            .join(CareSubscription, Event.care_subscription_id == CareSubscription.id)
            .where(Event.kind == EventKind.care_visit, CareSubscription.volunteer_id.is_not(None))
        ).tuples()
    } | {
        s.id: v for s, v in db_session.execute(
            select(Shift, ServicePackageItem.volunteer_id)
            .join(PackageVisit, PackageVisit.event_id == Shift.event_id)
            .join(ServicePackageItem, ServicePackageItem.id == PackageVisit.item_id)
            .where(ServicePackageItem.volunteer_id.is_not(None))
        ).tuples()
    }
    assert len(shifts) > 50 and len(paired) > 50
    built = bridge.build_problem(db_session, shifts, SHANGHAI)
    solution = scheduling.solve(built.problem, seconds=20, workers=2, seed=1)
    given = {(bridge.db_id(a.shift), bridge.db_id(a.volunteer)) for a in solution.assignments}
    assert sum(1 for s in built.problem.shifts if s.paired) == len(paired)
    kept = [shift_id for shift_id, v in paired.items() if (shift_id, v) in given]
    for shift_id, v in paired.items():
        if (shift_id, v) in given:
            continue
        # Not with the paired volunteer: only when they cannot take it, and the run says
        # why; never "not chosen" (a stand-in the household knows is no excuse either).
        reasons = [m.reason.code for m in solution.continuity
                   if bridge.db_id(m.shift) == shift_id and bridge.db_id(m.volunteer) == v]
        assert reasons, f"visit {shift_id} lost its pairing without a reason"
        assert reasons[0].startswith("paired_") and reasons[0] != "paired_not_chosen"
    # With the paired volunteer exactly. 0.8 before the demo's packages started four weeks
    # back (issue 14's missed visits): about a fifth of the pairings now meet a helper who
    # lacks the visit's service, is away, booked or at her weekly limit, each with its reason
    # above; none is merely "not chosen".
    assert len(kept) / len(paired) >= 0.75
