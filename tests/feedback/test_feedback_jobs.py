"""A periodic report large enough to run as a background job carries the people's voice too."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from danvankheo.extensions import db
from danvankheo.jobs.models import Job, JobState
from tests.feedback.test_reports import _answers
from tests.scoring.conftest import build_province


def test_periodic_report_job_has_the_people_voice(app, client, login_as, tmp_path):
    saved = {key: app.config[key] for key in ("JOBS_FOLDER", "JOB_REPORT_THRESHOLD")}
    app.config.update(JOBS_FOLDER=str(tmp_path / "jobs"), JOB_REPORT_THRESHOLD=1)
    try:
        p = build_province()
        _answers(p)
        db.session.commit()
        login_as(p.secretariat)
        assert client.get("/bao-cao/excel?tu_ngay=01/01/2026&den_ngay=31/12/2026").status_code == 302
        job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
        assert job.state is JobState.DONE, job.message
        download = client.get(f"/cong-viec/{job.id}/tai-ve")
        sheet = load_workbook(io.BytesIO(download.data))["Ý kiến Nhân dân"]
        download.close()
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert any("Dân vận ở thôn bản" in row for row in rows)
    finally:
        app.config.update(saved)
