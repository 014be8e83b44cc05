"""Settings: one resolution (defaults, instance/config.py, environment, overrides) for the app
and the huey queue; the limiter's switch and storage; crontabs in the deployment's zone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from huey import RedisHuey, SqliteHuey

from app.config import DEFAULTS, ensure_instance_config, resolve_settings
from app.tasks.queue import make_huey

pytestmark = pytest.mark.unit

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LINLI_INSTANCE_PATH", str(tmp_path))
    for key in ("HUEY_URL", "HUEY_NAME", "REDIS_URL", "RATELIMIT_STORAGE_URI", "DATABASE_URL",
                "LINLI_RATELIMIT_ENABLED", "LINLI_RATELIMIT_STORAGE_URI", "LINLI_TIMEZONE"):
        monkeypatch.delenv(key, raising=False)
    return tmp_path


def test_huey_url_in_the_instance_config_chooses_redis(instance: Path) -> None:
    (instance / "config.py").write_text(
        'SECRET_KEY = "x"\nHUEY_URL = "redis://127.0.0.1:6379/9"\nHUEY_NAME = "town-a"\n')
    queue = make_huey()
    assert isinstance(queue, RedisHuey)
    assert queue.name == "town-a"
    # ... and the limiter shares that Redis, so every worker counts against one budget.
    assert resolve_settings(instance)["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/9"


def test_environment_wins_over_the_instance_config(instance: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (instance / "config.py").write_text('HUEY_URL = "redis://127.0.0.1:6379/9"\n'
                                         'LINLI_PROXY_FIX_X_FOR = 2\n')
    monkeypatch.setenv("HUEY_URL", "")  # empty: not set
    monkeypatch.setenv("LINLI_PROXY_FIX_X_FOR", "1")
    monkeypatch.setenv("REDIS_URL", "redis://10.0.0.5:6379/3")
    settings = resolve_settings(instance)
    assert settings["HUEY_URL"] == "redis://127.0.0.1:6379/9"
    assert settings["LINLI_PROXY_FIX_X_FOR"] == 1
    # HUEY_URL comes first when both name a Redis.
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/9"
    monkeypatch.setenv("LINLI_RATELIMIT_STORAGE_URI", "memcached://cache:11211")
    assert resolve_settings(instance)["RATELIMIT_STORAGE_URI"] == "memcached://cache:11211"


def test_without_redis_the_queue_is_sqlite_and_limits_in_memory(instance: Path) -> None:
    assert isinstance(make_huey(), SqliteHuey)
    settings = resolve_settings(instance)
    assert settings["RATELIMIT_STORAGE_URI"] == "memory://"
    assert settings["RATELIMIT_ENABLED"] is True


@pytest.mark.parametrize(("raw", "enabled"), [("false", False), ("0", False), ("off", False),
                                              ("False", False), ("true", True), ("1", True)])
def test_rate_limit_switch_from_the_environment(instance: Path, monkeypatch: pytest.MonkeyPatch,
                                                raw: str, enabled: bool) -> None:
    monkeypatch.setenv("LINLI_RATELIMIT_ENABLED", raw)
    assert resolve_settings(instance)["RATELIMIT_ENABLED"] is enabled


def test_environment_strings_take_the_type_of_the_default(instance: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINLI_TOWN", "123")
    monkeypatch.setenv("LINLI_LOGIN_MAX_FAILURES", "7")
    monkeypatch.setenv("LINLI_LOCALES", '["en"]')
    monkeypatch.setenv("LINLI_SOMETHING_NEW", "42")
    settings = resolve_settings(instance)
    assert settings["LINLI_TOWN"] == "123"
    assert settings["LINLI_LOGIN_MAX_FAILURES"] == 7
    assert settings["LINLI_LOCALES"] == ["en"]
    assert settings["LINLI_SOMETHING_NEW"] == 42


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    internal = {"SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_HTTPONLY",
                "WTF_CSRF_TIME_LIMIT", "MAX_CONTENT_LENGTH", "RATELIMIT_HEADERS_ENABLED",
                "SQLALCHEMY_DATABASE_URI"}
    missing = [key for key in DEFAULTS if key not in internal and f"`{key}`" not in readme]
    assert missing == []


def test_package_visits_extend_at_0225_in_the_deployment_zone(instance: Path) -> None:
    """huey hands periodic tasks naive UTC times; 02:25 in Shanghai is 18:25 UTC."""
    from app.tasks import huey

    def due(utc: datetime) -> set[str]:
        return {task.name for task in huey.read_periodic(utc)}

    assert "extend_package_visits" in due(datetime(2026, 3, 9, 18, 25))
    assert "extend_package_visits" not in due(datetime(2026, 3, 10, 2, 25))
    # Care subscriptions became package items: their nightly job is gone.
    assert "generate_care_visits" not in due(datetime(2026, 3, 9, 18, 15))
    assert "send_reminders" in due(datetime(2026, 3, 9, 18, 20))
    assert "purge_feed_tombstones" in due(datetime(2026, 3, 9, 19, 40))


def test_deployment_id_written_once_and_kept(instance: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Calendar UIDs end in the deployment id: random at install, then never changed."""
    monkeypatch.delenv("LINLI_DEPLOYMENT_ID", raising=False)
    ensure_instance_config(instance)
    first = resolve_settings(instance)["LINLI_DEPLOYMENT_ID"]
    assert len(first) == 32
    ensure_instance_config(instance)
    assert resolve_settings(instance)["LINLI_DEPLOYMENT_ID"] == first
    # Another deployment gets another id.
    other = instance / "other"
    ensure_instance_config(other)
    assert resolve_settings(other)["LINLI_DEPLOYMENT_ID"] != first
    # The environment wins (several hosts of one deployment share it, like SECRET_KEY).
    monkeypatch.setenv("LINLI_DEPLOYMENT_ID", "jinqiao-town-2026")
    assert resolve_settings(instance)["LINLI_DEPLOYMENT_ID"] == "jinqiao-town-2026"


def test_an_older_instance_config_gets_a_deployment_id_appended_once(
        instance: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LINLI_DEPLOYMENT_ID", raising=False)
    config = instance / "config.py"
    config.write_text('SECRET_KEY = "x"\n')
    ensure_instance_config(instance)
    text = config.read_text()
    assert text.startswith('SECRET_KEY = "x"\n') and text.count("LINLI_DEPLOYMENT_ID =") == 1
    ensure_instance_config(instance)
    assert config.read_text() == text


def test_deployment_id_without_one_and_a_bad_one(instance: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LINLI_DEPLOYMENT_ID", raising=False)
    # No instance file (a test app, environment-only): derived from the shared secret.
    a = resolve_settings(instance, {"SECRET_KEY": "a"})["LINLI_DEPLOYMENT_ID"]
    assert a == resolve_settings(instance, {"SECRET_KEY": "a"})["LINLI_DEPLOYMENT_ID"]
    assert a != resolve_settings(instance, {"SECRET_KEY": "b"})["LINLI_DEPLOYMENT_ID"]
    with pytest.raises(RuntimeError, match="LINLI_DEPLOYMENT_ID"):
        resolve_settings(instance, {"SECRET_KEY": "a", "LINLI_DEPLOYMENT_ID": "a b@c"})
