"""Telling a job's owner that it ended: a notification in the app, and email when configured
(the notifications feature mails it after the commit)."""

from __future__ import annotations

from ..core.links import page_link
from ..core.timeutil import format_datetime
from ..notifications.services import notify
from .models import Job, JobState

TITLES = {
    JobState.DONE: "Công việc đã hoàn thành: {title}",
    JobState.FAILED: "Công việc không hoàn thành: {title}",
    JobState.CANCELLED: "Công việc đã hủy: {title}",
}


def notify_finished(job: Job) -> None:
    body = job.message
    if job.state is JobState.DONE and job.result_key:
        body += f"\nTải tệp kết quả trên trang Công việc trước {format_datetime(job.expires_at)}."
    notify([job.owner], kind=f"job_{job.state.value}", title=TITLES[job.state].format(title=job.title)[:500],
           body=body, link=page_link("jobs.index"), dedup_key=f"job:{job.id}:{job.state.value}")
