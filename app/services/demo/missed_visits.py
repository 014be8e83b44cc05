"""The demo's missed package visits (issue 14): in each neighbourhood the first family with the
article's package found nobody at the door for its weekly groceries the last `MISSES_IN_A_ROW` weeks
running. The helper recorded both visits as "not at home", so the family is flagged on the
dashboard (`care_visits.missed_in_a_row`), both visits are escalated and a make-up visit is
proposed for each in the coming days, with the same helper where the engine's rules allow. Where
her weekly limit is already reached by the other make-up and her regular visit, the make-up is
left for the scheduler with that reason (in the demo, 3 of 8): the limit is a hard rule, and the
coordinator sees why.

Only the database's half of the escalation is loaded (`packages.missed.record`): the demo runs
outside any request and its people are made up, so no message is sent to them, and none is
recorded as sent either. The hourly task tells coordinators and groups of real misses.

Keyed by household: a family with an escalated visit is left alone on a second load.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.enums import PackageCadence, VisitOutcome
from app.models import (
    Household,
    Neighbourhood,
    PackageVisit,
    ServicePackage,
    ServicePackageItem,
    utcnow,
)
from app.services.care_visits import MISSES_IN_A_ROW, mark_visit
from app.services.demo.packages import ARTICLE_NOTES
from app.services.packages import generation, missed
from app.services.packages.cadence import Cadence, due_dates

NOTES = "敲门无人应答,电话也没有接通。"


def _first_package(session: Session, neighbourhood: Neighbourhood) -> ServicePackage | None:
    return session.scalar(
        select(ServicePackage).join(Household, Household.id == ServicePackage.household_id)
        .where(Household.neighbourhood_id == neighbourhood.id,
               ServicePackage.notes == ARTICLE_NOTES)
        .options(selectinload(ServicePackage.household),
                 selectinload(ServicePackage.items).selectinload(ServicePackageItem.skill),
                 selectinload(ServicePackage.items).selectinload(ServicePackageItem.volunteer))
        .order_by(ServicePackage.id).limit(1))


def _escalated_before(session: Session, package: ServicePackage) -> bool:
    return session.scalar(
        select(PackageVisit.id).join(ServicePackageItem,
                                     ServicePackageItem.id == PackageVisit.item_id)
        .where(ServicePackageItem.package_id == package.id,
               PackageVisit.missed_alerted_at.is_not(None)).limit(1)) is not None


def load_missed_visits(session: Session, neighbourhoods: list[Neighbourhood], zone: ZoneInfo,
                       today: date) -> dict[str, int]:
    now = max(utcnow(), datetime.combine(today, time(0), tzinfo=zone))
    visit_ids: list[int] = []
    for neighbourhood in neighbourhoods:
        package = _first_package(session, neighbourhood)
        if package is None or _escalated_before(session, package):
            continue
        item = next((i for i in package.items if i.cadence == PackageCadence.weekly
                     and i.volunteer is not None), None)
        if item is None:
            continue
        cadence = Cadence.of(item, package.starts_on, package.ends_on)
        for day in due_dates(cadence, today - timedelta(days=7 * MISSES_IN_A_ROW),
                             today - timedelta(days=1))[-MISSES_IN_A_ROW:]:
            visit = generation.new_visit(session, item, package.household, day, zone)
            if visit is None:
                continue
            generation.place_helper(session, visit, item.volunteer, zone)
            mark_visit(session, visit.event, VisitOutcome.not_at_home, notes=NOTES, now=now)
            visit_ids.append(visit.id)
    if not visit_ids:
        return {}
    result = missed.record(session, now=now, zone=zone, visit_ids=visit_ids)
    return {"package_visits_missed": len(result.missed), "makeup_visits": len(result.makeups)}
