"""The huey queue, chosen from the environment at import time.

`HUEY_URL=redis://…` gives RedisHuey for consumers on many machines; otherwise SqliteHuey in
the instance folder for a single machine. Task modules import `huey` from here; the consumer
loads `app.tasks`, which imports every task module so its registry knows them all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import TypeVar

from flask import Flask, has_app_context
from huey import Huey, RedisHuey, SqliteHuey

from app.config import instance_dir
from app.extensions import db

T = TypeVar("T")


def make_huey(url: str | None = None, name: str | None = None) -> Huey:
    url = url or os.environ.get("HUEY_URL") or None
    #: Several deployments (or test runs) can share one Redis with different queue names.
    name = name or os.environ.get("HUEY_NAME") or "linli"
    if url:
        return RedisHuey(name, url=url)
    folder = instance_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(folder / "huey.db"))


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
