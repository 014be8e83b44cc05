"""What a coordinator reads: run results as a table, volunteers named with their
neighbourhood in pinyin order, weekly limits in hours."""

from __future__ import annotations

import re

import pytest

from app.enums import RunStatus
from tests import factories as f
from tests.admin.conftest import as_text, quick_login

pytestmark = pytest.mark.integration


def test_run_details_are_a_readable_table(client, db_session, world) -> None:
    run = world.jiahong.rows["schedulerun"]
    run.status = RunStatus.succeeded
    run.scope = {"neighbourhoods": [world.jiahong.neighbourhood.id], "from": "2027-01-04",
                 "to": "2027-01-10"}
    run.parameters = {"seconds": 30.0, "workers": 2, "seed": None}
    run.metrics = {"filled_seats": 3, "total_seats": 4, "min_seats": 2, "filled_min_seats": 2,
                   "upper_bound_flow": 4, "upper_bound_lp": 3.5, "best_bound": 3.0,
                   "status": "OPTIMAL", "volunteers": 5, "shifts": 2, "solve_seconds": 1.23,
                   "unfilled": [{"shift_id": 1}], "continuity_rate": 0.5}
    db_session.flush()
    quick_login(client, world.users["admin"])
    body = as_text(client.get(f"/admin/schedulerun/details/?id={run.id}"))
    assert "filled_seats" not in body and "upper_bound" not in body and "OPTIMAL" not in body
    assert body.count('class="table table-sm mb-0 run-facts"') == 3
    assert "3 / 4" in body and "最好的方案" in body and "30 秒" in body
    assert "佳虹居民区" in body and "2027-01-04 – 2027-01-10" in body


def test_manual_assign_names_the_neighbourhood_in_pinyin_order(client, db_session,
                                                                world) -> None:
    n = world.jiahong.neighbourhood
    for name in ("张伟", "艾米", "丁婷"):
        f.make_volunteer(db_session, neighbourhood=n, name=name)
    run = world.jiahong.rows["schedulerun"]
    run.status = RunStatus.succeeded
    db_session.flush()
    quick_login(client, world.users["admin"])
    body = as_text(client.get(f"/admin/schedule/run/{run.id}"))
    select = body[body.index('name="volunteer"'):]
    select = select[:select.index("</select>")]
    labels = re.findall(r">([^<]+)</option>", select)
    assert "丁婷 · 佳虹居民区" in labels
    assert not any(re.search(r" · \d+$", label) for label in labels)
    ours = [label.split(" · ")[0] for label in labels if label.split(" · ")[0] in
            ("张伟", "艾米", "丁婷")]
    assert ours == ["艾米", "丁婷", "张伟"]


def test_weekly_limit_is_shown_in_hours(client, db_session, world) -> None:
    volunteer = world.jiahong.rows["volunteer"]
    volunteer.max_minutes_per_week = 90
    db_session.flush()
    quick_login(client, world.users["admin"])
    form = as_text(client.get(f"/admin/volunteer/edit/?id={volunteer.id}"))
    assert re.search(r'id="max_minutes_per_week"[^>]*value="1.5"', form) or re.search(
        r'value="1.5"[^>]*id="max_minutes_per_week"', form)
    details = as_text(client.get(f"/admin/volunteer/details/?id={volunteer.id}"))
    assert "1.5 小时" in details


def test_volunteer_lookups_come_in_pinyin_order(client, db_session, world) -> None:
    n = world.jiahong.neighbourhood
    for name in ("张伟", "艾米", "丁婷"):
        f.make_volunteer(db_session, neighbourhood=n, name=name, phone=None)
    quick_login(client, world.users["admin"])
    response = client.get("/admin/team/ajax/lookup/?name=members&query=")
    names = [label for _id, label in response.get_json()]
    ours = [name for name in names if name in ("张伟", "艾米", "丁婷")]
    assert ours == ["艾米", "丁婷", "张伟"]


def test_english_admin_keeps_flask_admins_own_words(client, world) -> None:
    quick_login(client, world.users["admin"])
    with client.session_transaction() as session:
        session["locale"] = "en"
    body = as_text(client.get("/admin/volunteer/"))
    assert "50 items" in body and "Max. hours per week" not in body  # not in the list
    assert "每页" not in body and "条" not in body
