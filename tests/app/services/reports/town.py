"""A small hand-built town whose five-comparisons answers are worked out by hand.

Period: March 2026 (local days, Asia/Shanghai). Neighbourhood 1 (佳虹) has groups A and B,
neighbourhood 2 (永业) has group C; building X belongs to no group. The comments give the
arithmetic; tests/app/services/reports/test_five_comparisons.py checks each figure.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.enums import (
    ContactWindow,
    HouseholdCategory,
    RequestChannel,
    RequestStatus,
    VisitKind,
    VisitOutcome,
)
from app.models import IncidentHousehold
from app.services.reports.five_comparisons import Period
from tests.factories import (
    make_building,
    make_household,
    make_incident,
    make_neighbourhood,
    make_resident_request,
    make_service_group,
    make_visit,
)

ZONE = ZoneInfo("Asia/Shanghai")
MARCH = Period.of_days(date(2026, 3, 1), date(2026, 3, 31), ZONE)
C = HouseholdCategory
V = VisitOutcome


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=ZONE)


def build_town(s):
    """The data set of the module docstring; returns its neighbourhoods, groups, households."""
    n1, n2 = make_neighbourhood(s, name="佳虹"), make_neighbourhood(s, name="永业")
    a = make_service_group(s, neighbourhood=n1, name="A组")
    b = make_service_group(s, neighbourhood=n1, name="B组")
    c = make_service_group(s, neighbourhood=n2, name="C组")
    ba = make_building(s, neighbourhood=n1, service_group=a)
    bb = make_building(s, neighbourhood=n1, service_group=b)
    bc = make_building(s, neighbourhood=n2, service_group=c)
    bx = make_building(s, neighbourhood=n1)

    def household(building, categories, **kw):
        kw.setdefault("floor", 2)
        kw.setdefault("room", f"{building.id}0{kw['floor']}")
        return make_household(s, neighbourhood_id=building.neighbourhood_id,
                              building=building, categories=categories, **kw)

    h1 = household(ba, [C.ordinary], room="201")  # 6/6, complete
    h2 = household(ba, [C.ordinary], room=None)  # 5/6
    h3 = household(ba, [C.elderly_only], room="301", notes="独居，腿脚不便")  # 8/8 with windows
    h3.contact_windows.append(ContactWindow.weekday_daytime)
    h4 = household(bb, [C.elderly_only], room="101")  # 6/8: no windows, no notes
    h5 = household(bb, [C.resource], floor=None, room="102")  # 5/7: no floor, no windows
    h6 = household(bc, [C.ordinary], room="501")  # 6/6
    h7 = household(bx, [C.ordinary], room="601")  # no group
    s.flush()

    def visit(h, when, outcome=V.done, kind=VisitKind.door):
        return make_visit(s, h, visited_at=when, outcome=outcome, kind=kind)

    # A: h1 three effective in March (phone instead, done, the follow-up); missed/planned not.
    visit(h1, at(3, 5), V.phone_instead, VisitKind.phone)
    visit(h1, at(3, 10, 10))
    visit(h1, at(3, 10, 11), V.missed)
    follow_h1 = visit(h1, at(3, 16, 8), kind=VisitKind.follow_up)
    visit(h1, at(3, 20), V.planned)
    # h2: only the last evening of March counts (local days decide).
    visit(h2, at(2, 28, 23, 30))
    visit(h2, at(3, 31, 23, 30))
    visit(h2, at(4, 1, 0, 10))
    # B: h4 one (the follow-up), h5 refused only.
    follow_h4 = visit(h4, at(3, 15, 20), kind=VisitKind.follow_up)
    visit(h5, at(3, 12), V.refused)
    # C: four; X (no group): five, counted nowhere.
    for day in (2, 3, 4, 5):
        visit(h6, at(3, day))
    for day in (2, 3, 4, 5, 6):
        visit(h7, at(3, day))

    # Incident restored 15 March 08:00: h1 followed up after 24 h, h2 pending, h4 after 12 h.
    incident = make_incident(s, neighbourhood=n1, started_at=at(3, 15, 1),
                             restored_at=at(3, 15, 8))
    for h, v in ((h1, follow_h1), (h2, None), (h4, follow_h4)):
        s.add(IncidentHousehold(incident=incident, household_id=h.id,
                                follow_up_visit_id=v.id if v else None))
    # An incident restored in February is outside the period.
    old = make_incident(s, neighbourhood=n1, started_at=at(2, 1), restored_at=at(2, 2))
    s.add(IncidentHousehold(incident=old, household_id=h3.id, follow_up_visit_id=None))

    def request(group, received, **kw):
        kw.setdefault("channel", RequestChannel.visit)
        return make_resident_request(s, neighbourhood_id=group.neighbourhood_id,
                                     service_group_id=group.id, received_at=received, **kw)

    # Visit → request, group A: r1 two hours after h1's 10:00 contact (the 11:00 one missed);
    # r2 names only the building: the latest contact there before it is h1's follow-up on
    # 16 March 08:00 → 31 March 22:00 = 15 days 14 hours = 374 h; r3 names h3, never
    # contacted before: not measured; r4 came in by the form: not a visit's request.
    request(a, at(3, 10, 12), household_id=h1.id, building_id=ba.id)
    request(a, at(3, 31, 22), building_id=ba.id)
    request(a, at(3, 20), household_id=h3.id)
    request(a, at(3, 11), channel=RequestChannel.form, household_id=h1.id)
    request(a, at(2, 27), household_id=h1.id)  # before the period

    def resolved(group, received, done):
        return request(group, received, channel=RequestChannel.call,
                       status=RequestStatus.resolved, resolved_at=done)

    # Problems solved: A 2 days and 18 days (median 10); one resolved in April; one open.
    resolved(a, at(3, 1, 10), at(3, 3, 10))
    resolved(a, at(2, 20, 10), at(3, 10, 10))
    resolved(a, at(3, 5), at(4, 2))
    request(a, at(3, 6), channel=RequestChannel.call, status=RequestStatus.handling)
    # B: half a day, 1 day, 4 days (median 1).
    resolved(b, at(3, 1, 0), at(3, 1, 12))
    resolved(b, at(3, 2), at(3, 3))
    resolved(b, at(3, 2), at(3, 6))
    s.flush()
    return {"n1": n1, "n2": n2, "a": a, "b": b, "c": c,
            "households": [h1, h2, h3, h4, h5, h6, h7]}
