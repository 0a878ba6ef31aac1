"""The Huey instance of an app: SQLite storage for `make run`, Redis in production.

Huey is built per app (from its config), not at import time, so tests and the worker can
point it elsewhere; the tasks are registered on it by `tasks.register_tasks`.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey

QUEUE_NAME = "danvankheo"


def huey_url(app: Flask) -> str:
    """HUEY_URL, else REDIS_URL, else a SQLite file in the instance folder."""
    url = app.config.get("HUEY_URL") or app.config.get("REDIS_URL")
    return url or f"sqlite:///{Path(app.instance_path) / 'huey.sqlite'}"


def make_huey(app: Flask) -> Huey:
    url = huey_url(app)
    immediate = bool(app.config.get("HUEY_IMMEDIATE"))
    # Results are never read: the job row in the database is what the pages show.
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(QUEUE_NAME, url=url, results=False, immediate=immediate)
    if url.startswith("sqlite:///"):
        return SqliteHuey(QUEUE_NAME, filename=url.removeprefix("sqlite:///"), results=False,
                          immediate=immediate)
    raise RuntimeError(f"HUEY_URL={url!r}: use redis://… or sqlite:///path.")


def get_huey() -> Huey:
    return current_app.extensions["huey"]
