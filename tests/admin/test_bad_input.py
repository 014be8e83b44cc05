"""Bad input that used to end in a server error: a clear message in the user's language,
and nothing changed (issue 10)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.database import MIGRATIONS_DIR
from app.enums import Role
from app.extensions import db
from app.models import VisitPolicy, Volunteer
from tests.admin.conftest import as_text, make_user, quick_login
from tests.conftest import make_test_app
from tests.factories import make_volunteer
from tests.helpers import form_fields

pytestmark = pytest.mark.integration


def test_unknown_enum_filter_value_is_flashed_not_a_crash(client, world) -> None:
    quick_login(client, world.users["admin"])
    for path in ("/admin/team/?flt0_0=x", "/admin/event/?flt0_0=x",
                 "/admin/household/?flt0_0=x", "/admin/user/?flt0_0=superuser"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "无效" in as_text(response) or "Invalid" in as_text(response), path


def test_out_of_range_pages_and_ids(client, world) -> None:
    token = quick_login(client, world.users["admin"])
    assert client.get("/admin/volunteer/?page=-1").status_code == 200
    assert client.get(f"/admin/volunteer/?page={2**63}").status_code == 200
    for bad in ("99999999999", str(2**63), "abc", "-1"):
        assert client.get(f"/admin/volunteer/details/?id={bad}").status_code == 404
        assert client.get(f"/admin/volunteer/edit/?id={bad}").status_code == 404
        response = client.post("/admin/volunteer/action/", data={
            "action": "delete", "rowid": [bad], "csrf_token": token})
        assert response.status_code in (200, 302), bad
    assert client.get("/feeds/events/99999999999.ics").status_code == 404
    assert client.get(f"/feeds/neighbourhoods/{2**63}.ics").status_code == 404


def test_extreme_dates_on_the_public_pages_and_api(client, db_session) -> None:
    assert client.get("/events/?from=0001-01-01").status_code == 200
    assert client.get("/events/?to=9999-12-31&neighbourhood=99999999999").status_code == 200
    response = client.get("/api/v1/events?to=9999-12-31")
    assert response.status_code == 422
    assert "to" in response.get_json()["errors"]
    assert client.get("/api/v1/events?from=0001-01-01").status_code == 422
    assert client.get("/api/v1/events?from=2026-01-01&to=2026-12-31").status_code == 200


def test_database_constraint_in_an_admin_form_shows_the_form_again(
        client, db_session, world) -> None:
    quick_login(client, world.users["admin"])
    policy = world.shared["visitpolicy"]
    url = f"/admin/visitpolicy/edit/?id={policy.id}"
    fields = form_fields(as_text(client.get(url)))
    response = client.post(url, data={**fields, "interval_days": "-1", "notes": "改了"})
    assert response.status_code == 200
    body = as_text(response)
    assert "未能保存" in body and "interval_days" in body  # the message, and the form again
    db_session.expire_all()
    saved = db_session.get(VisitPolicy, policy.id)
    assert (saved.interval_days, saved.notes) == (7, None)


def test_admin_form_posted_with_a_nul_character_is_refused(client, db_session, world) -> None:
    quick_login(client, world.users["admin"])
    volunteer = world.jiahong.rows["volunteer"]
    url = f"/admin/volunteer/edit/?id={volunteer.id}"
    fields = form_fields(as_text(client.get(url)))
    response = client.post(url, data={**fields, "name": "坏\x00名"})
    assert response.status_code == 200
    assert "控制字符" in as_text(response)
    db_session.expire_all()
    assert db_session.get(Volunteer, volunteer.id).name == "佳虹志愿者"


def test_full_disk_is_a_503_with_retry_after_and_nothing_lost(empty_database_url) -> None:
    """A database of its own: SQLite rolls back the whole transaction on a full disk, which
    would take the per-test transaction of the shared fixtures with it."""
    app = make_test_app(empty_database_url)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        volunteer = make_volunteer(db.session, name="满盘志愿者", notes="原来的备注")
        admin_user = make_user(db.session, Role.admin, "disk-admin")
        db.session.commit()
        volunteer_id = volunteer.id
        db.session.refresh(admin_user)
        db.session.expunge(admin_user)  # keeps its loaded id for the login below
        engine = db.engine
    full = {"on": False}

    @sa.event.listens_for(engine, "checkout")
    def _no_room(dbapi_connection, _record, _proxy) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages if full['on'] else 1073741823}")
        elif full["on"]:  # PostgreSQL's own disk_full error (SQLSTATE 53100) on a write
            cursor.execute(
                "CREATE OR REPLACE FUNCTION pg_temp.linli_disk_full() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'could not extend file: "
                "No space left on device' USING ERRCODE = '53100'; END $$")
            cursor.execute("DROP TRIGGER IF EXISTS linli_disk_full ON volunteers")
            cursor.execute("CREATE TRIGGER linli_disk_full BEFORE UPDATE ON volunteers "
                           "FOR EACH ROW EXECUTE FUNCTION pg_temp.linli_disk_full()")
            dbapi_connection.commit()
        cursor.close()

    client = app.test_client()
    try:
        quick_login(client, admin_user)
        url = f"/admin/volunteer/edit/?id={volunteer_id}"
        fields = form_fields(as_text(client.get(url)))
        full["on"] = True
        response = client.post(url, data={**fields, "notes": "长" * 300_000})
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) > 0
        assert "存储空间" in as_text(response)
        assert client.get("/api/v1/events").status_code == 200  # reading still works
    finally:
        full["on"] = False
        sa.event.remove(engine, "checkout", _no_room)
        with app.app_context():
            if engine.dialect.name != "sqlite":
                with engine.begin() as connection:
                    connection.exec_driver_sql(
                        "DROP TRIGGER IF EXISTS linli_disk_full ON volunteers")
            notes = db.session.scalars(
                sa.select(Volunteer.notes).where(Volunteer.id == volunteer_id)).one()
            db.engine.dispose()
    assert notes == "原来的备注"
