"""An Excel import over JOB_IMPORT_THRESHOLD rows runs as a job: the same checks (every error
of every row), nothing applied when any row is wrong, new passwords downloadable once."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.jobs.models import Job, JobKind, JobState
from danvankheo.units.models import Unit
from tests.imports.test_imports import UNITS, USERS, upload, xlsx


@pytest.fixture
def admin(login_as, app, jobs_folder):
    app.config["JOB_IMPORT_THRESHOLD"] = 3
    return login_as(Role.ADMIN)


def _job() -> Job:
    db.session.expire_all()
    return db.session.scalar(select(Job).order_by(Job.id.desc()))


def test_a_large_import_runs_as_a_job_and_its_passwords_are_kept_one_day(client, admin, jobs_folder):
    response = upload(client, xlsx())
    assert response.status_code == 302 and response.headers["Location"].startswith("/cong-viec")
    job = _job()
    assert job.kind is JobKind.IMPORT and job.state is JobState.DONE, job.message
    assert job.message.startswith("Đã nhập xong tệp “don-vi.xlsx”: thêm 4 đơn vị")
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 4
    assert db.session.scalar(select(User).where(User.login == "canbo.yte")).must_change_password
    assert not list(jobs_folder.glob("upload-*"))  # the upload is not kept
    first = client.get(f"/cong-viec/{job.id}/tai-ve")
    sheet = load_workbook(io.BytesIO(first.data)).active
    first.close()
    logins = {row[0] for row in sheet.iter_rows(values_only=True)}
    assert {"canbo.yte", "giamkhao", "noivu"} <= logins
    assert job.expires_at - job.finished_at == timedelta(hours=24)  # not JOB_FILE_DAYS
    assert "chỉ được giữ 24 giờ" in job.message


def test_a_large_import_with_errors_applies_nothing_and_lists_every_error(client, admin):
    units = [*UNITS, ["", "Thiếu mã", "Sở, ban, ngành", None], ["SXX", "Sở Không Rõ", "Bộ", "KHONGCO"]]
    users = [*USERS, ["khach", "Vai trò lạ", None, None, None, "NB", "Khách mời"]]
    upload(client, xlsx(units, users))
    job = _job()
    assert job.state is JobState.FAILED and job.result_key is None
    assert job.message.startswith("Chưa nhập gì: tệp “don-vi.xlsx” có ")
    assert "dòng 6" in job.message and "dòng 7" in job.message and "Khách mời" in job.message
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0
    page = client.get("/cong-viec").get_data(as_text=True)
    assert "Thất bại" in page and "Chưa nhập gì" in page


def test_a_small_import_stays_on_the_page(client, login_as, app):
    app.config["JOB_IMPORT_THRESHOLD"] = 500
    login_as(Role.ADMIN)
    assert upload(client, xlsx()).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
