"""Issue 10 hardening, application side."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.enums import EventKind, EventStatus
from app.models import Event
from tests.factories import make_event, make_household, make_neighbourhood

pytestmark = pytest.mark.integration


# --- 2. Care visits and household events are never public --------------------------------

def test_private_events_default_to_not_public(db_session: Session) -> None:
    visit = make_event(db_session, kind=EventKind.care_visit)
    household_event = make_event(db_session, kind=EventKind.other,
                                 household=make_household(db_session))
    ordinary = make_event(db_session)
    assert (visit.is_public, household_event.is_public, ordinary.is_public) == (
        False, False, True)


@pytest.mark.parametrize("kw", [{"kind": EventKind.care_visit}, {"kind": EventKind.other}])
def test_the_database_refuses_a_public_private_event(db_session: Session, kw) -> None:
    neighbourhood = make_neighbourhood(db_session)
    household = make_household(db_session, neighbourhood=neighbourhood)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        make_event(db_session, neighbourhood=neighbourhood, household=household,
                   is_public=True, **kw)
    visit = make_event(db_session, neighbourhood=neighbourhood, kind=EventKind.care_visit)
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.execute(update(Event).where(Event.id == visit.id).values(is_public=True))
    with pytest.raises(IntegrityError), db_session.begin_nested():
        db_session.execute(text("UPDATE events SET is_public = true WHERE id = :id"),
                           {"id": visit.id})


def test_one_helper_decides_what_is_public(db_session: Session) -> None:
    ordinary = make_event(db_session, status=EventStatus.published)
    visit = make_event(db_session, kind=EventKind.care_visit, status=EventStatus.published)
    shown = set(db_session.scalars(select(Event.id).where(Event.shown_publicly)))
    assert ordinary.id in shown and visit.id not in shown
    assert ordinary.shown_publicly and not visit.shown_publicly
    visit.is_public = True  # in memory only (the database would refuse it)
    assert not visit.shown_publicly
    db_session.expire(visit)
