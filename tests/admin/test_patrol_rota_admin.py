"""The season's "Build the rota" button: a POST with CSRF, for the town admin and the coordinator
of the season's neighbourhood only; it makes the queued run, queues the task once the request
has committed, and sends the user to the run's page; a second build is refused with the reason.
The queue is a memory queue here (nothing runs); the task itself runs in a real consumer in
tests/app/scheduling/test_rota_queue.py and test_rota_admin_queue.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from huey.storage import MemoryStorage
from sqlalchemy import func, select

from app.enums import Role, RunStatus
from app.models import Event, PatrolSeason, ScheduleRun
from app.tasks.queue import huey
from tests import factories as f
from tests.admin.conftest import as_text, make_user, quick_login
from tests.helpers import csrf_token

pytestmark = pytest.mark.integration

ZONE = ZoneInfo("Asia/Shanghai")

ROLES = ["admin", "coordinator", "team_lead", "volunteer", "department"]


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], list[int]]]:
    """The run ids the queue holds (a memory queue of the test's own)."""
    monkeypatch.setattr(huey, "storage", MemoryStorage("rota-admin-test"))
    yield lambda: [task.args[0] for task in huey.pending()
                   if task.name.endswith("build_rota")]


def _runs(db_session, season: PatrolSeason) -> list[ScheduleRun]:
    db_session.expire_all()
    return list(db_session.scalars(select(ScheduleRun).where(
        ScheduleRun.patrol_season_id == season.id).order_by(ScheduleRun.id)))


def test_the_button_queues_the_rota_and_shows_its_run(client, db_session, world,
                                                      queued) -> None:
    season = world.jiahong.rows["patrolseason"]
    quick_login(client, world.users["coordinator"])
    page = as_text(client.get(f"/admin/patrolseason/details/?id={season.id}"))
    assert 'id="season-build-rota"' in page and "生成排班" in page
    foreign = world.yongye.rows["patrolseason"]
    assert client.get(f"/admin/patrolseason/details/?id={foreign.id}").status_code == 404

    response = client.post(f"/admin/patrolseason/rota/?id={season.id}",
                           data={"csrf_token": csrf_token(client, "/admin/")})
    assert response.status_code == 302
    [run] = _runs(db_session, season)
    assert response.headers["Location"].endswith(f"/admin/schedule/run/{run.id}")
    assert run.status == RunStatus.queued
    assert run.neighbourhood_id == world.jiahong.neighbourhood.id
    assert run.created_by_id == world.users["coordinator"].id
    assert queued() == [run.id]  # queued once the request committed

    live = as_text(client.get(f"/admin/schedule/run/{run.id}"))
    assert "巡查排班" in live and 'id="run-progress"' in live
    assert "正在生成排班" in live  # the flash

    again = client.post(f"/admin/patrolseason/rota/?id={season.id}",
                        data={"csrf_token": csrf_token(client, "/admin/")},
                        follow_redirects=True)
    assert f"这个巡查季正在排班（运行 {run.id}）：请等它完成。" in as_text(again)
    assert len(_runs(db_session, season)) == 1 and queued() == [run.id]

    run.status = RunStatus.succeeded
    db_session.flush()
    refused = as_text(client.post(f"/admin/patrolseason/rota/?id={season.id}",
                                  data={"csrf_token": csrf_token(client, "/admin/")},
                                  follow_redirects=True))
    assert f"这个巡查季已有排班（运行 {run.id}）" in refused
    run.status = RunStatus.discarded
    db_session.flush()
    assert client.post(f"/admin/patrolseason/rota/?id={season.id}",
                       data={"csrf_token": csrf_token(client, "/admin/")}).status_code == 302
    assert len(_runs(db_session, season)) == 2


def test_no_build_on_get_nor_without_the_token(client, db_session, world, queued) -> None:
    season = world.jiahong.rows["patrolseason"]
    quick_login(client, world.users["admin"])
    assert client.get(f"/admin/patrolseason/rota/?id={season.id}").status_code == 405
    assert client.post(f"/admin/patrolseason/rota/?id={season.id}").status_code == 400
    assert client.post("/admin/patrolseason/rota/?id=abc",
                       data={"csrf_token": csrf_token(client, "/admin/")}).status_code == 404
    assert _runs(db_session, season) == [] and queued() == []


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_who_may_build_a_seasons_rota(client, db_session, world, queued, role: str) -> None:
    """The town admin builds any season's rota, a coordinator only their own
    neighbourhood's (another's, and a town-wide one, are not found); nobody else."""
    town_wide = PatrolSeason(town=world.jiahong.neighbourhood.town, name="全镇暑期巡查",
                             starts_on=world.jiahong.rows["patrolseason"].starts_on,
                             ends_on=world.jiahong.rows["patrolseason"].ends_on)
    db_session.add(town_wide)
    db_session.flush()
    seasons = [world.jiahong.rows["patrolseason"], world.yongye.rows["patrolseason"],
               town_wide]
    token = quick_login(client, world.users[role]) if role != "anonymous" \
        else csrf_token(client)
    statuses = []
    for season in seasons:
        response = client.post(f"/admin/patrolseason/rota/?id={season.id}",
                               data={"csrf_token": token})
        statuses.append(response.status_code)
        if role == "anonymous":
            assert "/login" in response.headers["Location"]
    expected = {"admin": (302, 302, 302), "coordinator": (302, 404, 404),
                "team_lead": (403, 403, 403), "volunteer": (403, 403, 403),
                "department": (403, 403, 403), "anonymous": (302, 302, 302)}[role]
    assert tuple(statuses) == expected
    built = [len(_runs(db_session, season)) for season in seasons]
    assert built == [int(status == 302 and role != "anonymous") for status in statuses]
    assert len(queued()) == sum(built)
    if role in ("admin", "coordinator"):
        page = as_text(client.get(f"/admin/patrolseason/details/?id={town_wide.id}"))
        assert ('id="season-build-rota"' in page) == (role == "admin")


def test_a_failed_rota_starts_again_and_a_proposal_is_planned_again_keeping_its_pins(
        client, db_session, world, queued) -> None:
    season = world.jiahong.rows["patrolseason"]
    token = quick_login(client, world.users["coordinator"])
    client.post(f"/admin/patrolseason/rota/?id={season.id}", data={"csrf_token": token})
    [run] = _runs(db_session, season)
    run.status = RunStatus.failed
    db_session.flush()
    again = client.post(f"/admin/schedule/run/{run.id}/rerun", data={"csrf_token": token},
                        follow_redirects=True)
    assert "正在重新生成排班" in as_text(again)
    db_session.expire_all()
    assert run.status == RunStatus.queued
    assert queued() == [run.id, run.id]  # the rota's own task, not a scheduler run's

    # A proposal under review is planned again on its own inspections, keeping the pins.
    run.status = RunStatus.succeeded
    db_session.flush()
    assert "重新排班（保留已固定的人员）" in as_text(client.get(f"/admin/schedule/run/{run.id}"))
    again = client.post(f"/admin/schedule/run/{run.id}/rerun", data={"csrf_token": token},
                        follow_redirects=True)
    assert "正在重新排班，已固定的队员保留不变。" in as_text(again)
    db_session.expire_all()
    assert run.status == RunStatus.queued and "replan" in run.parameters
    assert queued() == [run.id, run.id, run.id]

    run.status = RunStatus.published
    db_session.flush()
    refused = client.post(f"/admin/schedule/run/{run.id}/rerun", data={"csrf_token": token},
                          follow_redirects=True)
    assert "已发布的巡查排班不能重新排班" in as_text(refused)
    db_session.expire_all()
    assert run.status == RunStatus.published and queued() == [run.id, run.id, run.id]


def _rota_events(db_session, run) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count(Event.id)).where(
        Event.id.in_(run.scope["events"])))


def test_the_discard_button_removes_the_rotas_draft_events_and_says_how_many(
        client, db_session, world) -> None:
    side = world.jiahong.rows
    starts = [datetime(2027, 7, 5, 19, tzinfo=ZONE) + timedelta(days=7 * k) for k in range(4)]
    run = f.make_rota_run(db_session, side["patrolseason"], side["patrolsite"],
                          [side["volunteer"]], starts)
    f.make_registration(db_session, db_session.get(Event, run.scope["events"][0]))
    url = f"/admin/schedule/run/{run.id}/discard"

    # Another neighbourhood's coordinator does not find it; a GET or a POST without the
    # token changes nothing.
    foreign = make_user(db_session, Role.coordinator, "yy-rota-coordinator",
                        neighbourhoods=[world.yongye.neighbourhood])
    other = client.application.test_client()
    assert other.post(url, data={"csrf_token": quick_login(other, foreign)}).status_code == 404
    token = quick_login(client, world.users["coordinator"])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 400
    assert _rota_events(db_session, run) == 4

    page = as_text(client.post(url, data={"csrf_token": token}, follow_redirects=True))
    # Every draft goes; every event but the one a resident signed up for.
    assert "已放弃排班：删除了 3 次巡查草稿和 4 条草稿安排。" in page
    assert "保留了其中 1 次巡查" in page
    assert _rota_events(db_session, run) == 1
    assert db_session.get(ScheduleRun, run.id).status == RunStatus.discarded


def test_a_published_rota_keeps_inspections_short_of_two_unpublished_until_removed(
        client, db_session, world) -> None:
    side = world.jiahong.rows
    members = [side["volunteer"], f.make_volunteer(db_session,
                                                   neighbourhood=world.jiahong.neighbourhood)]
    starts = [datetime(2027, 7, 5, 19, tzinfo=ZONE) + timedelta(days=7 * k) for k in range(3)]
    run = f.make_rota_run(db_session, side["patrolseason"], side["patrolsite"], members, starts,
                          staff=[members, members[:1], []])
    token = quick_login(client, world.users["coordinator"])
    review = as_text(client.get(f"/admin/schedule/run/{run.id}"))
    assert "2 次巡查不足两人：发布时不会发布" in review
    assert review.count("不会发布</span>") == 2

    published = as_text(client.post(f"/admin/schedule/run/{run.id}/publish",
                                    data={"csrf_token": token}, follow_redirects=True))
    assert "2 次巡查不足两人，没有发布（撤回了 1 位单独队员的草稿安排）。" in published
    assert published.count("未发布</span>") == 2
    assert "无人在整个班次时段内有空" in published  # each with the engine's reason

    url = f"/admin/schedule/run/{run.id}/unpublished/remove"
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 400
    assert _rota_events(db_session, run) == 3
    removed = as_text(client.post(url, data={"csrf_token": token}, follow_redirects=True))
    assert "删除了 2 次未发布的巡查。" in removed
    assert _rota_events(db_session, run) == 1
    # The site's shortfall still says why.
    assert removed.count("无人在整个班次时段内有空") == 1
