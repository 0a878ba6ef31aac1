"""A real job worker process (`flask jobs worker`) for the tests that need one, reading a
SQLite queue that the test app enqueues on, and the test's own database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from danvankheo import PROJECT_ROOT
from danvankheo.extensions import db
from danvankheo.jobs.queue import make_huey
from danvankheo.jobs.tasks import register_tasks


@contextmanager
def worker_queue(app, tmp_path: Path, **settings: str) -> Iterator[tuple[dict, Path]]:
    """Point the app at a SQLite queue; yield the environment a worker needs and the jobs folder."""
    queue = tmp_path / "huey.sqlite"
    folder = tmp_path / "jobs"
    saved = (app.extensions["huey"], app.extensions["huey_tasks"])
    saved_config = {k: app.config.get(k) for k in ("HUEY_URL", "HUEY_IMMEDIATE", "JOBS_FOLDER")}
    app.config.update(HUEY_URL=f"sqlite:///{queue}", HUEY_IMMEDIATE=False, JOBS_FOLDER=str(folder))
    register_tasks(app, make_huey(app))
    env = dict(os.environ)
    env.update(
        APP_ENV="development", FLASK_DEBUG="0", INSTANCE_PATH=str(tmp_path / "instance"),
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], HUEY_URL=f"sqlite:///{queue}", JOBS_FOLDER=str(folder),
        LOG_FORMAT="text", MAIL_SERVER="", **settings,
    )
    env.pop("TEST_DATABASE_URL", None)
    try:
        yield env, folder
    finally:
        app.extensions["huey"], app.extensions["huey_tasks"] = saved
        app.config.update(saved_config)


def start_worker(env: dict, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "ab")  # noqa: SIM115  (kept open for the process)
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "jobs", "worker", "--workers", "1"],
                            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait(timeout=5)


def wait_for(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
