"""The member's visit list on the phone and recording outcomes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from app.enums import RoundStatus, VisitKind, VisitOutcome
from app.models import Visit, VisitRound
from tests.app.portal.test_portal import open_portal
from tests.factories import make_household, make_volunteer
from tests.helpers import csrf_token_from


def _planned(session, volunteer, *, status=RoundStatus.published, **kw) -> Visit:
    household = make_household(session, neighbourhood=volunteer.neighbourhood,
                               contact_name=kw.pop("name", "王阿婆"))
    round_ = VisitRound(neighbourhood=volunteer.neighbourhood, starts_on=datetime.now(UTC).date(),
                        weeks=1, status=status)
    visit = Visit(household=household, round=round_, volunteer=volunteer, kind=VisitKind.door,
                  outcome=VisitOutcome.planned,
                  visited_at=datetime.now(UTC) + timedelta(hours=3))
    session.add_all([round_, visit])
    session.flush()
    return visit


def test_list_and_record_in_one_tap(client, app, db_session: Session) -> None:
    volunteer = make_volunteer(db_session)
    mine = _planned(db_session, volunteer, name="李阿婆")
    _planned(db_session, volunteer, name="草稿阿婆", status=RoundStatus.draft)
    other = _planned(db_session, make_volunteer(db_session), name="别人的阿婆")
    open_portal(client, app, volunteer)
    page = client.get("/portal/visits").get_data(as_text=True)
    assert "李阿婆" in page and "草稿阿婆" not in page and "别人的阿婆" not in page
    assert "visits.js" in page
    with client.get("/static/visits.js") as script:  # an unsent record stays on the phone
        assert "localStorage.setItem" in script.get_data(as_text=True)
    token = csrf_token_from(page)

    response = client.post(f"/portal/visits/{mine.id}", data={
        "csrf_token": token, "outcome": "not_at_home", "notes": "邻居说她去女儿家了"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/portal/visits?recorded={mine.id}")
    db_session.expire_all()
    visit = db_session.get(Visit, mine.id)
    assert (visit.outcome, visit.notes) == (VisitOutcome.not_at_home, "邻居说她去女儿家了")

    # A bad outcome: a clear message, nothing changed.
    response = client.post(f"/portal/visits/{mine.id}", data={
        "csrf_token": token, "outcome": "planned"})
    assert response.status_code == 400
    assert "请选择结果" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Visit, mine.id).outcome == VisitOutcome.not_at_home

    # Someone else's visit is not found.
    assert client.post(f"/portal/visits/{other.id}", data={
        "csrf_token": token, "outcome": "done"}).status_code == 404


def test_visits_need_a_volunteer(client) -> None:
    response = client.get("/portal/visits")
    assert response.status_code == 302
