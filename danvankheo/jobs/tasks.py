"""Running a job in the worker: the runner of its kind, progress, checks, its file.

A runner is a function `runner(run: JobRun) -> str` registered for a `JobKind`; it reads
`run.params`, calls `run.advance()` as rows go by, writes its file through `run.output()`
and returns the sentence shown to the user when it is done. Between chunks of rows
`JobRun.checkpoint` writes the progress and a heartbeat, and stops the job when its owner
asked to cancel it or lost the right to its data.

Progress, heartbeats and the cancel flag go through a connection of their own (`side`), so
they are seen at once while the job's own transaction is still open, and a database busy
with the job's work only skips a progress write, never the job.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import IO, Any, TypeVar

from flask import Flask, current_app
from huey import Huey, crontab
from sqlalchemy import create_engine, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from ..core.types import utcnow
from ..extensions import db
from . import services
from .models import Job, JobKind, JobState

log = logging.getLogger("danvankheo.jobs")
T = TypeVar("T")

Runner = Callable[["JobRun"], str]
RUNNERS: dict[JobKind, Runner] = {}

FAILED_MESSAGE = ("Công việc gặp lỗi hệ thống và đã dừng; không có tệp nào được tạo. "
                  "Vui lòng thử lại; nếu lỗi lặp lại, hãy báo quản trị hệ thống (mã công việc {id}).")
CANCELLED_MESSAGE = "Đã hủy theo yêu cầu của bạn; không có tệp nào được tạo."


class JobStopped(Exception):
    """Stops a job with a message for its owner (failed)."""


class JobCancelled(Exception):
    """The owner asked to cancel the job."""


def register_runner(kind: JobKind) -> Callable[[Runner], Runner]:
    def decorator(runner: Runner) -> Runner:
        RUNNERS[kind] = runner
        return runner

    return decorator


def side_engine(app: Flask | None = None) -> Engine:
    """A small engine for progress writes, apart from the job's session and pool."""
    app = app or current_app._get_current_object()
    engine = app.extensions.get("jobs_side_engine")
    if engine is None:
        url = db.engine.url
        args: dict[str, Any] = {"timeout": 1} if url.get_backend_name() == "sqlite" else {}
        engine = create_engine(url, poolclass=NullPool, connect_args=args)
        app.extensions["jobs_side_engine"] = engine
    return engine


class JobRun:
    """What a runner sees of its job."""

    def __init__(self, job: Job) -> None:
        self.job_id = job.id
        self.owner = job.owner
        self.params: dict[str, Any] = dict(job.params or {})
        self.title = job.title
        self.total: int | None = job.progress_total
        self.done = 0
        self.result_key: str | None = None
        self.result_name: str | None = None
        self.keep_hours: int | None = None  # a shorter life for a sensitive file than JOB_FILE_DAYS
        self._reported = 0
        self._guards: list[tuple[Callable[[Any], bool], str]] = []
        config = current_app.config
        self.chunk = max(1, int(config["JOB_CHUNK_ROWS"]))
        self.delay = float(config.get("JOB_CHUNK_DELAY") or 0)

    # --- permissions ---------------------------------------------------------------------

    def require(self, allowed: Callable[[Any], bool], message: str) -> None:
        """Check now and at every chunk that the owner may still do this."""
        self._guards.append((allowed, message))
        self._check_guards()

    def _check_guards(self) -> None:
        if not self._guards:
            return
        db.session.expire(self.owner)
        for allowed, message in self._guards:
            if not self.owner.is_active or not allowed(self.owner):
                raise JobStopped(message)

    # --- progress ----------------------------------------------------------------------

    def set_total(self, total: int) -> None:
        self.total = total
        self._write(progress_total=total)

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.done - self._reported >= self.chunk:
            self.checkpoint()

    def counted(self, rows: Iterable[T]) -> Iterator[T]:
        """`rows`, advancing the progress by one for each."""
        for row in rows:
            yield row
            self.advance()

    def checkpoint(self) -> None:
        """Write the progress; stop when cancelled or no longer allowed."""
        self._reported = self.done
        cancel = self._write(progress_done=self.done, heartbeat_at=utcnow(), read_cancel=True)
        if cancel:
            raise JobCancelled
        self._check_guards()
        if self.delay:
            time.sleep(self.delay)

    def _write(self, *, read_cancel: bool = False, **values) -> bool:
        try:
            with side_engine().begin() as connection:
                connection.execute(update(Job).where(Job.id == self.job_id).values(**values))
                if read_cancel:
                    return bool(connection.scalar(select(Job.cancel_requested).where(Job.id == self.job_id)))
        except OperationalError as error:  # e.g. SQLite busy with the job's own writes
            log.info("job %s: progress not written (%s)", self.job_id, error.orig)
        return False

    # --- the result file -----------------------------------------------------------------

    @contextmanager
    def output(self, filename: str) -> Iterator[IO[bytes]]:
        """A file for the result, written under a temporary name and renamed only when the
        block succeeds: a failed or killed job never leaves a half-written file behind."""
        key = secrets.token_hex(16)
        partial = services.partial_path(key)
        # The key is recorded first so that a reaper can remove the partial file of a killed job.
        self._write(result_key=key)
        try:
            with open(partial, "xb") as target:
                yield target
                target.flush()
                os.fsync(target.fileno())
            os.replace(partial, services.result_path(key))
        except BaseException:
            partial.unlink(missing_ok=True)
            self._write(result_key=None)
            raise
        self.result_key, self.result_name = key, filename


class _Heartbeat(threading.Thread):
    """Writes the job's heartbeat while a long step (one big query) gives no progress."""

    def __init__(self, app: Flask, job_id: int) -> None:
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.app, self.job_id, self.stopped = app, job_id, threading.Event()

    def run(self) -> None:
        every = self.app.config["JOB_HEARTBEAT_SECONDS"]
        while not self.stopped.wait(every):
            with self.app.app_context():
                try:
                    with side_engine(self.app).begin() as connection:
                        connection.execute(update(Job).where(Job.id == self.job_id).values(heartbeat_at=utcnow()))
                except OperationalError:
                    pass


def execute(job_id: int) -> None:
    """Run one job to its end. Called by the Huey task inside an app context."""
    from .notices import notify_finished

    job = db.session.get(Job, job_id)
    if job is None or job.state is not JobState.QUEUED:
        return  # cancelled before it started, or delivered twice
    runner = RUNNERS.get(job.kind)
    job.state, job.started_at, job.heartbeat_at = JobState.RUNNING, utcnow(), utcnow()
    job.attempts += 1
    job.message = "Đang xử lý…"
    db.session.commit()
    heartbeat = _Heartbeat(current_app._get_current_object(), job_id)
    heartbeat.start()
    run: JobRun | None = None
    try:
        if runner is None:
            raise JobStopped(f"Loại công việc “{job.kind.label}” chưa được hỗ trợ trên máy chủ này.")
        run = JobRun(job)
        summary = runner(run)
        job = db.session.get(Job, job_id)
        job.progress_done = run.total if run.total is not None else run.done
        job.result_key, job.result_name = run.result_key, run.result_name
        services.end(job, JobState.DONE, summary)
        if run.keep_hours and job.expires_at:
            job.expires_at = min(job.expires_at, job.finished_at + timedelta(hours=run.keep_hours))
    except JobCancelled:
        _fail(job_id, JobState.CANCELLED, CANCELLED_MESSAGE, run)
    except JobStopped as stop:
        _fail(job_id, JobState.FAILED, str(stop), run)
    except Exception:
        log.exception("job %s failed", job_id)
        _fail(job_id, JobState.FAILED, FAILED_MESSAGE.format(id=job_id), run)
    finally:
        heartbeat.stopped.set()
    job = db.session.get(Job, job_id)
    if job.state is not JobState.CANCELLED:
        notify_finished(job)
    db.session.commit()
    heartbeat.join(timeout=5)


def _fail(job_id: int, state: JobState, message: str, run: JobRun | None) -> None:
    """Undo the job's own changes, drop its file, record why it ended."""
    db.session.rollback()
    if run is not None and run.result_key:
        services.result_path(run.result_key).unlink(missing_ok=True)
    job = db.session.get(Job, job_id)
    job.result_key = None
    if run is not None:
        job.progress_done = run.done
    services.end(job, state, message)


def register_tasks(app: Flask, huey: Huey) -> None:
    """The Huey tasks of this app: run a job; reap dead jobs; purge expired files."""
    from . import runners  # noqa: F401  (registers the runners of every kind)

    @huey.task(name="jobs.run")
    def run_job(job_id: int) -> None:
        with app.app_context():
            try:
                execute(job_id)
            finally:
                db.session.remove()

    @huey.periodic_task(crontab(minute="*"), name="jobs.reap")
    def reap_jobs() -> None:
        with app.app_context():
            services.reap_stale()
            db.session.commit()

    @huey.periodic_task(crontab(minute="7"), name="jobs.purge")
    def purge_files() -> None:
        with app.app_context():
            services.purge_expired()
            db.session.commit()

    app.extensions["huey_tasks"] = {"run_job": run_job, "reap": reap_jobs, "purge": purge_files}
