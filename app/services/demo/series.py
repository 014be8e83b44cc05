"""The demo's event series (repeat rules): Jiang Jiezhi's round of Yongye every Monday morning
(the article: she has patrolled her neighbourhood every Monday since 2004), with her as its
regular volunteer, and Jiahong's Saturday service mornings for the coming year, which skip
the public holidays (the National Day week among them). Their occurrences over the rolling
horizon are made as a save in the admin would (`series.generation`).

Keyed by (neighbourhood, title): a series already there is left alone on a second load, and
generating again only adds the days the horizon has reached since.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import EventKind, SeriesFrequency, SeriesOnHoliday
from app.models import EventSeries, Neighbourhood, Skill, Volunteer
from app.services.demo import data as d
from app.services.series import generation

MONDAY, SATURDAY = 0, 5
SERVICE_TITLE = "佳虹周六便民服务"


def _series(neighbourhoods: list[Neighbourhood], session: Session,
            today: date) -> list[EventSeries]:
    yongye, jiahong = neighbourhoods[1], neighbourhoods[0]
    jiang = session.scalar(select(Volunteer).where(Volunteer.name == "江洁志",
                                                   Volunteer.neighbourhood_id == yongye.id))
    patrol = session.scalar(select(Skill).where(Skill.code == "patrol"))
    return [
        EventSeries(
            neighbourhood=yongye, kind=EventKind.patrol, title=d.YONGYE_PATROL_TITLE,
            description="江洁志等团组成员每周一巡查小区,收集居民意见建议。",
            place="永业居民区", is_public=False, publish=True,
            # A series cannot be kept for a service group (团组) yet: Jiang is its regular.
            contact=f"{yongye.name}居委会",
            start_time=d.YONGYE_PATROL_START, duration_minutes=d.YONGYE_PATROL_MINUTES,
            frequency=SeriesFrequency.weekly, weekdays_mask=1 << MONDAY, starts_on=today,
            on_holiday=SeriesOnHoliday.skip, shift_title="小区巡查:绿化、路灯、健身器、车辆停放",
            skill=patrol, min_volunteers=1, max_volunteers=2, volunteer=jiang),
        EventSeries(
            neighbourhood=jiahong, kind=EventKind.service_day, title=SERVICE_TITLE,
            description="每周六上午在居委会门口设摊:量血压、政策咨询、小修小补。节假日暂停。",
            place="佳虹居委会门口", is_public=True, publish=True, contact="佳虹居委会",
            start_time=time(8, 30), duration_minutes=150,
            frequency=SeriesFrequency.weekly, weekdays_mask=1 << SATURDAY, starts_on=today,
            ends_on=date(today.year + 1, 12, 31), on_holiday=SeriesOnHoliday.skip,
            shift_title="便民服务摊位", min_volunteers=1, max_volunteers=2),
    ]


def load_series(session: Session, neighbourhoods: list[Neighbourhood], zone: ZoneInfo,
                today: date) -> dict[str, int]:
    have = set(session.execute(select(EventSeries.neighbourhood_id, EventSeries.title)).tuples())
    made = 0
    for series in _series(neighbourhoods, session, today):
        if (series.neighbourhood.id, series.title) in have:
            continue
        session.add(series)
        made += 1
    session.flush()
    ids = list(session.scalars(select(EventSeries.id).where(
        EventSeries.neighbourhood_id.in_([n.id for n in neighbourhoods]))))
    # From the start of `today`, whatever the clock says: the demo's days follow `today`.
    result = generation.sync(session, ids, today=today, zone=zone,
                             now=datetime.combine(today, time(0), tzinfo=zone))
    return {"event_series": made, "events": result.created, "shifts": result.created,
            "assignments": result.assigned}
