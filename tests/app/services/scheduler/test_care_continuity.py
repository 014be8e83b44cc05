"""Issue 11: on the demo data, a care visit goes to someone the household knows (its paired
volunteer — the helper of the service-package item that generated it — or one who visited
before) unless that is impossible, and then the run says why; fairness never replaces
continuity."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import scheduling
from app.enums import EventKind
from app.models import Event, PackageVisit, ServicePackageItem, Shift
from app.services.scheduler import bridge
from tests.demo import DEMO_TODAY

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = DEMO_TODAY


def test_every_possible_pairing_is_kept_on_the_demo(demo_session: Session) -> None:
    shifts = list(demo_session.scalars(
        select(Shift).join(Shift.event).where(Event.kind == EventKind.care_visit)
        .order_by(Shift.start_at, Shift.id)))
    paired = {
        s.id: v for s, v in demo_session.execute(
            select(Shift, ServicePackageItem.volunteer_id)
            .join(PackageVisit, PackageVisit.event_id == Shift.event_id)
            .join(ServicePackageItem, ServicePackageItem.id == PackageVisit.item_id)
            .where(ServicePackageItem.volunteer_id.is_not(None))
        ).tuples()
    }
    assert len(shifts) > 50 and len(paired) > 50
    built = bridge.build_problem(demo_session, shifts, SHANGHAI)
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
    # With the paired volunteer exactly: every helper's items fit her weekly limits and do not
    # overlap each other (the demo's plan), so only a helper booked, away or capped by her
    # other duties — or a past visit she missed — loses one, each with its reason above.
    print(f"{len(kept)} of {len(paired)} visits with their paired volunteer")
    assert len(kept) / len(paired) >= 0.8
