"""The huey queue, chosen from the environment at import time.

`HUEY_URL=redis://…` gives RedisHuey for consumers on many machines; otherwise SqliteHuey in
the instance folder for a single machine. Task modules import `huey` from here; the consumer
loads `app.tasks`, which imports every task module so its registry knows them all.
"""

from __future__ import annotations

import os
from functools import cache

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey

from app import create_app
from app.config import instance_dir


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
    """One application per consumer process, created on the first task, not at import."""
    return create_app()
