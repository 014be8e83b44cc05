"""The demo plan: every volunteer and household the demo contains, drawn in memory.

The plan depends only on the seed and the dates, never on what the database holds, so a
second load draws exactly the same names and phones and can match them on their natural keys.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from app.enums import HouseholdCategory, PackageCadence, VisitKind
from app.services.demo import data as d

MORNING = (time(8, 0), time(12, 0))
AFTERNOON = (time(13, 30), time(17, 30))
DAYTIME = (time(8, 0), time(17, 30))
EVENING = (time(18, 30), time(21, 30))
WEEKEND_DAY = (time(9, 0), time(17, 0))

TARGET_VOLUNTEERS = 180

Window = tuple[time, time]


@dataclass
class VolunteerPlan:
    name: str
    phone: str
    neighbourhood: int  #: index into data.NEIGHBOURHOODS
    skills: set[str]
    teams: list[str]
    x_km: float
    y_km: float
    email: str | None = None
    is_party_member: bool = False
    is_dual_registered: bool = False
    max_minutes_per_week: int = 480
    max_shifts_per_week: int = 3
    windows: dict[int, list[Window]] = field(default_factory=dict)
    notes: str | None = None
    #: A member of the neighbourhood's service group of party members on posts (`PARTY_GROUP`).
    in_party_group: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.phone)

    @property
    def max_families(self) -> int:
        """Families the member may be paired with (结对): three for a party member living
        here, one for an in-service party member, two for anybody else."""
        if self.is_party_member:
            return 1 if self.is_dual_registered else 3
        return 2

    def add_window(self, weekday: int, window: Window) -> None:
        """Add a weekly window, merging it with any it overlaps or touches on that day."""
        start, end = window
        kept = []
        for other_start, other_end in self.windows.get(weekday, []):
            if other_start <= end and start <= other_end:
                start, end = min(start, other_start), max(end, other_end)
            else:
                kept.append((other_start, other_end))
        kept.append((start, end))
        self.windows[weekday] = sorted(kept)

    def daytime_windows(self, minutes: int) -> list[tuple[int, Window]]:
        """Windows before the evening long enough for a visit of `minutes` plus some slack."""
        return [
            (weekday, (start, end))
            for weekday, windows in sorted(self.windows.items())
            for start, end in windows
            if start < time(17, 0) and _minutes(start, end) >= minutes + 30
        ]


@dataclass
class PackageItemPlan:
    """One service of a household's package (`data.CARE_PACKAGES`), by one helper."""

    service: str
    volunteer: VolunteerPlan
    weekday: int
    preferred_time: time
    starts_on: date


@dataclass
class VisitPlan:
    days_ago: int
    kind: VisitKind
    volunteer: VolunteerPlan | None
    notes: str | None = None


@dataclass
class HouseholdPlan:
    neighbourhood: int
    address: str
    contact_name: str
    contact_phone: str
    members_count: int
    categories: tuple[HouseholdCategory, ...]
    x_km: float
    y_km: float
    notes: str | None = None
    package_items: list[PackageItemPlan] = field(default_factory=list)
    visits: list[VisitPlan] = field(default_factory=list)


@dataclass
class DemoPlan:
    volunteers: list[VolunteerPlan]
    households: list[HouseholdPlan]
    #: team name → the volunteer who leads it
    leads: dict[str, VolunteerPlan]
    #: patrol group team name → index of the neighbourhood whose cafés it patrols
    patrol_groups: list[str]


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def patrol_group_name(index: int) -> str:
    return f"{d.PATROL_SQUAD}{d.PATROL_GROUP_NAMES[index]}"


class _Drawer:
    """Names, phones and places drawn without repetition from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[str] = {name for name, _skills, _note in d.ARTICLE_VOLUNTEERS}
        self.phones: set[str] = set()

    def name(self, female: bool) -> str:
        chars = d.FEMALE_CHARS if female else d.MALE_CHARS
        while True:
            given = "".join(self.rng.choice(chars) for _ in range(self.rng.choice((1, 2, 2))))
            name = self.rng.choice(d.SURNAMES) + given
            if name not in self.names and given[:1] != given[1:2]:
                self.names.add(name)
                return name

    def old_name(self, female: bool) -> str:
        pool = d.OLD_FEMALE_NAMES if female else d.OLD_MALE_NAMES
        while True:
            name = self.rng.choice(d.SURNAMES) + self.rng.choice(pool)
            if name not in self.names:
                self.names.add(name)
                return name

    def phone(self) -> str:
        while True:
            phone = self.rng.choice(d.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def near(self, neighbourhood: int, spread: float = 0.4) -> tuple[float, float]:
        spec = d.NEIGHBOURHOODS[neighbourhood]
        return (
            round(spec.x_km + self.rng.uniform(-spread, spread), 2),
            round(spec.y_km + self.rng.uniform(-spread, spread), 2),
        )


def build_plan(
    rng: random.Random, *, today: date, lei_feng_weekday: int
) -> DemoPlan:
    draw = _Drawer(rng)
    volunteers: list[VolunteerPlan] = []
    leads: dict[str, VolunteerPlan] = {}
    counter = iter(range(1, 10_000))

    def new(
        neighbourhood: int,
        skills: set[str],
        teams: list[str],
        *,
        retired: bool,
        female: bool | None = None,
        name: str | None = None,
        party: float = 0.3,
    ) -> VolunteerPlan:
        if female is None:
            female = rng.random() < 0.55
        x_km, y_km = draw.near(neighbourhood)
        index = next(counter)
        plan = VolunteerPlan(
            name=name or draw.name(female),
            phone=draw.phone(),
            neighbourhood=neighbourhood,
            skills=set(skills),
            teams=list(teams),
            x_km=x_km,
            y_km=y_km,
            email=f"linli.volunteer{index:03d}@example.com" if rng.random() < 0.35 else None,
            is_party_member=rng.random() < party,
            max_minutes_per_week=rng.choice((300, 360, 480, 600)),
            max_shifts_per_week=rng.choice((2, 3, 3, 4)),
        )
        if not retired:
            plan.is_dual_registered = plan.is_party_member and rng.random() < 0.6
        if retired:
            for weekday in rng.sample(range(7), rng.randint(2, 4)):
                plan.add_window(weekday, rng.choice((MORNING, MORNING, AFTERNOON, DAYTIME)))
        else:
            for weekday in rng.sample(range(5), rng.randint(1, 2)):
                plan.add_window(weekday, EVENING)
            plan.add_window(rng.choice((5, 6)), WEEKEND_DAY)
        # Whoever offers a Lei Feng station keeps the service day's morning free.
        if plan.skills & d.LEI_FENG_STATION_SKILLS:
            plan.add_window(lei_feng_weekday, MORNING)
        volunteers.append(plan)
        return plan

    # The Yongye party members named in the article.
    yongye = 1
    article = {}
    for name, skills, note in d.ARTICLE_VOLUNTEERS:
        plan = new(yongye, set(skills), [], retired=True, female=name != "张杰", name=name,
                   party=1.0)
        plan.notes = note
        plan.in_party_group = True
        article[name] = plan
    jiang = article["江洁志"]
    jiang.add_window(0, (time(8, 0), time(11, 30)))  # patrols every Monday
    jiang.teams.append("助老助残队")
    article["张杰"].teams.append("上门理发队")

    # The seven professional teams, members spread over the neighbourhoods.
    for team in d.PROFESSIONAL_TEAMS:
        members = [v for v in volunteers if team.name in v.teams]
        for i in range(team.size - len(members)):
            skills = {team.skill} | {s for s in team.extra_skills if rng.random() < 0.8}
            if team.kind.value == "repair" and rng.random() < 0.3:
                skills.add("key_copying")
            members.append(new(i % len(d.NEIGHBOURHOODS), skills, [team.name],
                               retired=team.retired, party=0.4))
        leads[team.name] = next(m for m in members if m.name not in article)

    # The party members' service group (团组) of each neighbourhood, who visit and patrol.
    for n in range(len(d.NEIGHBOURHOODS)):
        members = [v for v in volunteers if v.in_party_group and v.neighbourhood == n]
        while len(members) < 6:
            retired = rng.random() < 0.6
            plan = new(n, {"companionship"}, [], retired=retired, party=0.85)
            plan.in_party_group = True
            if not retired:
                plan.is_party_member = True
                plan.is_dual_registered = True
            members.append(plan)
        if n == yongye:
            # A second patroller beside Jiang Jiezhi for the Monday round.
            partner = next(m for m in members if m.name not in article)
            partner.skills.add("patrol")
            partner.add_window(0, MORNING)

    # The internet-café supervision squad: 14 supervisors in 4 groups.
    patrol_groups = []
    for g, size in enumerate(d.PATROL_GROUP_SIZES):
        group = patrol_group_name(g)
        patrol_groups.append(group)
        members = []
        for _ in range(size):
            plan = new(g, {"patrol"}, [group], retired=rng.random() < 0.5, party=0.5)
            for weekday in d.PATROL_GROUP_DAYS[g]:
                plan.add_window(weekday, EVENING)
            plan.max_shifts_per_week = 4
            plan.max_minutes_per_week = max(plan.max_minutes_per_week, 480)
            members.append(plan)
        leads[group] = members[0]

    # Craftsmen and advisers for the Lei Feng stations, and the opera performers.
    for skill, count, female, retired in (
        ("knife_sharpening", 3, False, True), ("key_copying", 2, False, True),
        ("umbrella_repair", 3, False, True), ("shoe_repair", 3, False, True),
        ("mending", 5, True, True), ("family_planning", 3, True, False),
        ("food_safety", 3, None, False), ("legal_advice", 4, None, False),
        ("opera", 3, True, True), ("blood_pressure", 2, None, True),
    ):
        for i in range(count):
            skills = {skill}
            if skill == "opera":
                skills.add("companionship")
            # Opera performers go one to each neighbourhood without one.
            n = (i + 2) % 4 if skill == "opera" else rng.randrange(len(d.NEIGHBOURHOODS))
            new(n, skills, [], retired=retired, female=female)

    # Trainers for the women's course: two per session, free on Saturday afternoons.
    for _title, skill in d.TRAINING_SESSIONS:
        for _ in range(2):
            plan = new(3, {skill}, [], retired=False, female=True)
            plan.add_window(d.TRAINING_WEEKDAY, (time(13, 30), time(17, 30)))

    # Residents who help where they can, up to the target size.
    general = ("cleanup", "companionship", "grocery_delivery", "food_safety", "tutoring")
    while len(volunteers) < TARGET_VOLUNTEERS:
        skills = set(rng.sample(general, rng.randint(1, 2)))
        new(rng.randrange(len(d.NEIGHBOURHOODS)), skills, [], retired=rng.random() < 0.6)

    households = _households(rng, draw, volunteers, article, today)
    return DemoPlan(volunteers=volunteers, households=households, leads=leads,
                    patrol_groups=patrol_groups)


#: How many visits a week an item of each cadence brings (for the helper's weekly limits).
VISITS_A_WEEK = {PackageCadence.weekly: 1.0, PackageCadence.fortnightly: 0.5,
                 PackageCadence.monthly: 0.25, PackageCadence.weekdays: 7.0}


def free_start(window: Window, minutes: int, busy: list[Window], begin: time | None = None
               ) -> time | None:
    """The first start from `begin` (the window's start) on the half hour inside `window`
    leaving half an hour before and after each of the `busy` visits; None when none fits."""
    gap = timedelta(minutes=30)
    at = datetime.combine(date.min, begin or window[0])
    end = datetime.combine(date.min, window[1])
    while at + timedelta(minutes=minutes) <= end:
        stop = at + timedelta(minutes=minutes)
        if all(stop + gap <= datetime.combine(date.min, b0)
               or datetime.combine(date.min, b1) + gap <= at for b0, b1 in busy):
            return at.time()
        at += gap
    return None


def _free_slot(windows: list[tuple[int, Window]], key: tuple[str, str], minutes: int,
               on_day: dict[tuple[tuple[str, str], int], list[Window]], *,
               first: tuple[int, time]) -> tuple[int, time] | None:
    """A weekday and time for a helper's next item clear of the visits she has already been
    given: in the drawn window from the drawn time first, then in her other windows. None
    when every window is full."""
    drawn_day, drawn = first
    ordered = sorted(windows, key=lambda w: (w[0] != drawn_day, w[0], w[1][0]))
    for weekday, window in ordered:
        begin = drawn if weekday == drawn_day and window[0] <= drawn < window[1] else None
        at = free_start(window, minutes, on_day.get((key, weekday), []), begin)
        if at is not None:
            return weekday, at
    return None


def _households(
    rng: random.Random,
    draw: _Drawer,
    volunteers: list[VolunteerPlan],
    article: dict[str, VolunteerPlan],
    today: date,
) -> list[HouseholdPlan]:
    packages = {name: (skill, cadence, minutes)
                for name, skill, cadence, _n, minutes, _d in d.CARE_PACKAGES}
    load: dict[tuple[str, str], int] = {}
    #: Visits a week and minutes a week each helper's items already bring, and how many
    #: visits each of her days already holds (the next starts after them, not on top).
    per_week: dict[tuple[str, str], float] = {}
    minutes_a_week: dict[tuple[str, str], float] = {}
    on_day: dict[tuple[tuple[str, str], int], list[Window]] = {}
    favourites = {"grocery_delivery": article["江洁志"], "opera": article["邬国兰"],
                  "haircut": article["张杰"]}
    households = []
    addresses: set[str] = set()
    categories = list(d.HOUSEHOLD_CATEGORIES)
    for n, spec in enumerate(d.NEIGHBOURHOODS):
        for i in range(d.HOUSEHOLDS_PER_NEIGHBOURHOOD):
            while True:
                # The first Jiahong household lives in the lane of the article's burst main.
                street = spec.streets[0] if (n, i) == (0, 0) else rng.choice(spec.streets)
                address = (f"{street}{rng.randint(1, 60)}号"
                           f"{rng.randint(1, 14)}{rng.randint(1, 4):02d}室")
                if address not in addresses:
                    addresses.add(address)
                    break
            cats = categories[(n * d.HOUSEHOLDS_PER_NEIGHBOURHOOD + i) % len(categories)]
            alone = HouseholdCategory.living_alone in cats
            x_km, y_km = draw.near(n, 0.3)
            household = HouseholdPlan(
                neighbourhood=n, address=address,
                contact_name=draw.old_name(female=rng.random() < 0.6),
                contact_phone=draw.phone(), members_count=1 if alone else rng.choice((2, 2, 3)),
                categories=cats, x_km=x_km, y_km=y_km,
            )
            chosen = [rng.choice(("买菜送米上门", "陪伴聊天"))]
            chosen += rng.sample(("上门健康检查", "上门理发护发", "戏曲表演"), rng.randint(0, 2))
            for package in chosen:
                skill, cadence, minutes = packages[package]
                weekly = VISITS_A_WEEK[cadence]
                able = [v for v in volunteers
                        if v.neighbourhood == n and skill in v.skills
                        and v.daytime_windows(minutes)]
                # Within her weekly limits with one visit's room to spare for her other
                # duties, so the package's visits can go to her; the nearest fit otherwise.
                candidates = [v for v in able
                              if per_week.get(v.key, 0) + weekly <= v.max_shifts_per_week - 1
                              and minutes_a_week.get(v.key, 0) + weekly * minutes
                              <= v.max_minutes_per_week - 120] or able
                if not candidates:
                    continue
                favourite = favourites.get(skill)
                if favourite in candidates and load.get(favourite.key, 0) < 3:
                    volunteer = favourite
                else:
                    volunteer = min(candidates, key=lambda v: (load.get(v.key, 0), v.phone))
                load[volunteer.key] = load.get(volunteer.key, 0) + 1
                per_week[volunteer.key] = per_week.get(volunteer.key, 0) + weekly
                minutes_a_week[volunteer.key] = (minutes_a_week.get(volunteer.key, 0)
                                                 + weekly * minutes)
                windows = volunteer.daytime_windows(minutes)
                weekday, (start, _end) = rng.choice(windows)
                preferred = time(start.hour, start.minute) if start.minute else time(
                    start.hour, 30)
                free = _free_slot(windows, volunteer.key, minutes, on_day,
                                  first=(weekday, preferred))
                if free is not None:
                    weekday, preferred = free
                finish = (datetime.combine(date.min, preferred)
                          + timedelta(minutes=minutes)).time()
                on_day.setdefault((volunteer.key, weekday), []).append((preferred, finish))
                household.package_items.append(PackageItemPlan(
                    service=package, volunteer=volunteer, weekday=weekday,
                    preferred_time=preferred,
                    starts_on=today - timedelta(days=rng.randint(30, 240)),
                ))
            paired = household.package_items[0].volunteer if household.package_items else None
            # Every fourth household was last seen long ago: it is overdue for a visit.
            last = rng.randint(60, 120) if i % 4 == 3 else rng.randint(2, 12)
            household.visits.append(VisitPlan(last, VisitKind.door, paired))
            if rng.random() < 0.6:
                household.visits.append(
                    VisitPlan(last + rng.randint(20, 40), VisitKind.phone, paired))
            households.append(household)
    # The burst water main of the article: the Jiahong group checked back days later.
    burst = households[0]
    burst.notes = "金高路2131弄水管爆裂,约380户断水,当天18点恢复供水。"
    burst.visits.append(VisitPlan(4, VisitKind.follow_up, None, "断水修复后跟踪回访,供水正常。"))
    return households
