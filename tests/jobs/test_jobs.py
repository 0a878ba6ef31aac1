"""Jobs: the page of one's own jobs, dedup, cancel, faults (failure, lost right, a dead
worker), notifications and file expiry. Jobs run inside the request here (the tests' Huey
is immediate); tests/jobs/test_worker_kill.py runs a real worker process."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from danvankheo.core.roles import Role
from danvankheo.core.types import utcnow
from danvankheo.extensions import db
from danvankheo.jobs import services, tasks
from danvankheo.jobs.models import Job, JobKind, JobState
from danvankheo.notifications.models import Notification
from tests.factories import make_user


def _export(client, finalised):
    return client.get(f"/xuat-excel/dot-danh-gia/{finalised.round.id}/xep-hang")


def _job() -> Job:
    db.session.expire_all()
    return db.session.scalar(select(Job).order_by(Job.id.desc()))


def test_a_large_export_runs_as_a_job_the_owner_follows_and_downloads(client, login_as, finalised, app,
                                                                        jobs_folder):
    app.config["JOB_EXPORT_THRESHOLD"] = 5
    login_as(finalised.secretariat)
    response = _export(client, finalised)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Việc này lớn nên được xử lý nền" in page and "Xuất Excel kết quả xếp hạng và chi tiết điểm" in page
    assert "Hoàn thành" in page and "Tải tệp" in page and "100%" in page and "18 / 18 dòng" in page
    job = _job()
    assert job.owner_id == finalised.secretariat.id and job.active_key is None
    assert job.expires_at - job.finished_at == timedelta(days=app.config["JOB_FILE_DAYS"])
    assert [p.name for p in jobs_folder.iterdir()] == [job.result_key]  # no temporary file left
    status = client.get("/cong-viec/trang-thai").get_json()["jobs"][0]
    assert status["state"] == "done" and status["percent"] == 100 and status["download"].endswith("/tai-ve")
    download = client.get(status["download"])
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert "K%E1%BA%BFt%20qu%E1%BA%A3%20x%E1%BA%BFp%20h%E1%BA%A1ng" in download.headers["Content-Disposition"]
    note = db.session.scalar(select(Notification).where(Notification.user_id == finalised.secretariat.id,
                                                        Notification.kind == "job_done"))
    assert note.title.startswith("Công việc đã hoàn thành") and note.link == "/cong-viec"


def test_a_user_sees_only_their_own_jobs(client, login_as, finalised, app, jobs_folder):
    app.config["JOB_EXPORT_THRESHOLD"] = 5
    login_as(finalised.secretariat)
    _export(client, finalised)
    job = _job()
    client.post("/dang-xuat")
    other = login_as(Role.SECRETARIAT)
    assert other.id != job.owner_id
    assert "Bạn chưa có công việc nào" in client.get("/cong-viec").get_data(as_text=True)
    assert client.get("/cong-viec/trang-thai").get_json() == {"jobs": []}
    assert client.get(f"/cong-viec/{job.id}/tai-ve").status_code == 404
    assert client.post(f"/cong-viec/{job.id}/huy").status_code == 404


def test_two_identical_requests_while_one_is_active_give_the_same_job(client, login_as, finalised, app,
                                                                      monkeypatch):
    enqueued = []
    monkeypatch.setattr(services, "enqueue", lambda job: enqueued.append(job.id))  # the worker is busy
    app.config["JOB_EXPORT_THRESHOLD"] = 5
    login_as(finalised.secretariat)
    _export(client, finalised)
    second = client.get(_export(client, finalised).headers["Location"]).get_data(as_text=True)
    assert "không tạo thêm công việc trùng" in second
    assert db.session.scalar(select(db.func.count()).select_from(Job)) == 1 and len(enqueued) == 1
    # A different filter is different work.
    client.get(f"/xuat-excel/dot-danh-gia/{finalised.round.id}/xep-hang?sap_xep=ten")
    assert db.session.scalar(select(db.func.count()).select_from(Job)) == 2


def test_the_database_refuses_a_second_active_job_with_the_same_key(app):
    user = make_user(Role.SECRETARIAT)
    for _ in range(2):
        db.session.add(Job(owner_id=user.id, kind=JobKind.RANKING_EXPORT, title="x", params={},
                           dedup_key="k", active_key="k"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_cancelling_a_queued_job_ends_it_at_once(client, login_as, finalised, app, monkeypatch):
    monkeypatch.setattr(services, "enqueue", lambda job: None)
    app.config["JOB_EXPORT_THRESHOLD"] = 5
    login_as(finalised.secretariat)
    _export(client, finalised)
    job = _job()
    page = client.get("/cong-viec").get_data(as_text=True)
    assert f'action="/cong-viec/{job.id}/huy"' in page and "Đang chờ" in page
    client.post(f"/cong-viec/{job.id}/huy")
    job = _job()
    assert job.state is JobState.CANCELLED and job.active_key is None
    assert "Công việc này đã kết thúc" in client.post(f"/cong-viec/{job.id}/huy", follow_redirects=True
                                                      ).get_data(as_text=True)
    tasks.execute(job.id)  # the worker picks the message up later: nothing runs
    assert _job().state is JobState.CANCELLED and _job().started_at is None


# --- Runners that fail, are cancelled or lose their right, mid-file ---------------------------------


def _queued(user, kind=JobKind.DOSSIER_ZIP) -> int:
    job, _ = services.start_job(user, kind, "Thử", {"n": 1})
    db.session.commit()
    return job.id


def _rows_runner(event):
    """A runner writing ten rows to its file, calling `event(run, row)` at each."""

    def runner(run):
        run.set_total(10)
        with run.output("Thử.xlsx") as target:
            for row in range(10):
                event(run, row)
                target.write(b"row %d\n" % row)
                run.advance()
        return "Xong."

    return runner


@pytest.fixture
def small_chunks(app):
    app.config["JOB_CHUNK_ROWS"] = 2


def _set_in_other_session(statement) -> None:
    with db.engine.begin() as connection:
        connection.execute(statement)


def test_a_failing_job_says_why_and_leaves_no_file(app, jobs_folder, monkeypatch, small_chunks):
    user = make_user(Role.SECRETARIAT)

    def boom(run, row):
        if row == 5:
            raise ValueError("disk full")

    monkeypatch.setitem(tasks.RUNNERS, JobKind.DOSSIER_ZIP, _rows_runner(boom))
    job_id = _queued(user)
    tasks.execute(job_id)
    job = _job()
    assert job.state is JobState.FAILED and job.result_key is None and job.active_key is None
    assert job.message.startswith("Công việc gặp lỗi hệ thống và đã dừng; không có tệp nào được tạo.")
    assert f"mã công việc {job_id}" in job.message
    assert list(jobs_folder.iterdir()) == []
    note = db.session.scalar(select(Notification).where(Notification.kind == "job_failed"))
    assert note.user_id == user.id and note.body == job.message


def test_a_running_job_stops_at_the_next_chunk_when_cancelled(app, jobs_folder, monkeypatch, small_chunks):
    user = make_user(Role.SECRETARIAT)
    job_id = _queued(user)

    def click_cancel(run, row):
        if row == 3:
            _set_in_other_session(db.update(Job).where(Job.id == job_id).values(cancel_requested=True))

    monkeypatch.setitem(tasks.RUNNERS, JobKind.DOSSIER_ZIP, _rows_runner(click_cancel))
    tasks.execute(job_id)
    job = _job()
    assert job.state is JobState.CANCELLED and job.progress_done == 4  # stopped at the chunk after row 3
    assert job.message == "Đã hủy theo yêu cầu của bạn; không có tệp nào được tạo."
    assert list(jobs_folder.iterdir()) == []
    assert db.session.scalar(select(Notification)) is None  # the user cancelled it: no notice


def test_a_job_whose_owner_lost_the_right_stops_with_a_message(client, login_as, finalised, app, jobs_folder,
                                                               monkeypatch, small_chunks):
    from danvankheo.auth.models import UserRole
    from danvankheo.jobs import runners

    owner = finalised.secretariat
    app.config["JOB_EXPORT_THRESHOLD"] = 5
    calls = {"n": 0}
    real = runners.run_ranking_export

    def revoke_midway(run):
        original = run.checkpoint

        def checkpoint():
            calls["n"] += 1
            if calls["n"] == 2:  # the secretariat role is withdrawn while the file is written
                _set_in_other_session(db.delete(UserRole).where(UserRole.user_id == owner.id))
            original()

        run.checkpoint = checkpoint
        return real(run)

    monkeypatch.setitem(tasks.RUNNERS, JobKind.RANKING_EXPORT, revoke_midway)
    login_as(owner)
    _export(client, finalised)
    job = _job()
    assert job.state is JobState.FAILED and 0 < job.progress_done < 18
    assert job.message == ("Bạn không còn quyền xuất kết quả xếp hạng của đợt này; "
                           "công việc đã dừng và không có tệp nào được tạo.")
    assert list(jobs_folder.iterdir()) == []


def test_a_job_checks_the_right_before_it_starts(app, finalised, jobs_folder):
    observer = make_user(Role.OBSERVER)
    job, _ = services.start_job(observer, JobKind.RANKING_EXPORT, "x", {"round_id": finalised.round.id, "args": []})
    observer.set_roles({Role.STAFF})
    db.session.commit()
    tasks.execute(job.id)
    job = _job()
    assert job.state is JobState.FAILED and job.progress_done == 0 and "không còn quyền" in job.message


# --- A worker that died; files that expired ---------------------------------------------------------


def test_a_running_job_without_heartbeat_is_failed_and_its_partial_file_removed(app, jobs_folder):
    user = make_user(Role.SECRETARIAT)
    job_id = _queued(user)
    job = db.session.get(Job, job_id)
    stale = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 5)
    job.state, job.started_at, job.heartbeat_at, job.result_key = JobState.RUNNING, stale, stale, "ab" * 16
    fresh = Job(owner_id=user.id, kind=JobKind.IMPORT, title="y", params={}, dedup_key="f", active_key="f",
                state=JobState.RUNNING, started_at=utcnow(), heartbeat_at=utcnow())
    db.session.add(fresh)
    db.session.commit()
    services.partial_path(job.result_key).write_bytes(b"half")
    assert [j.id for j in services.reap_stale()] == [job_id]
    db.session.commit()
    job = db.session.get(Job, job_id)
    assert job.state is JobState.FAILED and job.message == services.STALE_MESSAGE and job.active_key is None
    assert fresh.state is JobState.RUNNING
    assert list(jobs_folder.iterdir()) == []
    assert db.session.scalar(select(Notification.kind)) == "job_failed"


def test_files_are_removed_after_the_configured_days(client, login_as, finalised, app, jobs_folder):
    app.config["JOB_EXPORT_THRESHOLD"] = 5
    login_as(finalised.secretariat)
    _export(client, finalised)
    job = _job()
    assert services.purge_expired() == 0
    job.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert services.purge_expired() == 1
    db.session.commit()
    assert list(jobs_folder.iterdir()) == [] and _job().result_key is None
    assert "Tệp đã được xóa sau 7 ngày lưu giữ." in _job().message
    assert client.get(f"/cong-viec/{job.id}/tai-ve").status_code == 404
    assert json.dumps(client.get("/cong-viec/trang-thai").get_json()).count('"download": null') == 1


def test_the_cancel_form_needs_csrf(client, login_as, finalised, app, monkeypatch):
    monkeypatch.setattr(services, "enqueue", lambda job: None)
    app.config["JOB_EXPORT_THRESHOLD"] = 5
    login_as(finalised.secretariat)
    _export(client, finalised)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/cong-viec/{_job().id}/huy").status_code == 400
    assert _job().state is JobState.QUEUED


def test_a_periodic_report_over_many_units_runs_as_a_job(client, login_as, finalised, app, jobs_folder):
    from openpyxl import load_workbook

    app.config["JOB_REPORT_THRESHOLD"] = 1
    login_as(finalised.secretariat)
    response = client.get("/bao-cao/excel?tu_ngay=01/01/2026&den_ngay=31/12/2026")
    assert response.status_code == 302
    job = _job()
    assert job.kind is JobKind.PERIODIC_REPORT and job.state is JobState.DONE, job.message
    assert job.title == "Tổng kết năm 2026 (từ ngày 01/01/2026 đến ngày 31/12/2026)"
    assert job.progress_done == job.progress_total > 0
    download = client.get(f"/cong-viec/{job.id}/tai-ve")
    import io

    assert load_workbook(io.BytesIO(download.data)).sheetnames[0] == "Tổng hợp"
    download.close()


def test_a_registry_list_past_the_threshold_is_built_as_a_job_with_the_same_rows(client, login_as, finalised, app,
                                                                                  jobs_folder):
    import io

    from openpyxl import load_workbook

    def cells(data: bytes) -> list[tuple]:
        book = load_workbook(io.BytesIO(data), read_only=True)
        return [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]

    login_as(finalised.secretariat)
    instant = client.get("/xuat-excel/mo-hinh")
    assert instant.status_code == 200 and instant.data[:2] == b"PK"
    expected = cells(instant.data)
    # The list's lines are numbered (STT) in the first column.
    models = sum(1 for row in expected if row and isinstance(row[0], int))
    assert models == len(finalised.models) >= 2

    app.config["JOB_EXPORT_THRESHOLD"] = models - 1
    response = client.get("/xuat-excel/mo-hinh")
    assert response.status_code == 302 and response.headers["Location"].startswith("/cong-viec")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Việc này lớn nên được xử lý nền" in page and "Xuất Excel danh sách mô hình" in page
    job = _job()
    assert job.kind is JobKind.REGISTRY_EXPORT and job.state is JobState.DONE, job.message
    assert job.progress_done == job.progress_total == models
    assert job.message.startswith("Đã tạo tệp “Danh sách mô hình ") and job.message.endswith(f": {models} mô hình.")
    download = client.get(f"/cong-viec/{job.id}/tai-ve")
    assert cells(download.data) == expected
    download.close()

    # At the threshold itself the download is still instant.
    app.config["JOB_EXPORT_THRESHOLD"] = models
    assert client.get("/xuat-excel/mo-hinh").status_code == 200


def test_a_national_periodic_report_job_sums_by_province_like_the_page(client, login_as, app, jobs_folder):
    """The job a national reader's download becomes writes the page's shape (issue 15): one line
    per province; with ?tinh= it writes that province's report by unit."""
    import io

    from openpyxl import load_workbook

    from tests.reports.country import build_country

    country = build_country()
    db.session.commit()
    app.config["JOB_REPORT_THRESHOLD"] = 1
    login_as(country.users["national_observer"])
    assert client.get("/bao-cao/excel?tu_ngay=01/01/2026&den_ngay=31/12/2026").status_code == 302
    job = _job()
    assert job.state is JobState.DONE, job.message
    book = load_workbook(io.BytesIO(client.get(f"/cong-viec/{job.id}/tai-ve").data))
    assert "Theo tỉnh" in book.sheetnames and "Theo đơn vị" not in book.sheetnames
    lines = {row[1]: row[2] for row in book["Theo tỉnh"].iter_rows(values_only=True) if isinstance(row[0], int)}
    assert lines == {"UBND tỉnh Ninh Bình": 6, "UBND thành phố Hà Nội": 3}

    hanoi = country.provinces["Hà Nội"]
    assert client.get(f"/bao-cao/excel?tu_ngay=01/01/2026&den_ngay=31/12/2026&tinh={hanoi.id}").status_code == 302
    job = _job()
    assert job.state is JobState.DONE, job.message
    assert job.title == "Tổng kết năm 2026, UBND thành phố Hà Nội (từ ngày 01/01/2026 đến ngày 31/12/2026)"
    book = load_workbook(io.BytesIO(client.get(f"/cong-viec/{job.id}/tai-ve").data))
    units = {row[1]: row[3] for row in book["Theo đơn vị"].iter_rows(values_only=True) if isinstance(row[0], int)}
    assert units == {"Sở Tư pháp Hà Nội": 1, "Sở Y tế Hà Nội": 2}
