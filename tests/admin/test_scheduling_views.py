"""The scheduling pages in the admin: start a run (period form, event bulk action), watch its
progress, review, pin, assign by hand with warnings, publish, re-solve a declined seat."""

from __future__ import annotations

import json
from datetime import time, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

import app.tasks.scheduler
import scheduling
from app.enums import AssignmentStatus, Role, RunStatus
from app.extensions import db
from app.models import Assignment, Availability, Event, ScheduleRun, utcnow
from app.services.scheduler import bridge, review, runs, seats
from app.services.scheduler.scope import Scope, scope_shifts
from tests import factories as f
from tests.admin.conftest import as_text, make_user, quick_login
from tests.app.scheduling.builders import ZONE
from tests.conftest import make_test_app
from tests.helpers import csrf_token_from

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sched_app(app: Flask, database_url: str, tmp_path_factory) -> Flask:
    outbox = tmp_path_factory.mktemp("outbox")
    application = make_test_app(database_url, LINLI_MAIL_OUTBOX=str(outbox))
    application.config["TEST_OUTBOX"] = outbox
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def client(sched_app: Flask, db_session, monkeypatch):
    """A client of the scheduling app on the test's connection (rolled back afterwards)."""
    connection = db_session.get_bind()
    with sched_app.app_context():
        engines = db.engines
        engine = engines[None]
        engines[None] = connection
    queued: list[int] = []
    monkeypatch.setattr(app.tasks.scheduler, "enqueue_run", queued.append)
    test_client = sched_app.test_client()
    test_client.queued = queued
    yield test_client
    with sched_app.app_context():
        engines[None] = engine


def _finish_inline(session, run: ScheduleRun) -> None:
    """What the consumer does, on the test's connection."""
    shifts = scope_shifts(session, Scope.from_json(run.scope), ZONE)
    built = bridge.build_problem(session, shifts, ZONE)
    solution = scheduling.solve_greedy(built.problem)
    written = bridge.write_proposals(session, run, built.shift_ids, solution.assignments)
    run.metrics = runs.solution_metrics(built, solution, written)
    run.status = RunStatus.succeeded
    run.progress = 1.0
    session.flush()


def _staff(world, db_session):
    """Two volunteers who can staff the Jiahong event's blood-pressure shift, plus one more
    seat; the Jiahong volunteer lacks the skill."""
    side = world.jiahong
    shift = side.rows["shift"]
    shift.team = None
    shift.max_volunteers = 3
    side.rows["assignment"].status = AssignmentStatus.cancelled
    local = shift.start_at.astimezone(ZONE)
    helpers = []
    for i in range(2):
        v = f.make_volunteer(db_session, neighbourhood=side.neighbourhood, name=f"佳虹助手{i}",
                             email=f"helper{i}@example.test", skills=[world.shared["skill"]])
        db_session.add(Availability(volunteer=v, weekday=local.weekday(), start_time=time(0),
                                    end_time=time(23, 59)))
        helpers.append(v)
    db_session.flush()
    return shift, helpers


def test_period_form_starts_a_run_and_the_page_shows_live_progress(client, world,
                                                                  db_session) -> None:
    token = quick_login(client, world.users["coordinator"])
    page = client.get("/admin/schedule/")
    assert page.status_code == 200
    html = as_text(page)
    assert "佳虹居民区" in html and "永业居民区" not in html  # only own neighbourhoods
    event = world.jiahong.rows["event"]
    day = event.start_at.astimezone(ZONE).date()
    response = client.post("/admin/schedule/", data={
        "csrf_token": csrf_token_from(html), "neighbourhoods": [world.jiahong.neighbourhood.id],
        "date_from": day.isoformat(), "date_to": (day + timedelta(days=1)).isoformat(),
        "seconds": "5",
    })
    assert response.status_code == 302, as_text(response)
    run_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert client.queued == [run_id]  # enqueued after the commit
    run = db_session.get(ScheduleRun, run_id)
    assert run.status == RunStatus.queued
    assert run.neighbourhood_id == world.jiahong.neighbourhood.id
    assert run.parameters["seconds"] == 5.0

    live = as_text(client.get(f"/admin/schedule/run/{run_id}"))
    assert 'id="run-progress"' in live
    assert '<noscript><meta http-equiv="refresh"' in live
    assert f"/admin/schedule/run/{run_id}/status.json" in live

    run.status = RunStatus.running
    run.progress = 0.4
    run.metrics = {"heartbeat": utcnow().isoformat(), "elapsed": 2.0,
                   "fill_rate": 0.5}
    db_session.flush()
    run.metrics = {**run.metrics, "seats_filled": 30, "seats_total": 40, "seconds": 5.0}
    db_session.flush()
    status = json.loads(client.get(f"/admin/schedule/run/{run_id}/status.json").data)
    assert status["progress"] == 0.4 and status["fill_rate"] == 0.5
    assert status["parts_total"] is None  # one piece
    assert (status["seats_filled"], status["seats_total"]) == (30, 40)
    live = as_text(client.get(f"/admin/schedule/run/{run_id}"))
    bar = live.split('id="run-progress"')[1].split("</div>")[0]
    assert "30" in bar and "40" in bar and "width: 75%" in bar  # the bar is the seats
    assert status["done"] is False
    assert token


def test_review_pin_manual_assign_with_warning_and_publish(client, world, db_session,
                                                          sched_app) -> None:
    shift, helpers = _staff(world, db_session)
    run = ScheduleRun(neighbourhood=world.jiahong.neighbourhood, status=RunStatus.queued,
                      scope={"events": [shift.event_id]}, parameters={"seconds": 1},
                      metrics={})
    db_session.add(run)
    db_session.flush()
    _finish_inline(db_session, run)
    quick_login(client, world.users["coordinator"])
    page = as_text(client.get(f"/admin/schedule/run/{run.id}"))
    assert "2 / 3" in page  # coverage: two of three seats
    assert 'id="run-unfilled"' in page and "id=\"run-load\"" in page
    assert "佳虹助手0" in page and "佳虹助手1" in page
    # The empty seat's reason, from the engine's funnel, in the user's language.
    reason = run.metrics["unfilled"][0]["code"]
    assert reason in review.REASON_MESSAGES

    draft = db_session.scalar(select(Assignment).where(
        Assignment.schedule_run_id == run.id).order_by(Assignment.id).limit(1))
    token = csrf_token_from(page)
    assert client.post(f"/admin/schedule/run/{run.id}/pin/{draft.id}",
                       data={"csrf_token": token}).status_code == 302
    db_session.expire_all()
    assert draft.pinned is True
    assert client.post(f"/admin/schedule/run/{run.id}/pin/{draft.id}").status_code == 400

    # The Jiahong volunteer lacks the skill: warned, then assigned anyway.
    unskilled = world.jiahong.rows["volunteer"]
    warned = client.post(f"/admin/schedule/run/{run.id}/assign", data={
        "csrf_token": token, "shift": shift.id, "volunteer": unskilled.id})
    assert warned.status_code == 200
    assert 'id="run-warnings"' in as_text(warned)
    assert db_session.scalar(select(Assignment).where(
        Assignment.shift_id == shift.id, Assignment.volunteer_id == unskilled.id,
        Assignment.status == AssignmentStatus.proposed)) is None
    forced = client.post(f"/admin/schedule/run/{run.id}/assign", data={
        "csrf_token": token, "shift": shift.id, "volunteer": unskilled.id, "force": "y"})
    assert forced.status_code == 302
    manual = db_session.scalar(select(Assignment).where(
        Assignment.shift_id == shift.id, Assignment.volunteer_id == unskilled.id))
    assert manual.status == AssignmentStatus.proposed and manual.pinned

    outbox: Path = sched_app.config["TEST_OUTBOX"]
    before = len(list(outbox.glob("*.eml")))
    published = client.post(f"/admin/schedule/run/{run.id}/publish",
                            data={"csrf_token": token})
    assert published.status_code == 302
    db_session.expire_all()
    assert run.status == RunStatus.published
    statuses = {a.status for a in db_session.scalars(select(Assignment).where(
        Assignment.schedule_run_id == run.id))}
    assert statuses == {AssignmentStatus.pending}
    mails = list(outbox.glob("*.eml"))
    assert len(mails) - before == 2  # the two helpers have e-mail; one mail each

    # A decline frees a seat; the coordinator re-solves just that seat.
    helper_assignment = db_session.scalar(select(Assignment).where(
        Assignment.volunteer_id == helpers[0].id, Assignment.shift_id == shift.id))
    with sched_app.app_context():  # what the answer page does, inside the app
        assert seats.respond(db_session, helper_assignment.id, "decline") == "declined"
    spare = f.make_volunteer(db_session, neighbourhood=world.jiahong.neighbourhood,
                             name="佳虹替补", skills=[world.shared["skill"]])
    local = shift.start_at.astimezone(ZONE)
    db_session.add(Availability(volunteer=spare, weekday=local.weekday(), start_time=time(0),
                                end_time=time(23, 59)))
    db_session.flush()
    page = as_text(client.get(f"/admin/schedule/run/{run.id}"))
    assert 'id="run-declined"' in page and f"/seat/{shift.id}/resolve" in page
    # The count says what was delivered (the two mails and a text message).
    assert "消息已送达 3 条（邮件 2 条，短信 1 条）" in page
    # No SMS provider is configured here: the page says the SMS only went to the log.
    assert 'id="run-sms-logged"' in page
    others = {a.id: a.volunteer_id for a in db_session.scalars(select(Assignment).where(
        Assignment.shift_id == shift.id))}
    assert client.post(f"/admin/schedule/run/{run.id}/seat/{shift.id}/resolve",
                       data={"csrf_token": token}).status_code == 302
    db_session.expire_all()
    now = {a.id: a.volunteer_id for a in db_session.scalars(select(Assignment).where(
        Assignment.shift_id == shift.id))}
    new = set(now) - set(others)
    assert len(new) == 1 and now[new.pop()] == spare.id
    assert {k: now[k] for k in others} == others


def test_auto_schedule_action_and_access(client, world, db_session) -> None:
    quick_login(client, world.users["coordinator"])
    page = as_text(client.get("/admin/event/"))
    assert "auto_schedule" in page
    token = csrf_token_from(page)
    mine, theirs = world.jiahong.rows["event"], world.yongye.rows["event"]
    response = client.post("/admin/event/action/", data={
        "csrf_token": token, "action": "auto_schedule", "rowid": [str(mine.id)]})
    assert response.status_code == 302
    assert "/admin/schedule/run/" in response.headers["Location"]
    run_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert client.queued == [run_id]
    assert db_session.get(ScheduleRun, run_id).scope == {"events": [mine.id]}

    refused = client.post("/admin/event/action/", data={
        "csrf_token": token, "action": "auto_schedule", "rowid": [str(theirs.id)]})
    assert refused.status_code == 302
    assert client.queued == [run_id]  # nothing started for another neighbourhood's event

    foreign = world.yongye.rows["schedulerun"]
    assert client.get(f"/admin/schedule/run/{foreign.id}").status_code == 404
    assert client.get("/admin/schedule/overdue").status_code == 200

    lead = client.application.test_client()
    quick_login(lead, world.users["team_lead"])
    assert lead.get("/admin/schedule/").status_code == 403
    anonymous = client.application.test_client()
    assert anonymous.get("/admin/schedule/").status_code == 302


def test_mark_a_care_visit_missed_and_see_the_household_overdue(client, world,
                                                                db_session) -> None:
    household = world.jiahong.rows["household"]
    when = utcnow() - timedelta(days=1)
    event = Event(neighbourhood=world.jiahong.neighbourhood, kind="care_visit",
                  title="佳虹助餐上门", start_at=when, end_at=when + timedelta(hours=1),
                  household=household, is_public=False)
    db_session.add(event)
    db_session.flush()
    quick_login(client, world.users["coordinator"])
    page = as_text(client.get("/admin/schedule/overdue"))
    assert "佳虹助餐上门" in page and "永业" not in page
    response = client.post(f"/admin/schedule/visit/{event.id}/missed",
                           data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    overdue = as_text(client.get("/admin/schedule/overdue"))
    table = overdue.split('id="overdue"')[1].split("</table>")[0]
    assert "佳虹王阿婆" in table
    foreign = world.yongye.rows["event"]
    assert client.post(f"/admin/schedule/visit/{foreign.id}/done",
                       data={"csrf_token": csrf_token_from(page)}).status_code == 404


def _available(db_session, volunteer, shift) -> None:
    local = shift.start_at.astimezone(ZONE)
    db_session.add(Availability(volunteer=volunteer, weekday=local.weekday(),
                                start_time=time(0), end_time=time(23, 59)))
    db_session.flush()


def test_assign_by_hand_lists_the_eligible_of_every_neighbourhood(client, world,
                                                                  db_session) -> None:
    """The solver may use a volunteer from elsewhere, so assigning by hand offers them too:
    everyone eligible by the engine's rules, with their neighbourhood's name and nothing more;
    someone from elsewhere who is not eligible cannot be forced in, and one who was taken off
    can be put back."""
    shift, _helpers = _staff(world, db_session)
    run = ScheduleRun(neighbourhood=world.jiahong.neighbourhood, status=RunStatus.queued,
                      scope={"events": [shift.event_id]}, parameters={"seconds": 1},
                      metrics={})
    db_session.add(run)
    db_session.flush()
    _finish_inline(db_session, run)
    far = f.make_volunteer(db_session, neighbourhood=world.yongye.neighbourhood,
                           name="永业外援", phone="13912340000", email="far@example.test",
                           skills=[world.shared["skill"]])
    _available(db_session, far, shift)
    unskilled = world.yongye.rows["volunteer"]  # no skill: not eligible
    _available(db_session, unskilled, shift)
    tutoring = f.make_skill(db_session, code="tutoring", name_zh="辅导", name_en="Tutoring")
    quick_login(client, world.users["coordinator"])
    page = as_text(client.get(f"/admin/schedule/run/{run.id}"))
    assert f"/admin/schedule/run/{run.id}/hand" in page

    listing = as_text(client.get(f"/admin/schedule/run/{run.id}/hand?shift={shift.id}"))
    table = listing.split('id="hand-candidates"')[1].split("</table>")[0]
    assert "永业外援" in table and "永业居民区" in table  # the neighbourhood by name
    assert "13912340000" not in listing and "far@example.test" not in listing
    assert "永业志愿者" not in table  # lacks the skill
    assert "佳虹助手" not in table  # already drafted on this shift
    filtered = as_text(client.get(
        f"/admin/schedule/run/{run.id}/hand?shift={shift.id}&skill={tutoring.id}"))
    assert "永业外援" not in filtered.split('id="hand-candidates"')[1].split("</table>")[0]

    token = csrf_token_from(listing)
    refused = client.post(f"/admin/schedule/run/{run.id}/assign", data={
        "csrf_token": token, "shift": shift.id, "volunteer": unskilled.id, "force": "y"})
    assert refused.status_code == 302
    assert db_session.scalar(select(Assignment).where(
        Assignment.shift_id == shift.id, Assignment.volunteer_id == unskilled.id)) is None
    taken = client.post(f"/admin/schedule/run/{run.id}/assign", data={
        "csrf_token": token, "shift": shift.id, "volunteer": far.id})
    assert taken.status_code == 302
    drafted = db_session.scalar(select(Assignment).where(
        Assignment.shift_id == shift.id, Assignment.volunteer_id == far.id))
    assert drafted.status == AssignmentStatus.proposed and drafted.pinned

    # Taken off again, the volunteer from elsewhere is still offered, and the coordinator can
    # put them back (the removal is undone).
    assert client.post(f"/admin/schedule/run/{run.id}/remove/{drafted.id}",
                       data={"csrf_token": token}).status_code == 302
    db_session.refresh(drafted)
    assert drafted.status == AssignmentStatus.cancelled
    listing = as_text(client.get(f"/admin/schedule/run/{run.id}/hand?shift={shift.id}"))
    assert "永业外援" in listing.split('id="hand-candidates"')[1].split("</table>")[0]
    assert client.post(f"/admin/schedule/run/{run.id}/assign", data={
        "csrf_token": token, "shift": shift.id, "volunteer": far.id}).status_code == 302
    db_session.refresh(drafted)
    assert drafted.status == AssignmentStatus.proposed and drafted.pinned

    # Another neighbourhood's coordinator cannot look into this run, nor pick a shift
    # outside the run.
    other = client.application.test_client()
    quick_login(other, make_user(db_session, Role.coordinator, "yy-coordinator",
                                 neighbourhoods=[world.yongye.neighbourhood]))
    assert other.get(f"/admin/schedule/run/{run.id}/hand?shift={shift.id}").status_code == 404
    foreign_shift = world.yongye.rows["shift"]
    assert client.get(
        f"/admin/schedule/run/{run.id}/hand?shift={foreign_shift.id}").status_code == 302


def test_a_removal_is_forbidden_to_the_next_run_until_undone(client, world,
                                                             db_session) -> None:
    """Removing a draft in review keeps the pair out of every later "keep pinned" run;
    assigning the volunteer by hand again undoes it."""
    shift, helpers = _staff(world, db_session)
    run = ScheduleRun(neighbourhood=world.jiahong.neighbourhood, status=RunStatus.queued,
                      scope={"events": [shift.event_id]}, parameters={"seconds": 1},
                      metrics={})
    db_session.add(run)
    db_session.flush()
    _finish_inline(db_session, run)

    def on_shift() -> set[int]:
        db_session.expire_all()
        return {a.volunteer_id for a in db_session.scalars(select(Assignment).where(
            Assignment.shift_id == shift.id, Assignment.status == AssignmentStatus.proposed))}

    assert on_shift() == {h.id for h in helpers}
    quick_login(client, world.users["coordinator"])
    token = csrf_token_from(as_text(client.get(f"/admin/schedule/run/{run.id}")))
    removed = db_session.scalar(select(Assignment).where(
        Assignment.shift_id == shift.id, Assignment.volunteer_id == helpers[0].id))
    assert client.post(f"/admin/schedule/run/{run.id}/remove/{removed.id}",
                       data={"csrf_token": token}).status_code == 302
    assert client.post(f"/admin/schedule/run/{run.id}/rerun",
                       data={"csrf_token": token}).status_code == 302
    assert client.queued == [run.id]
    db_session.expire_all()
    shifts = scope_shifts(db_session, Scope.from_json(run.scope), ZONE)
    built = bridge.build_problem(db_session, shifts, ZONE, run_id=run.id)
    assert scheduling.Forbidden(bridge.vid(helpers[0].id), bridge.sid(shift.id)) in \
        built.problem.forbidden
    for _again in range(2):  # the re-run, and the one after it
        _finish_inline(db_session, run)
        assert on_shift() == {helpers[1].id}  # the seat stays empty rather than give it back

    # Undone by assigning by hand (putting back someone taken off breaks no rule, so no
    # warning): back for good.
    assert client.post(f"/admin/schedule/run/{run.id}/assign", data={
        "csrf_token": token, "shift": shift.id, "volunteer": helpers[0].id}).status_code == 302
    _finish_inline(db_session, run)
    assert on_shift() == {h.id for h in helpers}


def test_a_district_run_page_shows_its_parts(client, world, db_session) -> None:
    run = ScheduleRun(status=RunStatus.succeeded, scope={"events": [
        world.jiahong.rows["event"].id]}, parameters={"seconds": 5, "partition": "town"},
        metrics={"filled_seats": 3, "total_seats": 4, "unfilled": [], "parts": [
            {"number": 0, "status": "succeeded", "shifts": 2, "seats": 3, "seats_filled": 2,
             "attempts": 2, "worker": "host-a:11", "seconds": 4.2},
            {"number": 1, "status": "succeeded", "shifts": 1, "seats": 1, "seats_filled": 1,
             "attempts": 1, "worker": "host-b:12", "seconds": 1.0}]})
    db_session.add(run)
    db_session.flush()
    quick_login(client, world.users["admin"])
    page = as_text(client.get(f"/admin/schedule/run/{run.id}"))
    table = page.split('id="run-parts-table"')[1].split("</table>")[0]
    assert "2 / 3" in table and "host-b:12" in table and "分片" in page
