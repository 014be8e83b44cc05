"""The demo's year of residents' requests (step 2 of the article), the year before `today`:

- **Jiang Jiezhi's Monday patrols** in Yongye: 235 suggestions filed on the Mondays of the
  year (four or five a round), every one handled — most carried out as improvements, some
  answered with an explanation — by the neighbourhood without passing any on;
- the **pergola with climbing plants**: raised in Jiahong, referred to the residents'
  council, decided at a council meeting (an event of the neighbourhood, with the
  representatives' vote), built, and posted on the notice board;
- the **blood-pressure doctor**: raised on a household visit in Yongye, arranged as an
  improvement (a retired doctor on a fixed day each month), posted on the notice board;
- about a hundred more per neighbourhood by every channel (form, call, visit, patrol, app)
  in the article's three ways and every state: most resolved within days or weeks, a few
  passed on to a town or district department (so over 90% are resolved at neighbourhood
  level), the last weeks' still open (some overdue), a few merged, a few reopened by the
  raiser's "not resolved" answer, and the questionnaire's answers.
- each request raised on a household visit (the doctor's too) is the visited household's, its
  contact and mobile number on file standing for the raiser, and is filed by a member of the
  building's service group (`volunteer_id`, as the per-volunteer figures count): see
  `app.services.demo.request_visits`.

Written once, when the demo neighbourhoods have no request, by bulk inserts (a statement per
table); `app.services.requests.stats` gives back the figures (`tests/app/services/
test_demo_requests.py` checks them).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import (
    EventKind,
    EventStatus,
    RequestCategory,
    RequestChannel,
    RequestStatus,
    SatisfactionAnswer,
)
from app.models import (
    Building,
    CouncilAttendee,
    Department,
    Event,
    Neighbourhood,
    ResidentRequest,
    User,
    Volunteer,
)
from app.services.demo import data as d
from app.services.demo.request_stories import Story, cut, write
from app.services.demo.request_texts import DEPARTMENTS, MATTERS, PATROL_FINDINGS
from app.services.demo.request_visits import VisitRaisers
from app.services.requests.deadlines import DeadlineClock
from app.services.requests.levels import department_levels, starting_levels

S = RequestStatus
C = RequestCategory
YEAR_DAYS = 365
JIANG = "江洁志"
JIANG_SUGGESTIONS = 235
#: Requests by other channels and people, per neighbourhood and year.
OTHERS_PER_NEIGHBOURHOOD = 100
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#: The demo's requests are known by their follow tokens (loading again adds none).
DEMO_TOKEN = "demo-"

#: The first requests of each neighbourhood: (days ago, the state they are in now), so every
#: state a request can be in has an example on any day the demo is loaded.
RECENT: tuple[tuple[int, RequestStatus], ...] = (
    (2, S.received), (4, S.explained), (9, S.handling), (16, S.improving), (24, S.council),
    (33, S.handling))

def load_requests(session: Session, neighbourhoods: list[Neighbourhood], zone: ZoneInfo,
                  today: date, *, seed: int = 13) -> dict[str, int]:
    """Create the demo's year of requests unless the neighbourhoods have some."""
    if not neighbourhoods or session.scalar(select(ResidentRequest.id).where(
            ResidentRequest.follow_token.startswith(DEMO_TOKEN)).limit(1)) is not None:
        return {}
    rng = random.Random(seed)
    writer = _Writer(session, rng, zone, today)
    by_name = {n.name: n for n in neighbourhoods}
    jiahong = by_name.get(d.NEIGHBOURHOODS[0].name)
    yongye = by_name.get(d.NEIGHBOURHOODS[1].name)
    if yongye is not None:
        writer.jiang_patrols(yongye)
        writer.blood_pressure_doctor(yongye)
    if jiahong is not None:
        writer.pergola(jiahong)
    for neighbourhood in neighbourhoods:
        writer.others(neighbourhood)
    told = [story for story in writer.stories if cut(story, writer.now, writer.starts)]
    return writer.created | write(session, told, writer.starts)


class _Writer:
    def __init__(self, session: Session, rng: random.Random, zone: ZoneInfo,
                 today: date) -> None:
        self.session, self.rng, self.zone, self.today = session, rng, zone, today
        #: The demo's present: what lies after the start of `today` has not happened yet.
        self.now = datetime.combine(today, time(0), tzinfo=zone)
        self.stories: list[Story] = []
        self.codes: set[str] = set()
        self.created: dict[str, int] = {}
        self.starts = starting_levels(session)
        self.departments = self._departments()
        #: Due dates as the intake sets them: the category's working days on the calendar.
        self.deadlines = DeadlineClock(session, today - timedelta(days=YEAR_DAYS + 7), today,
                                       zone)
        self.visits = VisitRaisers(session, leaving_out=JIANG)

    # -- reference data ----------------------------------------------------------------------

    def _departments(self) -> dict[int, list[int]]:
        """The demo's departments' ids by the id of their level."""
        levels = [level.id for level in department_levels(self.session)]
        found = dict(self.session.execute(
            select(Department.name, Department.id)).tuples().all())
        for name, name_en, position in DEPARTMENTS:
            if name not in found:
                department = Department(name=name, name_en=name_en, level_id=levels[position])
                self.session.add(department)
                self.session.flush()
                found[name] = department.id
                self.created["departments"] = self.created.get("departments", 0) + 1
        by_level: dict[int, list[int]] = {}
        for name, _en, position in DEPARTMENTS:
            by_level.setdefault(levels[position], []).append(found[name])
        return by_level

    def _buildings(self, neighbourhood: Neighbourhood) -> list[tuple[int, str, int | None]]:
        return list(self.session.execute(
            select(Building.id, Building.number, Building.service_group_id)
            .where(Building.neighbourhood_id == neighbourhood.id)
            .order_by(Building.id)).tuples().all())

    def _coordinator(self, neighbourhood: Neighbourhood) -> tuple[int | None, str]:
        slug = next((s.slug for s in d.NEIGHBOURHOODS if s.name == neighbourhood.name), None)
        user = self.session.scalars(select(User).where(User.username == slug)).first()
        return (user.id, user.display_name) if user else (None, "")

    # -- helpers -------------------------------------------------------------------------------

    def _at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    def _code(self) -> str:
        while True:
            code = "Q" + "".join(self.rng.choice(CODE_ALPHABET) for _ in range(7))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _story(self, neighbourhood: Neighbourhood, building: tuple[int, str, int | None] | None,
               category: RequestCategory, text: str, channel: RequestChannel,
               received: datetime, actor: tuple[int | None, str],
               **extra: object) -> Story:
        group = building[2] if building else None
        row = {
            "neighbourhood_id": neighbourhood.id, "reference_code": self._code(),
            "follow_token": f"{DEMO_TOKEN}{len(self.stories)}-{self.rng.getrandbits(64):016x}",
            "category": category, "channel": channel, "status": S.received, "text": text,
            "place": None, "building_id": building[0] if building else None,
            "service_group_id": group, "name": None, "phone": None, "email": None,
            "locale": "zh_CN", "consent_at": None, "household_id": None, "volunteer_id": None,
            "created_by_id": None, "received_at": received,
            "due_at": self.deadlines.due(category, received), "resolved_at": None,
            "board_title": None, "result": None, "posted_at": None, "council_event_id": None,
            "council_decision": None, "council_decided_at": None, "merged_into_id": None,
            "me_too": 0, "survey_token": None, "survey_sent_at": None,
            "level_id": self.starts.for_group(group),
            "department_id": None, "created_at": received, "updated_at": received,
            **extra,
        }
        if channel == RequestChannel.visit:
            self.visits.raise_on_visit(row, len(self.stories))
        story = Story(row, actor=actor)
        story.steps.append((None, S.received, received, None))
        self.stories.append(story)
        return story

    def _step(self, story: Story, to: RequestStatus, at: datetime,
              note: str | None = None) -> None:
        story.steps.append((story.row["status"], to, at, note))
        story.row["status"] = to
        story.row["updated_at"] = at
        if to == S.resolved:
            story.row["resolved_at"] = at
            if story.row["phone"]:
                # Counted as asked: the demo's people are made up, so the daily questionnaire
                # must not text them.
                story.row["survey_token"] = f"{self.rng.getrandbits(64):016x}"
                story.row["survey_sent_at"] = at

    def _post(self, story: Story, title: str, result: str) -> None:
        story.row.update(board_title=title[:200], result=result,
                         posted_at=story.row["resolved_at"])

    def _resident(self, story: Story) -> None:
        """A resident who left a name and mobile number (and agreed to their use); on a
        visit, the household's contact at its mobile number on file."""
        surname = self.rng.choice(d.SURNAMES)
        name = surname + self.rng.choice(("阿姨", "老师", "师傅", "先生", "女士"))
        phone = self.rng.choice(d.MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
        household = story.row["household_id"]
        if household is not None:
            name, phone = self.visits.contact(story.row["neighbourhood_id"], household)
        story.row.update(name=name, phone=phone, consent_at=story.row["received_at"])

    # -- the article's examples ----------------------------------------------------------------

    def jiang_patrols(self, yongye: Neighbourhood) -> None:
        jiang = self.session.scalars(select(Volunteer.id).where(
            Volunteer.name == JIANG, Volunteer.neighbourhood_id == yongye.id)).first()
        buildings = self._buildings(yongye)
        if jiang is None or not buildings:
            return
        user = self._coordinator(yongye)
        first = self.today - timedelta(days=YEAR_DAYS - 7)
        first += timedelta(days=(-first.weekday()) % 7)
        mondays = []
        day = first
        while day <= self.today - timedelta(days=21):
            mondays.append(day)
            day += timedelta(days=7)
        per_round = [JIANG_SUGGESTIONS // len(mondays)] * len(mondays)
        for k in self.rng.sample(range(len(mondays)), JIANG_SUGGESTIONS % len(mondays)):
            per_round[k] += 1
        for monday, count in zip(mondays, per_round, strict=True):
            for n in range(count):
                building = self.rng.choice(buildings)
                category, finding, done = self.rng.choice(PATROL_FINDINGS)
                story = self._story(yongye, building, category,
                                    "周一巡查发现：" + finding.format(b=building[1]),
                                    RequestChannel.patrol, self._at(monday, 9, 10 + 8 * n),
                                    user, volunteer_id=jiang)
                self._handled(story, done, explained=self.rng.random() < 0.15, quick=True)

    def pergola(self, jiahong: Neighbourhood) -> None:
        buildings = self._buildings(jiahong)
        building = next((b for b in buildings if b[1] == "12"), buildings[0] if buildings
                        else None)
        number = building[1] if building else "12"
        raised = self.today - timedelta(days=150)
        story = self._story(
            jiahong, building, C.public_facilities,
            f"{number}号楼前的小花园夏天太晒，想搭一个花架种些爬藤植物，大家可以在下面乘凉聊天。",
            RequestChannel.form, self._at(raised, 19, 40), self._coordinator(jiahong),
            place=f"{number}号楼前小花园")
        self._resident(story)
        story.row["me_too"] = 14
        self._step(story, S.handling, self._at(raised + timedelta(days=1), 9, 30))
        self._step(story, S.council, self._at(raised + timedelta(days=3), 10, 0),
                   "花架对底楼住户的采光有影响，也有居民担心招蚊虫，提交居民议事会讨论决定。")
        meeting_day = raised + timedelta(days=17)
        meeting = Event(
            neighbourhood_id=jiahong.id, kind=EventKind.other,
            title=f"居民议事会：{number}号楼前搭建花架", place="佳虹居委会会议室",
            description="议题：在小花园搭建花架、种植爬藤植物。邀请居民代表、楼组长、"
                        "底楼住户代表和物业参加。",
            start_at=self._at(meeting_day, 14, 0), end_at=self._at(meeting_day, 15, 30),
            is_public=False, status=EventStatus.published)
        self.session.add(meeting)
        self.session.flush()
        # 33 representatives invited (named by building here, not as people), 31 came.
        self.session.add_all(CouncilAttendee(event_id=meeting.id, name=f"{i}号楼居民代表",
                                             attended=i <= 31) for i in range(1, 34))
        self.created["council_meetings"] = 1
        decided = self._at(meeting_day, 15, 30)
        # A proposal voted for or against: 31 came, 27 for, 3 against, 1 abstained.
        agreed = "同意在小花园搭建葡萄架，种植爬藤植物"
        story.council_vote = ((agreed, 27), ("不同意搭建", 3)), 1
        story.row.update(
            council_event_id=meeting.id, council_decided_at=decided,
            council_decision=f"{agreed}。选用紫藤和凌霄，花架离底楼窗户三米以上，"
                             "由物业定期修剪。")
        self._step(story, S.improving, decided, "议事会同意搭建，居委会联系物业施工。")
        built = self._at(meeting_day + timedelta(days=40), 16, 0)
        self._step(story, S.resolved, built, "花架已建成，种上了紫藤和凌霄。")
        self._post(story, f"{number}号楼前小花园搭建花架",
                   "经居民议事会表决同意，花架已建成，种上紫藤和凌霄，夏天居民可在花架下乘凉聊天；"
                   "花架离底楼窗户三米以上，物业每季度修剪一次。")
        story.answer = (built + timedelta(days=10), SatisfactionAnswer.satisfied, "非常好，谢谢！")

    def blood_pressure_doctor(self, yongye: Neighbourhood) -> None:
        buildings = self._buildings(yongye)
        raised = self.today - timedelta(days=210)
        story = self._story(
            yongye, buildings[0] if buildings else None, C.health,
            "小区里老人多，血压高的不少，去医院量血压排队太久，希望能有医生定期来小区量血压。",
            RequestChannel.visit, self._at(raised, 15, 20), self._coordinator(yongye))
        self._resident(story)
        self._step(story, S.handling, self._at(raised + timedelta(days=1), 9, 0))
        self._step(story, S.improving, self._at(raised + timedelta(days=4), 10, 0),
                   "居委会正在联系社区卫生服务中心的退休医生。")
        done = self._at(raised + timedelta(days=25), 11, 0)
        self._step(story, S.resolved, done,
                   "退休医生每月第一个周二上午来居委会活动室量血压。")
        self._post(story, "每月固定日子医生来小区量血压",
                   "联系了社区卫生服务中心的退休医生，每月第一个周二上午在居委会活动室为居民"
                   "免费量血压、做健康咨询，已有一百多位老人建立了血压记录。")
        story.answer = (done + timedelta(days=12), SatisfactionAnswer.satisfied, None)

    # -- everything else -----------------------------------------------------------------------

    def others(self, neighbourhood: Neighbourhood) -> None:
        buildings = self._buildings(neighbourhood)
        user = self._coordinator(neighbourhood)
        channels = [RequestChannel.form] * 4 + [RequestChannel.call] * 3 + [
            RequestChannel.visit] * 3 + [RequestChannel.patrol, RequestChannel.api]
        in_hand: list[Story] = []
        for k in range(OTHERS_PER_NEIGHBOURHOOD):
            category, words, title, result, explanation = self.rng.choice(MATTERS)
            building = self.rng.choice(buildings) if buildings else None
            number = building[1] if building else "1"
            channel = self.rng.choice(channels)
            age, way = RECENT[k] if k < len(RECENT) else (self.rng.randrange(6, YEAR_DAYS), None)
            if way is None and age <= 40 and k % 3 == 0:
                way = self.rng.choice((S.handling, S.improving, S.improving, S.council))
            if in_hand and k % 29 == 0 and way is None:
                self._merge(self._story(
                    neighbourhood, building, in_hand[-1].row["category"],
                    words.format(b=number), channel,
                    in_hand[-1].row["received_at"] + timedelta(days=self.rng.randrange(1, 4)),
                    user), in_hand[-1])
                continue
            received = self._at(self.today - timedelta(days=age), self.rng.randrange(8, 20),
                                self.rng.randrange(60))
            story = self._story(neighbourhood, building, category, words.format(b=number),
                                channel, received, user,
                                created_by_id=user[0] if channel == RequestChannel.call
                                else None)
            if channel != RequestChannel.patrol and self.rng.random() < 0.7:
                self._resident(story)
            texts = (title.format(b=number), result.format(b=number), explanation)
            if way is not None:
                self._open(story, way, texts)
                in_hand.append(story)
            else:
                self._handled(story, explanation,
                              explained=not result or self.rng.random() < 0.25,
                              texts=texts, escalate=k % 16 == 5)

    def _open(self, story: Story, way: RequestStatus, texts: tuple[str, str, str]) -> None:
        """Still in hand: not looked at yet, being looked into, answered and about to be
        closed, carried out, or waiting for the council."""
        received = story.row["received_at"]
        if way == S.received:
            return
        self._step(story, S.handling, received + timedelta(days=1))
        if way == S.explained:
            self._step(story, way, received + timedelta(days=2), texts[2])
        elif way == S.council:
            self._step(story, way, received + timedelta(days=3),
                       "有利有弊，提交居民议事会讨论决定。")
        elif way == S.improving:
            self._step(story, way, received + timedelta(days=3), "居委会正在落实。")

    def _merge(self, story: Story, into: Story) -> None:
        """The same matter raised again: closed as merged into the one in hand."""
        at = story.row["received_at"] + timedelta(hours=20)
        story.steps.append((S.received, S.merged, at,
                            f"与 {into.row['reference_code']} 是同一件事，一并处理。"))
        story.row.update(status=S.merged, updated_at=at, building_id=into.row["building_id"],
                         service_group_id=into.row["service_group_id"],
                         level_id=into.row["level_id"])
        story.merged_into = into.row["reference_code"]

    def _handled(self, story: Story, note: str, *, explained: bool, quick: bool = False,
                 texts: tuple[str, str, str] | None = None, escalate: bool = False) -> None:
        """Taken in hand, handled one of the article's ways, resolved; maybe answered."""
        rng = self.rng
        at = story.row["received_at"] + timedelta(hours=rng.randrange(2, 30))
        self._step(story, S.handling, at)
        if explained:
            at += timedelta(days=rng.randrange(1, 4))
            self._step(story, S.explained, at, note)
            at += timedelta(days=rng.randrange(2, 8))
            self._step(story, S.resolved, at, "已向居民解释清楚。")
        else:
            if escalate:
                town, district = self.departments
                level = rng.choice((town, town, district))
                department = rng.choice(self.departments[level])
                story.escalation = (at + timedelta(hours=2), level, department,
                                    "超出居委会能力范围，转交上级部门协调。")
                story.row.update(level_id=level, department_id=department)
            at += timedelta(days=rng.randrange(1, 3))
            self._step(story, S.improving, at, "居委会正在落实。")
            span = rng.randrange(1, 8) if quick else rng.randrange(3, 30 if not escalate else 60)
            at += timedelta(days=span, hours=rng.randrange(0, 8))
            self._step(story, S.resolved, at, note if quick else "已办结。")
            if texts and texts[0] and rng.random() < 0.6:
                self._post(story, texts[0], texts[1])
        if story.row["phone"] and rng.random() < 0.7:
            roll = rng.random()
            answer = (SatisfactionAnswer.satisfied if roll < 0.86 else
                      SatisfactionAnswer.partly if roll < 0.95 else
                      SatisfactionAnswer.not_satisfied)
            story.answer = (at + timedelta(days=rng.randrange(3, 15)), answer,
                            "问题还没解决，希望再看看。"
                            if answer == SatisfactionAnswer.not_satisfied else None)
            if answer == SatisfactionAnswer.not_satisfied:
                reopened = story.answer[0]
                story.steps.append((S.resolved, S.handling, reopened, story.answer[2]))
                story.row.update(status=S.handling, resolved_at=None, posted_at=None,
                                 updated_at=reopened)
