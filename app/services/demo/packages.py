"""The demo's service packages (服务套餐, step 3): in each neighbourhood the first elderly
households living alone or very old get the article's package — one member performs opera,
another brings groceries and rice, a third cuts their hair — each item by a different member
of the neighbourhood with that skill, at a time the member is available. The visits over the
rolling horizon are then generated as a save in the admin would (`packages.generation`).

Those families' packages replace the services the plan gave them (`Loader.package`); every
other household keeps the package of its plan. The visits of all packages are generated here.
The article's packages began four weeks before `today`; the visits before it are the demo's
missed ones (`missed_visits`). Keyed by the package's notes: an article package is left alone
on a second load.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.enums import HouseholdCategory, PackageCadence
from app.models import (
    Household,
    HouseholdCategoryLink,
    Neighbourhood,
    ServicePackage,
    ServicePackageItem,
    Skill,
    Volunteer,
    utcnow,
)
from app.services.demo.generate import Window, free_start
from app.services.packages import generation

#: Households given a package in each neighbourhood.
PACKAGES_PER_NEIGHBOURHOOD = 3
#: The packages began four weeks ago (a whole number of fortnights, so the fortnightly
#: items keep the rhythm they had from `today`): the demo's missed visits happened under them.
PACKAGE_AGE_DAYS = 28
#: (skill, cadence, nth of the month, minutes, what the member does)
ITEMS: tuple[tuple[str, PackageCadence, int | None, int, str], ...] = (
    ("opera", PackageCadence.fortnightly, None, 60, "上门为老人唱一段沪剧、越剧。"),
    ("grocery_delivery", PackageCadence.weekly, None, 60, "买菜买米送上门。"),
    ("haircut", PackageCadence.monthly, 1, 45, "上门剪发护发。"),
)
#: The article's members, first choice for their service in their own neighbourhood.
ARTICLE_HELPERS = {"opera": "邬国兰", "grocery_delivery": "江洁志", "haircut": "张杰"}
ELDERLY = (HouseholdCategory.living_alone, HouseholdCategory.very_old)
#: Marks the article's packages (and keeps them on a second load).
ARTICLE_NOTES = "按文章中的服务套餐:唱戏、买菜送米、理发。"


def _slot(volunteer: Volunteer, minutes: int, busy: dict[int, list[Window]]
          ) -> tuple[int, time] | None:
    """A weekday and time inside one of the member's windows clear of the visits she already
    has on that day (`busy`: her package items by weekday), so her visits do not overlap."""
    for window in sorted(volunteer.availabilities, key=lambda w: (w.weekday, w.start_time)):
        at = free_start((window.start_time, window.end_time), minutes,
                        busy.get(window.weekday, []))
        if at is not None:
            return window.weekday, at
    return None


def _busy(session: Session) -> dict[int, dict[int, list[Window]]]:
    """Each helper's package items so far (the plan's), as times by weekday."""
    busy: dict[int, dict[int, list[Window]]] = {}
    for item in session.scalars(select(ServicePackageItem).where(
            ServicePackageItem.volunteer_id.is_not(None))):
        _book(busy, item.volunteer_id, item.weekday, item.time_of_day, item.duration_minutes)
    return busy


def _book(busy: dict[int, dict[int, list[Window]]], volunteer_id: int, weekday: int,
          start: time, minutes: int) -> None:
    end = (datetime.combine(date.min, start) + timedelta(minutes=minutes)).time()
    busy.setdefault(volunteer_id, {}).setdefault(weekday, []).append((start, end))


def load_packages(session: Session, neighbourhoods: list[Neighbourhood], zone: ZoneInfo,
                  today: date) -> dict[str, int]:
    skills = {s.code: s for s in session.scalars(
        select(Skill).where(Skill.code.in_([code for code, *_ in ITEMS])))}
    counts = {"service_packages": 0, "package_items": 0}
    busy = _busy(session)
    for neighbourhood in neighbourhoods:
        families = list(session.scalars(
            select(Household).join(HouseholdCategoryLink)
            .where(Household.neighbourhood_id == neighbourhood.id,
                   HouseholdCategoryLink.category.in_(ELDERLY))
            .distinct().order_by(Household.id).limit(PACKAGES_PER_NEIGHBOURHOOD)))
        have = {p.household_id: p for p in session.scalars(
            select(ServicePackage).where(ServicePackage.household_id.in_(
                [f.id for f in families])).options(selectinload(ServicePackage.items)))}
        members = list(session.scalars(
            select(Volunteer).where(Volunteer.neighbourhood_id == neighbourhood.id,
                                    Volunteer.active.is_(True))
            .options(selectinload(Volunteer.skills), selectinload(Volunteer.availabilities))
            .order_by(Volunteer.id)))
        load: dict[int, int] = {}
        for household in families:
            package = have.get(household.id)
            if package is not None and package.notes == ARTICLE_NOTES:
                continue
            if package is None:
                package = ServicePackage(household=household)
                counts["service_packages"] += 1
            # The services the plan gave this family (`Loader.package`) make way for the
            # article's; no visit of theirs exists yet.
            package.items.clear()
            package.starts_on = today - timedelta(days=PACKAGE_AGE_DAYS)
            package.notes = ARTICLE_NOTES
            helpers: set[int] = set()
            for code, cadence, nth, minutes, description in ITEMS:
                able = sorted(
                    (m for m in members if skills.get(code) in m.skills and m.id not in helpers
                     and _slot(m, minutes, busy.get(m.id, {})) is not None),
                    key=lambda m: (m.name != ARTICLE_HELPERS[code], load.get(m.id, 0), m.id))
                if code not in skills or not able:
                    continue
                helper = able[0]
                slot = _slot(helper, minutes, busy.get(helper.id, {}))
                assert slot is not None
                weekday, start = slot
                load[helper.id] = load.get(helper.id, 0) + 1
                _book(busy, helper.id, weekday, start, minutes)
                helpers.add(helper.id)
                package.items.append(ServicePackageItem(
                    skill=skills[code], volunteer=helper, cadence=cadence, weekday=weekday,
                    nth=nth, time_of_day=start, duration_minutes=minutes,
                    description=description))
            session.add(package)
            counts["package_items"] += len(package.items)
    session.flush()
    result = generation.sync(session, generation.households_with_packages(session),
                             today=today, zone=zone, now=max(
                                 utcnow(), datetime.combine(today, time(0), tzinfo=zone)))
    counts["package_visits"] = result.created
    return counts
