"""Nhập đơn vị và người dùng từ Excel (admin): template, upload, per-row report, result."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired

from ..core.errors import saving
from ..core.forms import Form
from ..core.permissions import roles_required
from ..core.roles import Role
from ..core.timeutil import local_today
from ..exports.xlsx import XLSX_MIMETYPE, content_disposition
from ..home.panels import register_panel
from . import services, spreadsheet

bp = Blueprint("imports", __name__, url_prefix="/quan-tri/nhap-excel")

TEMPLATE_NAME = "Mẫu nhập đơn vị và người dùng.xlsx"


class UploadForm(Form):
    file = FileField("Tệp Excel (.xlsx)", validators=[FileRequired("Vui lòng chọn tệp .xlsx để nhập.")])


def _page(form: UploadForm, **context):
    # Refused files are answered like any form with errors: the page again, with the report.
    response = make_response(render_template("imports/index.html", form=form, today=local_today(), **context))
    # The result page may carry one-time passwords: never cache it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("")
@roles_required(Role.ADMIN)
def index():
    return _page(UploadForm())


@bp.get("/mau")
@roles_required(Role.ADMIN)
def template():
    response = make_response(spreadsheet.template_bytes())
    response.headers["Content-Type"] = XLSX_MIMETYPE
    response.headers["Content-Disposition"] = content_disposition(TEMPLATE_NAME)
    return response


@bp.post("")
@roles_required(Role.ADMIN)
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _page(form)
    upload = form.file.data
    filename = upload.filename or ""
    data = upload.read()
    # Both refusals are shown by the page itself: a file it cannot read, or the refused rows.
    with saving(quiet=True) as read:
        parsed = spreadsheet.read_workbook(filename, data)
    if not read:
        return _page(form, file_error=str(read.error))
    rows = len(parsed.units) + len(parsed.users)
    if rows > current_app.config["JOB_IMPORT_THRESHOLD"]:
        # Thousands of accounts (one password hash each) are imported by the worker.
        from ..jobs.runners import start_import

        return start_import(current_user, filename, data, rows)
    services.check_against_database(parsed)
    if parsed.errors:
        return _page(form, errors=parsed.errors, warnings=parsed.warnings, filename=filename)
    with saving(quiet=True) as saved:
        result = services.apply_import(parsed, actor=current_user, filename=filename)
    if not saved:
        return _page(form, errors=saved.error.errors, warnings=parsed.warnings, filename=filename)
    return _page(UploadForm(), result=result, warnings=parsed.warnings, filename=filename)


def _admin_panel(user) -> dict:
    return {}


register_panel("imports", {Role.ADMIN}, "imports/_panel.html", _admin_panel, order=910)
