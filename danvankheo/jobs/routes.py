"""/cong-viec: the user's own jobs, their progress (polled as JSON), cancel and download."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from ..audit.services import record
from ..core.errors import saving
from ..core.formatting import format_number
from ..core.permissions import get_or_404
from ..core.timeutil import format_datetime
from ..exports.xlsx import content_disposition
from . import services
from .models import Job, JobState

bp = Blueprint("jobs", __name__, url_prefix="/cong-viec", static_folder="static",
               static_url_path="/static/cong-viec")

MIMETYPES = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             ".zip": "application/zip"}


def _own(job_id: int) -> Job:
    job = get_or_404(Job, job_id)
    if job.owner_id != current_user.id:
        abort(404)  # someone else's job: the same answer as a missing one
    return job


def time_left(seconds: int | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return "còn dưới 1 phút"
    if seconds < 3600:
        return f"còn khoảng {(seconds + 59) // 60} phút"
    hours, minutes = divmod((seconds + 59) // 60, 60)
    return f"còn khoảng {hours} giờ {minutes} phút" if minutes else f"còn khoảng {hours} giờ"


def describe(job: Job) -> dict:
    """What the page shows of a job; the same for the first render and for every poll."""
    if job.progress_total:
        rows = f"{format_number(job.progress_done)} / {format_number(job.progress_total)} dòng"
    else:
        rows = f"{format_number(job.progress_done)} dòng" if job.progress_done else ""
    return {
        "id": job.id,
        "state": job.state.value,
        "state_label": job.state.label,
        "active": job.state.is_active,
        "percent": job.percent,
        "rows": rows,
        "time_left": time_left(job.seconds_left()),
        "message": job.message,
        "started": format_datetime(job.started_at) if job.started_at else "",
        "finished": format_datetime(job.finished_at) if job.finished_at else "",
        "expires": format_datetime(job.expires_at) if job.expires_at and job.result_key else "",
        "download": url_for("jobs.download", job_id=job.id) if job.has_file else None,
        "file_name": job.result_name if job.has_file else None,
        "can_cancel": job.state.is_active and not job.cancel_requested,
    }


@bp.get("")
@login_required
def index():
    jobs = services.jobs_of(current_user)
    return render_template("jobs/index.html", jobs=jobs, views={job.id: describe(job) for job in jobs})


@bp.get("/trang-thai")
@login_required
def status():
    response = jsonify({"jobs": [describe(job) for job in services.jobs_of(current_user)]})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:job_id>/huy")
@login_required
def cancel(job_id: int):
    job = _own(job_id)
    with saving(category="warning") as saved:
        services.request_cancel(job, current_user)
    if saved:
        flash("Đã hủy công việc." if job.state is JobState.CANCELLED
              else "Đã gửi yêu cầu hủy; công việc sẽ dừng sau phần đang xử lý.", "success")
    return redirect(url_for("jobs.index"))


@bp.get("/<int:job_id>/tai-ve")
@login_required
def download(job_id: int):
    job = _own(job_id)
    if not job.has_file:
        abort(404)
    path = services.result_path(job.result_key)
    if not path.is_file():
        abort(404)
    with saving():
        record("job.download", job, label=f"{job.kind.label}: {job.title}"[:500],
               changes={"filename": [None, job.result_name]})
    name = job.result_name or "ket-qua"
    suffix = name[name.rfind("."):] if "." in name else ""
    response = send_file(path, mimetype=MIMETYPES.get(suffix, "application/octet-stream"), max_age=0,
                         conditional=False, etag=False)
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers["Cache-Control"] = "private, no-store"
    return response
