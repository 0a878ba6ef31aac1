"""Telling a job's owner that it ended: a notification in the app, and email when configured
(the notifications feature mails it after the commit)."""

from __future__ import annotations

from flask import current_app, url_for

from ..core.timeutil import format_datetime
from ..notifications.services import notify
from .models import Job, JobState

TITLES = {
    JobState.DONE: "Công việc đã hoàn thành: {title}",
    JobState.FAILED: "Công việc không hoàn thành: {title}",
    JobState.CANCELLED: "Công việc đã hủy: {title}",
}


def jobs_link() -> str:
    with current_app.test_request_context():
        return url_for("jobs.index")


def notify_finished(job: Job) -> None:
    body = job.message
    if job.state is JobState.DONE and job.result_key:
        body += f"\nTải tệp kết quả trên trang Công việc trước {format_datetime(job.expires_at)}."
    notify([job.owner], kind=f"job_{job.state.value}", title=TITLES[job.state].format(title=job.title)[:500],
           body=body, link=jobs_link(), dedup_key=f"job:{job.id}:{job.state.value}")
