"""A saved patrol rota's run: discarding it removes the draft events it created with their
drafts, in the same transaction, counting what was deleted; an event someone holds (a
sign-up, a published or hand-made seat with attendance, help asked, an inspection at the site
in its hour, or the event published) is kept, and so is every event the run did not create.
Publishing one leaves its inspections with fewer than two members unpublished, without the lone
member's proposal, and removes them in one go afterwards."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.enums import (
    AssignmentSource,
    AssignmentStatus,
    AttendanceStatus,
    EventKind,
    EventStatus,
    RunStatus,
)
from app.models import (
    Assignment,
    Attendance,
    Event,
    HelpRequest,
    PatrolSeason,
    ScheduleRun,
    Shift,
)
from app.services.patrols import rota_runs
from app.services.patrols.log import PatrolError
from app.services.scheduler import publish, runs
from app.services.scheduler.errors import RunError
from tests import factories as f

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def rota(db_session):
    """A season's rota of seven inspections of one café by two members."""
    n = f.make_neighbourhood(db_session, town="月浦镇", name="月浦弃排村")
    members = [f.make_volunteer(db_session, neighbourhood=n, name=name)
               for name in ("弃甲", "弃乙")]
    group = f.make_patrol_group(db_session, neighbourhood=n, name="弃排组", members=members)
    site = f.make_patrol_site(db_session, neighbourhood=n, name="弃排网吧", group=group)
    season = PatrolSeason(town="月浦镇", neighbourhood=n, name="弃排暑期",
                          starts_on=date(2027, 7, 5), ends_on=date(2027, 8, 29))
    db_session.add(season)
    db_session.flush()
    starts = [datetime(2027, 7, 5, 19, 0, tzinfo=ZONE) + timedelta(days=7 * k) for k in range(7)]
    run = f.make_rota_run(db_session, season, site, members, starts)
    events = list(db_session.scalars(select(Event).where(Event.id.in_(run.scope["events"]))
                                     .order_by(Event.start_at)))
    return run, events, site, group, members


def _count(db_session, model, *where) -> int:
    return db_session.scalar(select(func.count()).select_from(model).where(*where))


def test_discarding_a_rota_removes_its_untouched_draft_events(db_session, rota) -> None:
    run, events, site, group, members = rota
    outsider = f.make_volunteer(db_session, neighbourhood=site.neighbourhood, name="外人")
    # Held events: a sign-up; a hand-made seat with its attendance; help asked; an
    # inspection at the café during the slot; an event already published.
    f.make_registration(db_session, events[1])
    seat = f.make_assignment(db_session, events[2].shifts[0], outsider,
                             status=AssignmentStatus.attended, source=AssignmentSource.manual)
    db_session.add(Attendance(assignment=seat, status=AttendanceStatus.present))
    db_session.add(HelpRequest(shift=events[3].shifts[0], seats=1))
    f.make_inspection(db_session, site, group, members,
                      started_at=events[4].start_at + timedelta(minutes=10))
    events[5].status = EventStatus.published
    # A draft patrol event the run did not create.
    other = f.make_event(db_session, neighbourhood=site.neighbourhood, kind=EventKind.patrol,
                         status=EventStatus.draft, is_public=False)
    db_session.flush()
    ids = [e.id for e in events]
    shift_ids = [e.shifts[0].id for e in events]
    assert _count(db_session, Assignment, Assignment.schedule_run_id == run.id) == 14

    discarded = runs.discard_run(db_session, run)

    assert discarded == runs.Discarded(drafts=14, events=2, events_kept=5)
    left = set(db_session.scalars(select(Event.id).where(Event.id.in_([*ids, other.id]))))
    assert left == {*ids[1:6], other.id}
    assert _count(db_session, Shift, Shift.id.in_(shift_ids)) == 5  # removed with their events
    assert _count(db_session, Assignment, Assignment.schedule_run_id == run.id) == 0
    assert db_session.get(Assignment, seat.id) is not None
    assert run.status == RunStatus.discarded


def test_discard_is_one_transaction_with_the_request(db_session, rota) -> None:
    """Nothing is committed by the service: rolling back keeps the rota whole."""
    run, events, *_ = rota
    savepoint = db_session.begin_nested()
    runs.discard_run(db_session, run)
    assert _count(db_session, Event, Event.id.in_([e.id for e in events])) == 0
    savepoint.rollback()
    assert _count(db_session, Event, Event.id.in_([e.id for e in events])) == 7
    assert _count(db_session, Assignment, Assignment.schedule_run_id == run.id) == 14


def test_a_published_rota_is_not_discarded(db_session, rota) -> None:
    run, events, *_ = rota
    run.status = RunStatus.published
    db_session.flush()
    with pytest.raises(RunError):
        runs.discard_run(db_session, run)
    assert _count(db_session, Event, Event.id.in_([e.id for e in events])) == 7


def test_an_ordinary_run_leaves_its_events(db_session) -> None:
    """Only a rota run created its events; another run's scope is events it planned."""
    event = f.make_event(db_session, status=EventStatus.draft)
    shift = f.make_shift(db_session, event)
    volunteer = f.make_volunteer(db_session, neighbourhood=event.neighbourhood)
    run = ScheduleRun(status=RunStatus.succeeded, scope={"events": [event.id]})
    db_session.add(run)
    db_session.flush()
    f.make_assignment(db_session, shift, volunteer, schedule_run=run)
    assert not rota_runs.is_rota(run)
    assert runs.discard_run(db_session, run) == runs.Discarded(drafts=1)
    assert db_session.get(Event, event.id) is not None


@pytest.fixture
def short_rota(db_session):
    """Four inspections of a café: two members, one member, nobody, two members."""
    n = f.make_neighbourhood(db_session, town="月浦镇", name="月浦缺员村")
    a, b = (f.make_volunteer(db_session, neighbourhood=n, name=name, email=f"{name}@example.org")
            for name in ("缺甲", "缺乙"))
    group = f.make_patrol_group(db_session, neighbourhood=n, name="缺员组", members=[a, b])
    site = f.make_patrol_site(db_session, neighbourhood=n, name="缺员网吧", group=group)
    season = PatrolSeason(town="月浦镇", neighbourhood=n, name="缺员暑期",
                          starts_on=date(2027, 7, 5), ends_on=date(2027, 8, 1))
    db_session.add(season)
    db_session.flush()
    starts = [datetime(2027, 7, 5, 19, 0, tzinfo=ZONE) + timedelta(days=7 * k) for k in range(4)]
    run = f.make_rota_run(db_session, season, site, [a, b], starts,
                          staff=[[a, b], [a], [], [a, b]])
    events = list(db_session.scalars(select(Event).where(Event.id.in_(run.scope["events"]))
                                     .order_by(Event.start_at)))
    return run, events, a, b


def test_publishing_a_rota_leaves_inspections_short_of_two_unpublished(
        app, db_session, short_rota) -> None:
    run, events, a, b = short_rota
    shift_ids = [e.shifts[0].id for e in events]
    assert rota_runs.short_shifts(db_session, run) == shift_ids[1:3]

    with app.test_request_context():
        result = publish.publish_run(db_session, run)

    assert (result.inspections_held, result.proposals_withdrawn) == (2, 1)
    assert result.published == 4 and result.events_published == 2
    assert [e.status for e in events] == [EventStatus.published, EventStatus.draft,
                                         EventStatus.draft, EventStatus.published]
    # The lone member is not sent alone: no seat of theirs on the held inspection.
    seats = db_session.execute(select(Assignment.shift_id, Assignment.volunteer_id,
                                      Assignment.status)).all()
    assert {(s, v) for s, v, _status in seats if s in shift_ids} == {
        (shift_ids[0], a.id), (shift_ids[0], b.id), (shift_ids[3], a.id), (shift_ids[3], b.id)}
    assert {status for s, _v, status in seats if s in shift_ids} == {AssignmentStatus.pending}
    # Still what the run page lists as not published.
    assert rota_runs.short_shifts(db_session, run) == shift_ids[1:3]


def test_the_unpublished_inspections_are_removed_in_one_go(app, db_session, short_rota) -> None:
    run, events, *_ = short_rota
    with pytest.raises(PatrolError):  # not before the rota is published
        rota_runs.remove_unpublished(db_session, run)
    with app.test_request_context():
        publish.publish_run(db_session, run)
    f.make_registration(db_session, events[2])  # someone holds this one: it stays
    db_session.flush()

    assert rota_runs.remove_unpublished(db_session, run) == 1

    left = set(db_session.scalars(select(Event.id).where(
        Event.id.in_([e.id for e in events]))))
    assert left == {events[0].id, events[2].id, events[3].id}
    assert rota_runs.remove_unpublished(db_session, run) == 0
