"""Demo data for a fresh deployment: Jinqiao town as the source article describes it.

`load_demo` is idempotent: every row is matched on its natural key (neighbourhood by town and
name, skill by code, team by name, volunteer by name and phone, template by name, household by
neighbourhood and address, user by username, …) and only what is missing is created. It only
flushes; the caller commits. The demo logins get random passwords, returned once in the report.

Dates follow `today`:
- the Lei Feng service day is the next 5 March at least 7 days ahead; when that is more than
  100 days away, the next Saturday at least 7 days ahead instead, so a demo always has an
  upcoming service day to staff. It is keyed by its title, which carries the year;
- the women's training course (its third round) starts on the first Saturday at least 14 days
  ahead, four sessions a week apart, booked once for the whole course; keyed by its title;
- its second round (`courses`) was held on the four Saturdays before `today`: over 200 women
  signed up, with each session's attendance; keyed by its title;
- the café patrol rota covers the 4 weeks from the next Monday, keyed by (title, start):
  loading again on a later day adds only the weeks not yet there;
- the event series (`series`) start on `today`: Jiang Jiezhi's Monday round of Yongye and
  Jiahong's Saturday service mornings, public holidays skipped, their occurrences made over
  the rolling horizon; keyed by (neighbourhood, title);
- the weekend service mornings of the past quarter, with their attendance and hours
  (`history`), are the six every-other Saturdays before `today`;
- the café squad's inspection log (`patrols`) is the last summer holiday ended before `today`
  (1 July – 31 August), with the article's 200 certified group inspections and 1,568
  person-visits; keyed by the season's name;
- the pairings (`pairing`) start on `today`: most confirmed, the last three of each
  neighbourhood left proposed, the families left over with the engine's reason;
- the two service projects (`projects`) have events a fortnight or four weeks back (held,
  with participants) and ahead, keyed by their titles;
- the service packages (`packages`) started four weeks before `today`, their visits generated
  over the rolling horizon from `today`; keyed by household. In each neighbourhood the first
  family's weekly groceries found nobody at home the last two weeks (`missed_visits`): both
  visits escalated, make-ups proposed, the family flagged; keyed by household;
- the festival visits (`festivals`): last Mid-Autumn's campaign 70 days back, visited, with
  the food company's donation; the coming Spring Festival's, planned;
- the residents' requests (`requests`): the 365 days before `today` — Jiang Jiezhi's 235
  Monday suggestions, the pergola decided by the residents' council, the blood-pressure
  doctor, and about a hundred more per neighbourhood in every way and state; written once.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Neighbourhood
from app.services.demo import data as d
from app.services.demo.courses import load_courses
from app.services.demo.festivals import load_festivals
from app.services.demo.generate import build_plan
from app.services.demo.history import load_history
from app.services.demo.licences import load_licences
from app.services.demo.loader import Loader
from app.services.demo.missed_visits import load_missed_visits
from app.services.demo.packages import load_packages
from app.services.demo.pairing import load_pairings
from app.services.demo.patrols import load_patrols
from app.services.demo.projects import load_projects
from app.services.demo.report import DEFAULT_SEED, DemoLogin, DemoReport
from app.services.demo.request_follow_ups import load_request_follow_ups
from app.services.demo.requests import load_requests
from app.services.demo.residents import load_residents
from app.services.demo.routing_rules import load_routing_rules
from app.services.demo.series import load_series

__all__ = [
    "DEFAULT_SEED",
    "DemoLogin",
    "DemoReport",
    "database_has_data",
    "lei_feng_day",
    "load_demo",
    "training_start_day",
]

def database_has_data(session: Session) -> bool:
    """True when the database holds any neighbourhood: then it is no place for demo rows."""
    return session.scalar(select(Neighbourhood.id).limit(1)) is not None


def lei_feng_day(today: date) -> date:
    """The next 5 March at least 7 days ahead, or the next Saturday ≥ 7 days ahead if that
    5 March is more than 100 days off."""
    day = date(today.year, 3, 5)
    if day < today + timedelta(days=7):
        day = date(today.year + 1, 3, 5)
    if (day - today).days <= 100:
        return day
    return _next_weekday(today + timedelta(days=7), 5)


def training_start_day(today: date) -> date:
    return _next_weekday(today + timedelta(days=14), d.TRAINING_WEEKDAY)


def _next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def load_demo(
    session: Session, *, zone: ZoneInfo, today: date, seed: int = DEFAULT_SEED
) -> DemoReport:
    """Create whatever part of the demo is missing; flush, never commit."""
    service_day = lei_feng_day(today)
    plan = build_plan(random.Random(seed), today=today, lei_feng_weekday=service_day.weekday())
    loader = Loader(session, zone, today)
    loader.report.lei_feng_day = service_day
    loader.report.training_day = training_start_day(today)
    loader.run(plan)
    places = loader.neighbourhoods
    # In this order: each part builds on the people, households and events before it.
    parts = (
        lambda: load_residents(session, places, zone, today),
        lambda: load_history(session, places, zone, today) | load_licences(session, today),
        lambda: load_pairings(session, places, today),
        lambda: load_patrols(session, places, zone, today),
        lambda: load_series(session, places, zone, today),
        lambda: load_projects(session, places, zone, today),
        lambda: load_packages(session, places, zone, today),
        lambda: load_missed_visits(session, places, zone, today),
        lambda: load_courses(session, places, zone, today),
        lambda: load_festivals(session, places, zone, today),
        lambda: load_requests(session, places, zone, today),
        lambda: load_request_follow_ups(session, places, zone, today),
        # After the requests: their departments are created with them.
        lambda: load_routing_rules(session, places),
    )
    for part in parts:
        for key, n in part().items():
            if n:
                loader.count(key, n)
    return loader.report
