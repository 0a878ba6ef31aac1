"""Starting, cancelling, reaping and purging jobs. Services flush; the caller commits.

A job is enqueued on Huey only after the request that created it has committed
(`enqueue`), so the worker always finds its row.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..audit.services import record
from ..core.errors import DomainError
from ..core.types import utcnow
from ..extensions import db
from .models import Job, JobKind, JobState

log = logging.getLogger("danvankheo.jobs")

STALE_MESSAGE = (
    "Công việc bị dừng giữa chừng vì tiến trình xử lý nền đã ngừng (máy chủ khởi động lại hoặc "
    "bị tắt). Không có tệp nào được tạo; vui lòng chạy lại."
)


class JobRefused(DomainError):
    """A job that may not be started or cancelled; the message is for the user."""


def jobs_folder() -> Path:
    folder = Path(current_app.config.get("JOBS_FOLDER") or Path(current_app.instance_path) / "jobs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def result_path(key: str) -> Path:
    if not key or not all(c in "0123456789abcdef" for c in key):
        raise ValueError(f"invalid job file key {key!r}")
    return jobs_folder() / key


def partial_path(key: str) -> Path:
    return result_path(key).with_name(key + ".part")


def dedup_key(kind: JobKind, owner_id: int, params: dict[str, Any]) -> str:
    """The same work asked by the same user gives the same key."""
    digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"{kind.value}:{owner_id}:{digest}"


def start_job(owner, kind: JobKind, title: str, params: dict[str, Any], *,
              total: int | None = None, session: Session | None = None) -> tuple[Job, bool]:
    """The job for this work: a new one (True), or the same work already queued or running
    for this user (False). Call `enqueue` after committing a new one. `session`: another
    session than the request's (a job started after the request committed), not audited."""
    session = session or db.session()
    key = dedup_key(kind, owner.id, params)
    existing = session.scalar(select(Job).where(Job.active_key == key))
    if existing is not None:
        return existing, False
    job = Job(owner_id=owner.id, kind=kind, title=title[:500], params=params, dedup_key=key, active_key=key,
              state=JobState.QUEUED, progress_total=total, progress_done=0, message="Đang chờ đến lượt xử lý.")
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError:
        # A twin request committed the same job between our look-up and our insert.
        existing = session.scalar(select(Job).where(Job.active_key == key))
        if existing is None:
            raise
        return existing, False
    if session is db.session():
        record("job.start", job, actor=owner, label=f"{kind.label}: {title}"[:500],
               changes={"kind": [None, kind.value]})
    return job, True


def enqueue(job: Job) -> None:
    """Hand the committed job to the worker."""
    current_app.extensions["huey_tasks"]["run_job"](job.id)


def start_and_enqueue(owner, kind: JobKind, title: str, params: dict[str, Any], *,
                      total: int | None = None) -> tuple[Job, bool]:
    """`start_job`, commit, `enqueue`: what a view does in one step."""
    job, created = start_job(owner, kind, title, params, total=total)
    db.session.commit()
    if created:
        enqueue(job)
    return job, created


def jobs_of(user) -> list[Job]:
    return list(db.session.scalars(
        select(Job).where(Job.owner_id == user.id).order_by(Job.created_at.desc(), Job.id.desc()).limit(100)
    ))


def request_cancel(job: Job, user) -> None:
    """A queued job ends at once; a running one stops at its next chunk."""
    if not job.state.is_active:
        raise JobRefused("Công việc này đã kết thúc, không thể hủy.")
    if job.state is JobState.QUEUED:
        end(job, JobState.CANCELLED, "Đã hủy theo yêu cầu trước khi bắt đầu.")
    else:
        job.cancel_requested = True
        job.message = "Đang dừng theo yêu cầu hủy…"
    record("job.cancel", job, actor=user, label=f"{job.kind.label}: {job.title}"[:500])
    db.session.flush()


def end(job: Job, state: JobState, message: str) -> None:
    job.state = state
    job.message = message
    job.active_key = None
    job.finished_at = utcnow()
    if state is JobState.DONE and job.result_key:
        job.expires_at = job.finished_at + timedelta(days=current_app.config["JOB_FILE_DAYS"])


def reap_stale(now=None) -> list[Job]:
    """Running jobs whose worker stopped writing heartbeats: failed, their partial file gone.

    Run when a worker starts and every minute by the worker itself."""
    now = now or utcnow()
    limit = now - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
    stale = list(db.session.scalars(
        select(Job).where(
            Job.state == JobState.RUNNING,
            or_(Job.heartbeat_at < limit, Job.heartbeat_at.is_(None) & (Job.started_at < limit)),
        ).with_for_update(skip_locked=True)
    ))
    for job in stale:
        if job.result_key:
            partial_path(job.result_key).unlink(missing_ok=True)
            job.result_key = None
        end(job, JobState.FAILED, STALE_MESSAGE)
        log.warning("job %s reaped: no heartbeat since %s", job.id, job.heartbeat_at)
    db.session.flush()
    if stale:
        from .notices import notify_finished

        for job in stale:
            notify_finished(job)
    return stale


def purge_expired(now=None) -> int:
    """Delete the files of finished jobs kept longer than JOB_FILE_DAYS."""
    now = now or utcnow()
    expired = list(db.session.scalars(
        select(Job).where(Job.result_key.is_not(None), Job.expires_at.is_not(None), Job.expires_at < now)
    ))
    for job in expired:
        result_path(job.result_key).unlink(missing_ok=True)
        job.result_key = None
        job.message = (f"{job.message} Tệp đã được xóa sau {current_app.config['JOB_FILE_DAYS']} ngày lưu giữ."
                       ).strip()
    db.session.flush()
    # Uploads left behind by a job whose worker was killed before it could remove them.
    limit = (now - timedelta(days=current_app.config["JOB_FILE_DAYS"])).timestamp()
    # And partial files whose job could not record its key before its worker died.
    stale_parts = (now - timedelta(days=1)).timestamp()
    for leftover in jobs_folder().glob("*.part"):
        if leftover.stat().st_mtime < stale_parts:
            leftover.unlink(missing_ok=True)
    for leftover in jobs_folder().glob("upload-*"):
        if leftover.stat().st_mtime < limit:
            leftover.unlink(missing_ok=True)
    return len(expired)

