"""The work each job kind does in the worker, and the helpers views call to start it.

Each runner re-reads what it works on, checks its owner's right to it at the start and at
every chunk (`JobRun.require`), and keeps the feature's own service calls unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, flash, redirect, url_for
from werkzeug.datastructures import MultiDict

from ..audit.services import record
from ..auth.models import Role
from ..core.formatting import format_number
from ..core.timeutil import local_today
from ..extensions import db
from . import services
from .models import JobKind
from .tasks import JobRun, JobStopped, register_runner

READERS = (Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN)
LOST_RIGHT = "Bạn không còn quyền {what}; công việc đã dừng và không có tệp nào được tạo."


def _context():
    from ..exports.documents import DocumentContext

    return DocumentContext.from_config(current_app.config, local_today())


def _started(job, created: bool):
    """Tell the user where the job is, then show it on /cong-viec."""
    if created:
        flash(f"Việc này lớn nên được xử lý nền: “{job.title}”. Theo dõi tiến độ và tải tệp tại đây khi xong.",
              "info")
    else:
        flash(f"Việc “{job.title}” đang được xử lý; không tạo thêm công việc trùng.", "info")
    return redirect(url_for("jobs.index", _anchor=f"cong-viec-{job.id}"))


def _pairs(args: Mapping[str, Any]) -> list[list[str]]:
    items = args.items(multi=True) if isinstance(args, MultiDict) else args.items()
    return sorted([k, v] for k, v in items)


# --- Ranking with the full score detail --------------------------------------------------------


def start_ranking_export(user, round_, args: Mapping[str, Any], export):
    job, created = services.start_and_enqueue(
        user, JobKind.RANKING_EXPORT, export.filename.removesuffix(".xlsx"),
        {"round_id": round_.id, "args": _pairs(args)}, total=export.total_rows,
    )
    return _started(job, created)


@register_runner(JobKind.RANKING_EXPORT)
def run_ranking_export(run: JobRun) -> str:
    from ..exports.routes import RankingExport
    from ..exports.xlsx import write_workbook
    from ..scoring.models import Round, RoundState

    round_ = db.session.get(Round, run.params["round_id"])
    if round_ is None or round_.state is RoundState.DRAFT:
        raise JobStopped("Đợt đánh giá không còn tồn tại hoặc đã trở về bản nháp; công việc đã dừng.")
    with_names = run.owner.is_secretariat
    run.require(lambda user: user.has_role(*READERS) and (user.is_secretariat or not with_names),
                LOST_RIGHT.format(what="xuất kết quả xếp hạng của đợt này"))
    export = RankingExport.plan(round_, MultiDict(run.params["args"]), with_names=with_names)
    run.set_total(export.total_rows)
    sheets, scores = export.sheets(_context(), run.counted)
    with run.output(export.filename) as target:
        write_workbook(sheets, target)
    record("export.xlsx", round_, actor=run.owner, label=export.label,
           changes={"filename": [None, export.filename], "rows": [None, scores.count], "job": [None, run.job_id]})
    return (f"Đã tạo tệp “{export.filename}”: {format_number(len(export.view.rows))} mô hình, "
            f"{format_number(scores.count)} dòng chi tiết điểm.")


# --- Periodic report ---------------------------------------------------------------------------


def start_periodic_report(user, args: Mapping[str, Any], title: str):
    job, created = services.start_and_enqueue(user, JobKind.PERIODIC_REPORT, title, {"args": _pairs(args)})
    return _started(job, created)


@register_runner(JobKind.PERIODIC_REPORT)
def run_periodic_report(run: JobRun) -> str:
    from ..exports.xlsx import write_workbook
    from ..reports.periodic import build_periodic_report, parse_period
    from ..reports.xlsx import periodic_report_sheets

    run.require(lambda user: user.has_role(*READERS), LOST_RIGHT.format(what="xem báo cáo định kỳ"))
    period = parse_period(MultiDict(run.params["args"]), today=local_today())
    if not period.is_valid:
        raise JobStopped(period.error or "Kỳ báo cáo không hợp lệ.")
    report = build_periodic_report(period)
    run.checkpoint()
    sheets = periodic_report_sheets(report, _context())
    total = 0
    for sheet in sheets:
        rows = list(sheet.rows)
        total += len(rows)
        sheet.rows = run.counted(rows)
    run.set_total(total)
    filename = f"Báo cáo phong trào Dân vận khéo {period.start:%d-%m-%Y} đến {period.end:%d-%m-%Y}.xlsx"
    with run.output(filename) as target:
        write_workbook(sheets, target)
    record("export.xlsx", None, object_type="Export", actor=run.owner, label=f"{period.title} ({period.label})",
           changes={"filename": [None, filename], "job": [None, run.job_id]})
    return f"Đã tạo tệp “{filename}”."
