"""Visits in the member's personal feed: contacts of published rounds with stable UIDs, the
feed's version follows them, and nothing of the household beyond whom and where."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from app.enums import HouseholdCategory, RoundStatus, VisitKind, VisitOutcome
from app.models import Visit, VisitRound
from app.services.visits import recording
from tests.app.feeds.test_feeds_http import url, vevents
from tests.factories import make_household, make_volunteer

pytestmark = pytest.mark.integration


def _round_with_visit(session, volunteer, *, status=RoundStatus.published, name="李阿婆"):
    household = make_household(session, neighbourhood=volunteer.neighbourhood,
                               contact_name=name, address="佳虹路100弄12号701室",
                               contact_phone="13811112222", notes="独居，耳背",
                               categories=[HouseholdCategory.living_alone])
    round_ = VisitRound(neighbourhood=volunteer.neighbourhood,
                        starts_on=datetime.now(UTC).date(), weeks=1, status=status)
    visit = Visit(household=household, round=round_, volunteer=volunteer, kind=VisitKind.door,
                  outcome=VisitOutcome.planned,
                  visited_at=(datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0))
    session.add_all([round_, visit])
    session.flush()
    return round_, visit


def test_published_visits_appear_and_follow_changes(client, db_session: Session) -> None:
    volunteer = make_volunteer(db_session)
    _round, visit = _round_with_visit(db_session, volunteer)
    draft, _hidden = _round_with_visit(db_session, volunteer, status=RoundStatus.draft,
                                       name="草稿阿婆")
    _round_with_visit(db_session, make_volunteer(db_session), name="别人的阿婆")

    body = client.get(url(volunteer)).data
    [entry] = vevents(body)
    assert str(entry["UID"]).startswith(f"visit-{visit.id}@")
    assert "李阿婆" in str(entry["SUMMARY"])
    assert str(entry["LOCATION"]) == "佳虹路100弄12号701室"
    assert entry["DTEND"].dt - entry["DTSTART"].dt == timedelta(minutes=30)
    text = body.decode()
    for private in ("13811112222", "耳背", "独居老人", "草稿阿婆", "别人的阿婆"):
        assert private not in text, private
    first_sequence = int(entry["SEQUENCE"])

    # Publishing the draft adds its contact; recording moves the entry and raises SEQUENCE.
    draft.status = RoundStatus.published
    db_session.flush()
    assert len(vevents(client.get(url(volunteer)).data)) == 2
    db_session.execute(  # the contact was made a minute after it was planned
        Visit.__table__.update().where(Visit.id == visit.id)
        .values(created_at=visit.created_at - timedelta(minutes=1)))
    db_session.expire_all()
    recording.record_outcome(db_session, db_session.get(Visit, visit.id), volunteer.id,
                             "done")
    entries = {str(e["UID"]): e for e in vevents(client.get(url(volunteer)).data)}
    recorded = entries[str(entry["UID"])]
    assert int(recorded["SEQUENCE"]) > first_sequence
    assert str(recorded["TRANSP"]) == "TRANSPARENT" and "VALARM" not in str(recorded.to_ical())


def test_the_same_rows_give_the_same_bytes(client, db_session: Session) -> None:
    volunteer = make_volunteer(db_session)
    _round_with_visit(db_session, volunteer)
    first = client.get(url(volunteer))
    again = client.get(url(volunteer), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
