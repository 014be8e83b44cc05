"""The demo's service packages (服务套餐, step 3): in each neighbourhood the first elderly
households living alone or very old get the article's package — one member performs opera,
another brings groceries and rice, a third cuts their hair — each item by a different member
of the neighbourhood with that skill, at a time the member is available. The visits over the
rolling horizon are then generated as a save in the admin would (`packages.generation`).

The packages began four weeks before `today`; the visits before it are the demo's missed ones
(`missed_visits`). Keyed by household: one with a package is left alone on a second load.
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


def _slot(volunteer: Volunteer, minutes: int, taken: int) -> tuple[int, time] | None:
    """A weekday and time inside one of the member's windows, after the `taken` visits the
    demo already gave them (so one member's visits do not overlap)."""
    for window in sorted(volunteer.availabilities, key=lambda w: (w.weekday, w.start_time)):
        start = datetime.combine(date.min, window.start_time) + timedelta(
            minutes=taken * (minutes + 30))
        if start + timedelta(minutes=minutes) <= datetime.combine(date.min, window.end_time):
            return window.weekday, start.time()
    return None


def load_packages(session: Session, neighbourhoods: list[Neighbourhood], zone: ZoneInfo,
                  today: date) -> dict[str, int]:
    skills = {s.code: s for s in session.scalars(
        select(Skill).where(Skill.code.in_([code for code, *_ in ITEMS])))}
    counts = {"service_packages": 0, "package_items": 0}
    for neighbourhood in neighbourhoods:
        families = list(session.scalars(
            select(Household).join(HouseholdCategoryLink)
            .where(Household.neighbourhood_id == neighbourhood.id,
                   HouseholdCategoryLink.category.in_(ELDERLY))
            .distinct().order_by(Household.id).limit(PACKAGES_PER_NEIGHBOURHOOD)))
        have = set(session.scalars(select(ServicePackage.household_id).where(
            ServicePackage.household_id.in_([f.id for f in families]))))
        members = list(session.scalars(
            select(Volunteer).where(Volunteer.neighbourhood_id == neighbourhood.id,
                                    Volunteer.active.is_(True))
            .options(selectinload(Volunteer.skills), selectinload(Volunteer.availabilities))
            .order_by(Volunteer.id)))
        load: dict[int, int] = {}
        for household in families:
            if household.id in have:
                continue
            package = ServicePackage(household=household,
                                     starts_on=today - timedelta(days=PACKAGE_AGE_DAYS),
                                     notes="按文章中的服务套餐:唱戏、买菜送米、理发。")
            helpers: set[int] = set()
            for code, cadence, nth, minutes, description in ITEMS:
                able = sorted(
                    (m for m in members if skills.get(code) in m.skills and m.id not in helpers
                     and _slot(m, minutes, load.get(m.id, 0)) is not None),
                    key=lambda m: (m.name != ARTICLE_HELPERS[code], load.get(m.id, 0), m.id))
                if code not in skills or not able:
                    continue
                helper = able[0]
                slot = _slot(helper, minutes, load.get(helper.id, 0))
                assert slot is not None
                weekday, start = slot
                load[helper.id] = load.get(helper.id, 0) + 1
                helpers.add(helper.id)
                package.items.append(ServicePackageItem(
                    skill=skills[code], volunteer=helper, cadence=cadence, weekday=weekday,
                    nth=nth, time_of_day=start, duration_minutes=minutes,
                    description=description))
            if package.items:
                session.add(package)
                counts["service_packages"] += 1
                counts["package_items"] += len(package.items)
    session.flush()
    result = generation.sync(session, generation.households_with_packages(session),
                             today=today, zone=zone, now=max(
                                 utcnow(), datetime.combine(today, time(0), tzinfo=zone)))
    counts["package_visits"] = result.created
    return counts
