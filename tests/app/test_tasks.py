"""The task queue: SqliteHuey in the instance folder by default, RedisHuey when configured."""

from __future__ import annotations

import os
import uuid

import pytest
from huey import RedisHuey, SqliteHuey

from app.tasks.queue import make_huey

pytestmark = pytest.mark.integration


def test_default_queue_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("LINLI_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("HUEY_URL", raising=False)
    queue = make_huey()
    assert isinstance(queue, SqliteHuey)
    assert queue.storage.filename == str(tmp_path / "huey.db")


def test_configured_queue_carries_messages(tmp_path, monkeypatch) -> None:
    """Against Redis when TEST_HUEY_URL is set (CI), else against SQLite."""
    monkeypatch.setenv("LINLI_INSTANCE_PATH", str(tmp_path))
    url = os.environ.get("TEST_HUEY_URL")
    queue = make_huey(url, name=f"linli-test-{uuid.uuid4().hex}")
    if url:
        assert isinstance(queue, RedisHuey)
    queue.storage.enqueue(b"ping")
    assert queue.storage.queue_size() == 1
    assert queue.storage.dequeue() == b"ping"
    queue.storage.flush_queue()
