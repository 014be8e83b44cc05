"""The demo's service projects (服务项目, step 3), both in the first neighbourhood:

- a **drawing contest for children** (families with children): the first round held two
  weeks ago, the final with the prize-giving ahead;
- **information sessions for migrant tenants** ("new Shanghainese") on labour policy and
  residence permits: four sessions a fortnight apart, the first two held, goal 4 sessions and
  150 participants.

Held events have their participants (registrations marked attended, some families of two or
three), upcoming ones some sign-ups; each project has organisers, a short report and photo
links. Keyed by (neighbourhood, title) for projects and events: a second load adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import EventKind, EventStatus, ProjectTarget, RegistrationStatus
from app.models import Event, Neighbourhood, Project, Registration, Volunteer


@dataclass(frozen=True)
class EventSpec:
    title: str
    days: int  #: from today (negative: held)
    start: time
    hours: float
    kind: EventKind
    place: str
    capacity: int
    people: int  #: registrations to draw (attended when held, confirmed when ahead)


@dataclass(frozen=True)
class ProjectSpec:
    title: str
    target: ProjectTarget
    description: str
    days: tuple[int, int]
    goal_events: int
    goal_participants: int
    report: str
    photos: str
    events: tuple[EventSpec, ...]


PROJECTS = (
    ProjectSpec(
        title="“我心中的家园”少儿绘画比赛", target=ProjectTarget.children_families,
        description="为小区有孩子的家庭举办绘画比赛：孩子们画出心中的社区，作品在居委会展出。",
        days=(-30, 30), goal_events=2, goal_participants=60,
        report="初赛顺利举行，孩子们在家长陪同下完成作品，评出入围决赛的作品二十幅。",
        photos="https://example.org/linli-demo/drawing-1.jpg\n"
               "https://example.org/linli-demo/drawing-2.jpg",
        events=(
            EventSpec("少儿绘画比赛 · 初赛", -14, time(9, 30), 2.5, EventKind.other,
                      "居委会活动室", 40, 22),
            EventSpec("少儿绘画比赛 · 决赛及颁奖", 14, time(9, 30), 2.0, EventKind.other,
                      "居委会活动室", 40, 9),
        )),
    ProjectSpec(
        title="新上海人政策宣讲：劳动政策与居住证", target=ProjectTarget.new_residents,
        description="为来沪租户讲解劳动合同、社会保险和居住证办理，现场答疑。",
        days=(-35, 35), goal_events=4, goal_participants=150,
        report="前两场宣讲已举行，租户们最关心居住证积分和子女入学，已整理成问答张贴。",
        photos="https://example.org/linli-demo/permit-1.jpg",
        events=(
            EventSpec("政策宣讲 · 劳动合同与工资", -28, time(19, 0), 1.5, EventKind.training,
                      "社区学校一楼教室", 60, 38),
            EventSpec("政策宣讲 · 社会保险", -14, time(19, 0), 1.5, EventKind.training,
                      "社区学校一楼教室", 60, 33),
            EventSpec("政策宣讲 · 居住证办理与积分", 7, time(19, 0), 1.5,
                      EventKind.training, "社区学校一楼教室", 60, 12),
            EventSpec("政策宣讲 · 子女入学", 21, time(19, 0), 1.5, EventKind.training,
                      "社区学校一楼教室", 60, 0),
        )),
)

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def load_projects(session: Session, neighbourhoods: list[Neighbourhood], zone: ZoneInfo,
                  today: date, *, seed: int = 31) -> dict[str, int]:
    created = {"projects": 0, "events": 0, "registrations": 0}
    if not neighbourhoods:
        return created
    neighbourhood = neighbourhoods[0]
    rng = random.Random(seed)
    organisers = list(session.scalars(
        select(Volunteer).where(Volunteer.neighbourhood_id == neighbourhood.id)
        .order_by(Volunteer.id).limit(3)))
    for index, spec in enumerate(PROJECTS):
        if session.scalar(select(Project.id).where(
                Project.neighbourhood_id == neighbourhood.id, Project.title == spec.title)):
            continue
        project = Project(
            neighbourhood=neighbourhood, title=spec.title, target=spec.target,
            description=spec.description, starts_on=today + timedelta(days=spec.days[0]),
            ends_on=today + timedelta(days=spec.days[1]), goal_events=spec.goal_events,
            goal_participants=spec.goal_participants, report=spec.report,
            photo_links=spec.photos, organisers=organisers[index:index + 2])
        session.add(project)
        created["projects"] += 1
        for k, ev in enumerate(spec.events):
            project.events.append(_event(session, rng, neighbourhood, ev, index * 10 + k,
                                         zone, today, created))
    session.flush()
    return created


def _event(session: Session, rng: random.Random, neighbourhood: Neighbourhood,
           spec: EventSpec, number: int, zone: ZoneInfo, today: date,
           created: dict[str, int]) -> Event:
    existing = session.scalar(select(Event).where(
        Event.neighbourhood_id == neighbourhood.id, Event.title == spec.title))
    if existing is not None:
        return existing
    start = datetime.combine(today + timedelta(days=spec.days), spec.start, tzinfo=zone)
    event = Event(neighbourhood=neighbourhood, kind=spec.kind, title=spec.title,
                  place=f"{neighbourhood.name}{spec.place}", start_at=start,
                  end_at=start + timedelta(hours=spec.hours), status=EventStatus.published,
                  is_public=True, capacity=spec.capacity, max_party_size=3,
                  contact=f"{neighbourhood.name}居委会")
    session.add(event)
    created["events"] += 1
    held = spec.days < 0
    for k in range(spec.people):
        name = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + (rng.choice(_GIVEN)
                                                              if rng.random() < 0.5 else "")
        session.add(Registration(
            event=event, name=name, phone=f"135{number:02d}{k:06d}",
            party_size=rng.choice((1, 1, 2, 2, 3)) if spec.kind == EventKind.other else 1,
            status=RegistrationStatus.attended if held else RegistrationStatus.confirmed,
            consent_at=start - timedelta(days=3)))
        created["registrations"] += 1
    return event
