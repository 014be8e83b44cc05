"""Login, logout, lockout, session renewal, CSRF and the command that creates accounts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.enums import Role
from app.models import User
from app.services.accounts import set_password
from tests import factories as f
from tests.helpers import csrf_token, login

pytestmark = pytest.mark.integration


def test_login_page_is_chinese_by_default(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "登录" in page and 'lang="zh-CN"' in page


def test_login_with_the_right_password_opens_the_admin(client, db_session) -> None:
    user = f.make_user(db_session, role=Role.admin)
    response = login(client, user.username, f.PASSWORD)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    db_session.expire_all()
    assert user.last_login_at is not None


def test_wrong_password_and_unknown_user_get_the_same_answer(client, db_session) -> None:
    user = f.make_user(db_session)
    wrong = login(client, user.username, "not the password")
    unknown = login(client, "nobody-here", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in wrong.get_data(as_text=True)
    assert "用户名或密码错误" in unknown.get_data(as_text=True)


def test_failures_throttle_only_that_account_from_that_ip(app, client, db_session) -> None:
    """Issue 10: five guesses locked any account (the town admin too) for everybody."""
    user = f.make_user(db_session)
    for _ in range(3):  # LOGIN_MAX_FAILURES in the test configuration
        login(client, user.username, "wrong password!")
    response = login(client, user.username, f.PASSWORD)  # the guesser's own address: waits
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert login(owner, user.username, f.PASSWORD).status_code == 302  # never locked out


def test_unknown_locked_and_wrong_get_one_answer_and_one_cost(client, db_session) -> None:
    from app.services import accounts

    user = f.make_user(db_session)
    accounts._DUMMY_HASH.clear()
    answers = [login(client, "nobody-here", "not the password")]
    assert accounts._DUMMY_HASH, "an unknown user costs a hash verification like a known one"
    answers += [login(client, user.username, "wrong password!") for _ in range(4)]
    texts = {answer.get_data(as_text=True).split("alert")[1][:200] for answer in answers}
    assert {answer.status_code for answer in answers} == {401}
    assert len(texts) == 1, texts  # the throttled answer (the last) is the same as the others


def test_logins_per_ip_are_limited(app, client, db_session) -> None:
    app.config["LINLI_LOGIN_RATE_LIMIT_IP"] = "4/minute"
    try:
        statuses = [login(client, f"user{i}", "not the password").status_code for i in range(5)]
    finally:
        app.config["LINLI_LOGIN_RATE_LIMIT_IP"] = "100000/minute"
    assert statuses == [401, 401, 401, 401, 429]


def test_logout_ends_a_copied_session_cookie(app, client, db_session) -> None:
    user = f.make_user(db_session)
    login(client, user.username, f.PASSWORD)
    name = app.config["SESSION_COOKIE_NAME"]
    copy = app.test_client()
    copy.set_cookie(name, client.get_cookie(name).value)
    assert copy.get("/admin/").status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")}
                       ).status_code == 302
    assert copy.get("/admin/").status_code == 302


def test_login_without_csrf_token_is_refused(client, db_session) -> None:
    user = f.make_user(db_session)
    response = client.post("/login", data={"username": user.username, "password": f.PASSWORD})
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_login_renews_the_session(client, db_session) -> None:
    user = f.make_user(db_session)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, user.username, f.PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session


@pytest.mark.parametrize("target", ["http://evil.example/", "//evil.example/", "javascript:x"])
def test_login_never_redirects_off_site(client, db_session, target: str) -> None:
    user = f.make_user(db_session)
    token = csrf_token(client)
    response = client.post(f"/login?next={target}",
                           data={"username": user.username, "password": f.PASSWORD,
                                 "csrf_token": token})
    assert response.headers["Location"].endswith("/admin/")


def test_logout_needs_post_with_csrf(client, db_session) -> None:
    user = f.make_user(db_session)
    login(client, user.username, f.PASSWORD)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    token = csrf_token(client, "/admin/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_changing_the_password_ends_other_sessions(client, db_session) -> None:
    user = f.make_user(db_session)
    login(client, user.username, f.PASSWORD)
    set_password(db_session, user, "a brand new password")
    db_session.commit()
    assert client.get("/admin/").status_code == 302


def test_inactive_user_cannot_log_in(client, db_session) -> None:
    user = f.make_user(db_session)
    user.active = False
    db_session.flush()
    assert login(client, user.username, f.PASSWORD).status_code == 401


def test_passwords_are_hashed_with_argon2(db_session) -> None:
    user = f.make_user(db_session)
    assert user.password_hash.startswith("$argon2id$")
    assert f.PASSWORD not in user.password_hash


def test_language_switch_is_remembered(client) -> None:
    token = csrf_token(client)
    assert client.get("/language").status_code == 405
    response = client.post("/language", data={"locale": "en", "next": "/login",
                                              "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    page = client.get("/login").get_data(as_text=True)
    assert "Log in to Linli" in page and 'lang="en"' in page
    token = csrf_token(client)
    client.post("/language", data={"locale": "zh_CN", "csrf_token": token})
    assert "登录" in client.get("/login").get_data(as_text=True)


def test_unknown_language_is_refused(client) -> None:
    response = client.post("/language", data={"locale": "xx", "csrf_token": csrf_token(client)})
    assert response.status_code == 400


def test_security_headers(client) -> None:
    headers = client.get("/login").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"


def test_a_new_database_has_no_account(db_session) -> None:
    assert db_session.scalar(select(func.count()).select_from(User)) == 0


def test_users_create_command_prints_a_generated_password_once(app, db_session) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--username", "town", "--role", "admin"])
    assert result.exit_code == 0, result.output
    assert "password:" in result.output
    password = result.output.split("password:")[1].strip()
    user = db_session.scalar(select(User).where(User.username == "town"))
    assert user is not None and user.role == Role.admin and password not in user.password_hash
    again = runner.invoke(args=["users", "create", "--username", "town", "--role", "admin"])
    assert again.exit_code != 0


def test_coordinator_needs_a_known_neighbourhood(app, db_session) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--username", "c1", "--role", "coordinator",
                                 "--neighbourhood", "不存在"])
    assert result.exit_code != 0 and "不存在" in result.output


def test_everyone_lands_where_they_work(client, db_session) -> None:
    assert client.get("/").headers["Location"].endswith("/events/")
    volunteer = f.make_volunteer(db_session)
    user = f.make_user(db_session, role=Role.volunteer)
    user.volunteer_id = volunteer.id
    db_session.flush()
    response = login(client, user.username, f.PASSWORD)
    assert response.headers["Location"].endswith("/portal/")
    assert client.get("/").headers["Location"].endswith("/portal/")


@pytest.mark.parametrize(("password", "role"), [
    ("1234567890123", "admin"), ("qwertyuiop", "volunteer"), ("woaini5201314", "coordinator"),
    ("abcdefghijklmn", "admin"), ("short1!", "volunteer"), ("town-admin-town", "admin"),
])
def test_users_create_refuses_weak_passwords_with_a_message(app, db_session, password: str,
                                                            role: str) -> None:
    """Issue 10: `1234567890` was accepted for an admin; any refusal crashed the command."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--username", "town-admin", "--role", role,
                                 "--password", password])
    assert result.exit_code == 1, result.output
    assert "Error:" in result.output and "密码" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert db_session.scalar(select(func.count()).select_from(User)) == 0


def test_a_reasonable_admin_password_is_accepted(app, db_session) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--username", "jq-admin", "--role", "admin",
                                 "--password", "Jinqiao town 2026"])
    assert result.exit_code == 0, result.output
