"""The huey queue, configured by the same settings as the app (`app.config.resolve_settings`).

`HUEY_URL=redis://…` (in the environment or in `instance/config.py`) gives RedisHuey for
consumers on many machines; otherwise SqliteHuey in the instance folder for a single machine.
Task modules import `huey` from here; the consumer loads `app.tasks`, which imports every task
module so its registry knows them all. Periodic tasks use `local_crontab`, whose times are in
the deployment's zone (`LINLI_TIMEZONE`), not in UTC.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import Flask, has_app_context
from huey import Huey, RedisHuey, SqliteHuey, crontab

from app.config import instance_dir, resolve_settings
from app.extensions import db
from app.logs import current_task_id

T = TypeVar("T")

log = logging.getLogger(__name__)


@cache
def queue_settings() -> dict[str, Any]:
    """The resolved settings as the consumer sees them (read once per process)."""
    return resolve_settings(instance_dir())


def make_huey(url: str | None = None, name: str | None = None) -> Huey:
    settings = resolve_settings(instance_dir())
    url = url or settings["HUEY_URL"] or None
    #: Several deployments (or test runs) can share one Redis with different queue names.
    name = name or settings["HUEY_NAME"] or "linli"
    if url:
        queue: Huey = RedisHuey(name, url=url)
    else:
        folder = instance_dir()
        folder.mkdir(parents=True, exist_ok=True)
        queue = SqliteHuey(name, filename=str(folder / "huey.db"))
    _track_task_ids(queue)
    return queue


def _track_task_ids(queue: Huey) -> None:
    @queue.pre_execute()
    def _enter(task: Any) -> None:
        current_task_id.set(task.id)

    @queue.post_execute()
    def _leave(task: Any, task_value: Any, exc: BaseException | None) -> None:
        current_task_id.set(None)


def local_crontab(**fields: str) -> Callable[[datetime], bool]:
    """huey's `crontab`, read in the deployment's zone: huey hands periodic tasks naive UTC
    timestamps, so `local_crontab(hour="2", minute="15")` runs at 02:15 in LINLI_TIMEZONE."""
    matches = crontab(**fields)

    def validate(timestamp: datetime) -> bool:
        zone = ZoneInfo(queue_settings()["LINLI_TIMEZONE"])
        local = timestamp.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
        return bool(matches(local))

    return validate


huey = make_huey()


@cache
def task_app() -> Flask:
    """One application per consumer process, created on the first task, not at import (the
    factory imports the task modules, so importing it here at module level would be a cycle)."""
    from app import create_app

    return create_app()


@contextmanager
def task_context() -> Iterator[None]:
    """The consumer's app context, whose session is removed afterwards; inside an existing
    context (immediate mode, a test calling the task) that context is used as it is."""
    if has_app_context():
        yield
        return
    with task_app().app_context():
        try:
            yield
        finally:
            db.session.remove()


def in_transaction(work: Callable[[], T]) -> T:
    with task_context():
        try:
            result = work()
            db.session.commit()
            return result
        except Exception:
            db.session.rollback()
            raise
