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
from ..core.formatting import format_number
from ..core.roles import Role
from ..core.timeutil import local_today
from ..extensions import db
from ..organisers.models import Organiser
from . import services
from .models import JobKind
from .tasks import JobRun, JobStopped, register_runner

READERS = (Role.SECRETARIAT, Role.OBSERVER, Role.ADMIN)
LOST_RIGHT = "Bạn không còn quyền {what}; công việc đã dừng và không có tệp nào được tạo."


def _context(organiser=None):
    from ..exports.documents import DocumentContext

    return DocumentContext.from_organiser(organiser, current_app.config, local_today())


def _acting_for(user, organiser_id: int | None):
    """The job's owner as they were when they asked: acting for the organiser they chose
    then (the worker has no session). A role lost since then loses the right too."""
    user._acting_organiser_id = None
    user.act_for(organiser_id)
    return user


def _may_read_organiser(organiser_id: int, acting_id: int | None):
    """A guard: the owner, acting as they did, still reads that organiser's data."""
    from ..organisers import access

    return lambda user: access.may_read(_acting_for(user, acting_id), organiser_id)


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
        {"round_id": round_.id, "args": _pairs(args), "organiser_id": user.acting_organiser_id},
        total=export.total_rows,
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
    with_names = False  # nobody is named in the download, as in the instant one
    reads = _may_read_organiser(round_.organiser_id, run.params.get("organiser_id"))
    run.require(lambda user: reads(user) and user.has_role(*READERS) and (user.is_secretariat or not with_names),
                LOST_RIGHT.format(what="xuất kết quả xếp hạng của đợt này"))
    export = RankingExport.plan(round_, MultiDict(run.params["args"]), with_names=with_names)
    run.set_total(export.total_rows)
    sheets, scores = export.sheets(_context(round_.organiser), run.counted)
    with run.output(export.filename) as target:
        write_workbook(sheets, target)
    record("export.xlsx", round_, actor=run.owner, label=export.label,
           changes={"filename": [None, export.filename], "rows": [None, scores.count], "job": [None, run.job_id]})
    return (f"Đã tạo tệp “{export.filename}”: {format_number(len(export.view.rows))} mô hình, "
            f"{format_number(scores.count)} dòng chi tiết điểm.")


# --- The registry list -------------------------------------------------------------------------


def start_registry_export(user, args: Mapping[str, Any]):
    job, created = services.start_and_enqueue(
        user, JobKind.REGISTRY_EXPORT, "Danh sách mô hình",
        {"args": _pairs(args), "organiser_id": user.acting_organiser_id},
    )
    return _started(job, created)


@register_runner(JobKind.REGISTRY_EXPORT)
def run_registry_export(run: JobRun) -> str:
    """The list exactly as the instant download builds it, for the owner as they were acting."""
    from ..exports.queries import registry_count
    from ..exports.routes import registry_export
    from ..exports.xlsx import write_workbook
    from ..registry import permissions

    acting_id = run.params.get("organiser_id")
    run.require(lambda user: (permissions.may_register(_acting_for(user, acting_id))
                              or permissions.may_read_all_submitted(user)),
                LOST_RIGHT.format(what="xuất danh sách mô hình"))
    owner, args = _acting_for(run.owner, acting_id), MultiDict(run.params["args"])
    run.set_total(registry_count(owner, args, cap=10**9))
    export = registry_export(owner, args, run.counted)
    with run.output(export.filename) as target:
        write_workbook(export.sheets, target)
    record("export.xlsx", None, object_type="Export", actor=run.owner, label=export.label,
           changes={"filename": [None, export.filename], "rows": [None, export.rows.count], "job": [None, run.job_id]})
    return f"Đã tạo tệp “{export.filename}”: {format_number(export.rows.count)} mô hình."


# --- Periodic report ---------------------------------------------------------------------------


def start_periodic_report(user, args: Mapping[str, Any], title: str, organiser_ids=None,
                          issuer_id: int | None = None):
    """`organiser_ids`: the organisers the report covers (those the user reads when asking);
    `issuer_id`: the organiser whose names the paper bears (the one the user acts for)."""
    params = {"args": _pairs(args)}
    if organiser_ids is not None:
        params["organisers"] = sorted(organiser_ids)
    if issuer_id is not None:
        params["issuer"] = issuer_id
    job, created = services.start_and_enqueue(user, JobKind.PERIODIC_REPORT, title, params)
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
    report = build_periodic_report(period, run.params.get("organisers"))
    run.checkpoint()
    from sqlalchemy import true

    from ..feedback.queries import voice_report
    from ..registry.models import Initiative
    from ..registry.permissions import units_of_organisers

    organisers = run.params.get("organisers")
    scope = Initiative.unit_id.in_(units_of_organisers(set(organisers))) if organisers is not None else true()
    # A job asked before the issuer was kept has none: the deployment's names, as then.
    issuer = db.session.get(Organiser, run.params["issuer"]) if run.params.get("issuer") else None
    sheets = periodic_report_sheets(report, _context(issuer), voice=voice_report(period.years, scope))
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


# --- Excel import of units and users -----------------------------------------------------------

IMPORT_ERRORS_SHOWN = 50
PASSWORD_FILE_HOURS = 24  # new accounts' one-time passwords stay on the server one day at most


def start_import(user, filename: str, data: bytes, rows: int):
    """Keep the uploaded file for the worker (under a random name), then start the job."""
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    upload_key = digest[:32]
    path = services.jobs_folder() / f"upload-{upload_key}.xlsx"
    if not path.exists():
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        partial.replace(path)
    job, created = services.start_and_enqueue(user, JobKind.IMPORT, filename or "Tệp Excel",
                                              {"upload": upload_key, "filename": filename}, total=rows)
    return _started(job, created)


@register_runner(JobKind.IMPORT)
def run_import(run: JobRun) -> str:
    """The import exactly as the page does it: every error of every row, and nothing applied
    when any row is wrong (the job's transaction is rolled back with the failure)."""
    from ..imports import services as imports
    from ..imports import spreadsheet

    run.require(lambda user: user.has_role(Role.ADMIN), LOST_RIGHT.format(what="nhập đơn vị và người dùng"))
    path = services.jobs_folder() / f"upload-{run.params['upload']}.xlsx"
    filename = run.params.get("filename") or ""
    try:
        data = path.read_bytes()
    except FileNotFoundError as missing:
        raise JobStopped("Không còn tệp đã tải lên trên máy chủ; vui lòng tải lên lại.") from missing
    try:
        try:
            parsed = spreadsheet.read_workbook(filename, data)
        except spreadsheet.ImportFileError as error:
            raise JobStopped(str(error)) from error
        run.advance(len(parsed.units) + len(parsed.users))
        run.checkpoint()
        imports.check_against_database(parsed)
        if parsed.errors:
            raise JobStopped(_import_errors(filename, parsed.errors))
        try:
            result = imports.apply_import(parsed, actor=run.owner, filename=filename)
        except imports.ImportRejected as rejected:
            raise JobStopped(_import_errors(filename, [rejected.error])) from rejected
        run.checkpoint()  # a last chance to cancel before the import is committed
        if result.new_accounts:
            run.keep_hours = PASSWORD_FILE_HOURS
            with run.output(f"Mật khẩu ban đầu - {filename or 'nhập Excel'}.xlsx") as target:
                _write_passwords(result.new_accounts, target)
    finally:
        path.unlink(missing_ok=True)
    summary = (f"Đã nhập xong tệp “{filename}”: thêm {result.units_created} đơn vị, cập nhật "
               f"{result.units_updated} đơn vị; thêm {result.users_created} tài khoản, cập nhật "
               f"{result.users_updated} tài khoản.")
    if result.new_accounts:
        summary += (f" Tệp mật khẩu ban đầu của tài khoản mới chỉ được giữ {PASSWORD_FILE_HOURS} giờ; "
                    "hãy tải về và gửi riêng cho từng người.")
    return summary


def _import_errors(filename: str, errors) -> str:
    lines = [f"Chưa nhập gì: tệp “{filename}” có {len(errors)} lỗi. Sửa các dòng dưới đây rồi tải lên lại cả tệp."]
    lines += [f"- Trang “{e.sheet}”, dòng {e.row}, cột “{e.column}”: {e.message}" for e in errors[:IMPORT_ERRORS_SHOWN]]
    if len(errors) > IMPORT_ERRORS_SHOWN:
        lines.append(f"… và {len(errors) - IMPORT_ERRORS_SHOWN} lỗi khác.")
    return "\n".join(lines)


def _write_passwords(accounts, target) -> None:
    from ..exports.xlsx import Column, Sheet, write_workbook

    write_workbook([Sheet("Mật khẩu ban đầu", [Column("Tên đăng nhập"), Column("Họ và tên", max_width=40),
                                                Column("Mật khẩu ban đầu")],
                          [[a.login, a.full_name, a.password] for a in accounts],
                          title="MẬT KHẨU BAN ĐẦU CỦA TÀI KHOẢN MỚI",
                          notes=["Chỉ tải được một lần. Người dùng phải đổi mật khẩu ở lần đăng nhập đầu."])],
                   target)


# --- Bulk e-mail of notifications --------------------------------------------------------------

MAIL_BATCH = 50


def start_bulk_mail(notification_ids) -> bool:
    """Send a mass notice's mail as a job of the user whose change caused it. Called after
    that change committed, so the job is written in a session of its own. False when there
    is no such user (a command): `send-reminders` then sends the mail."""
    from flask import has_request_context
    from flask_login import current_user
    from sqlalchemy.orm import Session

    from ..auth.models import User

    if not has_request_context() or not current_user.is_authenticated:
        return False
    ids = sorted(set(notification_ids))
    with Session(db.engine) as session:
        owner = session.get(User, current_user.id)
        job, created = services.start_job(owner, JobKind.REMINDER_MAIL,
                                          f"Gửi email {format_number(len(ids))} thông báo", {"ids": ids},
                                          total=len(ids), session=session)
        session.commit()
        if created:
            services.enqueue(job)
    return True


@register_runner(JobKind.REMINDER_MAIL)
def run_bulk_mail(run: JobRun) -> str:
    from ..notifications.mail import mail_enabled, send_notification_emails

    if not mail_enabled():
        raise JobStopped("Chưa cấu hình máy chủ thư (MAIL_SERVER): các thông báo vẫn có trong phần mềm, "
                         "không gửi được email.")
    ids = list(run.params["ids"])
    sent = 0
    for start in range(0, len(ids), MAIL_BATCH):
        sent += send_notification_emails(ids[start:start + MAIL_BATCH])
        run.advance(len(ids[start:start + MAIL_BATCH]))
        run.checkpoint()
    left = len(ids) - sent
    return (f"Đã gửi {format_number(sent)} email thông báo"
            + (f"; {format_number(left)} thư không gửi được (người nhận không có email hoặc máy chủ thư từ chối), "
               "lệnh send-reminders sẽ thử lại." if left else "."))


# --- The proposal's whole dossier (zip) --------------------------------------------------------


def start_dossier(user, proposal, title: str):
    job, created = services.start_and_enqueue(user, JobKind.DOSSIER_ZIP, title,
                                              {"proposal_id": proposal.id, "organiser_id": user.acting_organiser_id})
    return _started(job, created)


@register_runner(JobKind.DOSSIER_ZIP)
def run_dossier(run: JobRun) -> str:
    from ..awards import dossier
    from ..awards.models import Proposal
    from ..evidence.storage import get_storage

    proposal = db.session.get(Proposal, run.params["proposal_id"])
    if proposal is None:
        raise JobStopped("Đề nghị khen thưởng không còn tồn tại; công việc đã dừng.")
    reads = _may_read_organiser(proposal.round.organiser_id, run.params.get("organiser_id"))
    run.require(lambda user: reads(user) and user.has_role(*READERS),
                LOST_RIGHT.format(what="tải hồ sơ đề nghị khen thưởng"))
    filename = dossier.dossier_filename(proposal)
    with run.output(filename) as target:
        entries = dossier.write_dossier(proposal, target, config=current_app.config, today=local_today(),
                                        storage=get_storage())
    run.set_total(len(entries))
    run.advance(len(entries))
    record("export.dossier", proposal, actor=run.owner, label=f"Hồ sơ đề nghị khen thưởng: {proposal.title}",
           changes={"filename": [None, filename], "files": [None, len(entries)], "job": [None, run.job_id]})
    return f"Đã tạo tệp “{filename}”: {format_number(len(entries))} tệp, kèm bảng kê SHA-256."
