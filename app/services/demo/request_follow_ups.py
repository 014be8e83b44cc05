"""The demo's follow-up contacts after an explanation (the article's first way: a narrow
personal demand is explained, and someone gets back in touch with the raiser later).

Every explained request of the demo's year gets the follow-up day explaining sets
(`follow_up.DEFAULT_DAYS` after the explanation; with a household, its planned contact), and
those whose day has come have the contact recorded by the committee's coordinator, as the
request page records it (`follow_up.record`): most reached, with what was said; some not
reached at first and reached a few days later; a few not reached yet, still due (overdue in
the list). A request the raiser reopened is being looked at again: its follow-up is only
planned. An anonymous raiser cannot be called back: the coordinator says so.

Loading again adds none: a request whose follow-up day is set is left as it is.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.enums import FollowUpOutcome, RequestChannel, RequestStatus
from app.models import Neighbourhood, RequestChange, ResidentRequest, User
from app.services.demo.requests import DEMO_TOKEN
from app.services.requests import follow_up

S = RequestStatus
REACHED = (
    "电话回访：居民表示理解，说有需要会再来找居委会。",
    "上门回访：又当面解释了一遍，居民表示接受，家里一切都好。",
    "电话回访：居民说情况比之前好些了，谢谢居委会关心。",
    "电话回访：居民对答复没有意见，顺便问了社区活动的时间。",
)
NOT_REACHED = (
    "电话无人接听，过几天再打。",
    "上门时家里没人，在门上留了联系卡。",
)
#: A patrol's suggestion is "raised" by the patrolling volunteer: it is them who hear back.
PATROL_REACHED = "已把答复告诉巡查志愿者，下次巡查时一并留意。"
ANONYMOUS = "匿名反映，没有留下联系方式，无法回访。"


def load_request_follow_ups(session: Session, neighbourhoods: list[Neighbourhood],
                            zone: ZoneInfo, today: date, *, seed: int = 17) -> dict[str, int]:
    """Plan and record the follow-ups of the demo's explained requests (flush only)."""
    ids = [n.id for n in neighbourhoods]
    if not ids:
        return {}
    explained = session.execute(
        select(ResidentRequest, RequestChange.at, RequestChange.user_id)
        .join(RequestChange, RequestChange.request_id == ResidentRequest.id)
        .where(ResidentRequest.neighbourhood_id.in_(ids),
               ResidentRequest.follow_token.startswith(DEMO_TOKEN),
               ResidentRequest.follow_up_due_on.is_(None),
               RequestChange.to_status == S.explained)
        .order_by(ResidentRequest.id, RequestChange.at)).tuples().all()
    rng = random.Random(seed)
    now = datetime.combine(today, time(0), tzinfo=zone)
    planned = recorded = 0
    seen: set[int] = set()
    for request, explained_at, user_id in explained:
        if request.id in seen:  # explained twice (reopened between): the first one counts
            continue
        seen.add(request.id)
        day = follow_up.default_day(explained_at.astimezone(zone).date())
        if follow_up.schedule(session, request, day, zone=zone) is not None:
            planned += 1
        coordinator = session.get(User, user_id) if user_id else None
        if coordinator is None or request.status not in (S.explained, S.resolved):
            continue
        recorded += _record(session, request, coordinator, rng,
                            datetime.combine(day, time(rng.randrange(9, 17)), tzinfo=zone),
                            now)
    return {"visits": planned, "request_changes": recorded}


def _record(session: Session, request: ResidentRequest, coordinator: User,
            rng: random.Random, call: datetime, now: datetime) -> int:
    """The contacts made by `now`, from `call` on; how many were recorded."""
    if call >= now:
        return 0
    if _anonymous(request):
        follow_up.record(session, request, FollowUpOutcome.not_reached, user=coordinator,
                         note=ANONYMOUS, at=call)
        return 1
    roll = rng.random()
    made = 0
    if roll < 0.25:
        follow_up.record(session, request, FollowUpOutcome.not_reached, user=coordinator,
                         note=rng.choice(NOT_REACHED), at=call)
        made += 1
        call += timedelta(days=rng.randrange(2, 5))
        if roll < 0.05 or call >= now:
            return made  # still due
    note = (PATROL_REACHED if request.channel == RequestChannel.patrol
            else rng.choice(REACHED))
    follow_up.record(session, request, FollowUpOutcome.reached, user=coordinator, note=note,
                     at=call)
    return made + 1


def _anonymous(request: ResidentRequest) -> bool:
    return not (request.phone or request.email or request.household_id
                or request.volunteer_id)


