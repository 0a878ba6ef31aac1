"""A real worker process (`flask jobs worker`) killed with SIGKILL in the middle of a job:
the job must end failed with a Vietnamese reason and no partial file, never stay "running".
Runs on SQLite and on PostgreSQL (the worker connects to the test's own database)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from danvankheo.extensions import db
from danvankheo.jobs import services
from danvankheo.jobs.models import Job, JobKind, JobState
from danvankheo.jobs.queue import make_huey
from danvankheo.jobs.tasks import register_tasks

PROJECT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def worker_env(app, tmp_path):
    """The test app enqueues on a SQLite queue that worker processes read."""
    queue = tmp_path / "huey.sqlite"
    folder = tmp_path / "jobs"
    saved = (app.extensions["huey"], app.extensions["huey_tasks"])
    app.config.update(HUEY_URL=f"sqlite:///{queue}", HUEY_IMMEDIATE=False, JOBS_FOLDER=str(folder))
    huey = make_huey(app)
    register_tasks(app, huey)
    env = dict(os.environ)
    env.update(
        APP_ENV="development", FLASK_DEBUG="0", INSTANCE_PATH=str(tmp_path / "instance"),
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], HUEY_URL=f"sqlite:///{queue}", JOBS_FOLDER=str(folder),
        JOB_CHUNK_ROWS="1", JOB_CHUNK_DELAY="0.4", JOB_HEARTBEAT_SECONDS="1", JOB_STALE_SECONDS="3",
        LOG_FORMAT="text", MAIL_SERVER="",
    )
    env.pop("TEST_DATABASE_URL", None)
    yield env, folder
    app.extensions["huey"], app.extensions["huey_tasks"] = saved


def _start_worker(env, log_path):
    log = open(log_path, "ab")  # noqa: SIM115  (closed with the process)
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "jobs", "worker", "--workers", "1"],
                            cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def test_a_worker_killed_mid_job_leaves_the_job_failed_not_running(app, finalised, worker_env, tmp_path):
    env, folder = worker_env
    owner = finalised.secretariat
    job, _ = services.start_job(owner, JobKind.RANKING_EXPORT, "Kết quả xếp hạng",
                                {"round_id": finalised.round.id, "args": []})
    db.session.commit()
    services.enqueue(job)
    job_id = job.id
    log_path = tmp_path / "worker.log"
    worker = _start_worker(env, log_path)
    try:
        running = _wait(lambda: (j := db.session.get(Job, job_id)).state is JobState.RUNNING
                        and j.progress_done >= 3 and j, 60, "the job to run")
        assert running.result_key and services.partial_path(running.result_key).exists()  # mid-file
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        time.sleep(1.5)
        db.session.expire_all()
        killed = db.session.get(Job, job_id)
        assert killed.state is JobState.RUNNING  # nobody has noticed yet
        progress = killed.progress_done
        time.sleep(2)
        assert db.session.get(Job, job_id).progress_done == progress  # and nothing moves
        # The next worker to start reaps it (the periodic task would too, within a minute).
        worker = _start_worker(env, log_path)
        failed = _wait(lambda: (j := db.session.get(Job, job_id)).state is JobState.FAILED and j, 60,
                       "the dead job to be reaped")
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
    assert failed.message == services.STALE_MESSAGE, log_path.read_text()
    assert failed.active_key is None and failed.result_key is None
    assert list(folder.iterdir()) == []  # the partial file is gone
    assert db.session.scalar(select(Job.state).where(Job.id == job_id)) is JobState.FAILED
