"""The secretariat's reports are papers of the organiser their reader acts for: a commune
secretariat's periodic report, model list and compliance list bear the commune's names
(heading, number, place, signer), on the page, in the workbook and in the workbook the job
worker builds; the province's keep config.py's."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from danvankheo.extensions import db
from danvankheo.jobs.models import Job, JobKind, JobState
from tests.two_levels import COMMUNE_NAMES, TwoLevels, build_two_levels

PERIOD = "tu_ngay=01/01/2026&den_ngay=31/12/2026"


@pytest.fixture
def levels(app) -> TwoLevels:
    world = build_two_levels()
    db.session.commit()
    return world


def _header_text(data: bytes) -> str:
    """The text of the first rows of the workbook's first sheet (its document header)."""
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return " ".join(str(value) for row in sheet.iter_rows(max_row=8, values_only=True)
                    for value in row if value is not None)


def _assert_commune_heading(header: str) -> None:
    assert COMMUNE_NAMES["parent_body_name"] in header
    assert COMMUNE_NAMES["issuing_body_name"] in header
    assert f"{COMMUNE_NAMES['place_name']}, ngày" in header
    assert "SỞ NỘI VỤ" not in header


def test_a_commune_report_page_bears_the_commune_names(client, login_as, levels):
    login_as(levels.commune.secretariat)
    page = client.get(f"/bao-cao?{PERIOD}").get_data(as_text=True)
    assert COMMUNE_NAMES["parent_body_name"] in page
    assert COMMUNE_NAMES["issuing_body_name"] in page
    assert f"/BC-{COMMUNE_NAMES['number_suffix']}" in page
    assert f"{COMMUNE_NAMES['place_name']}, ngày" in page
    assert COMMUNE_NAMES["secretariat_name"].upper() in page
    assert "SỞ NỘI VỤ" not in page and "UBND TỈNH NINH BÌNH" not in page


def test_the_province_report_page_keeps_the_deployment_names(client, login_as, levels, app):
    login_as(levels.province.secretariat)
    page = client.get(f"/bao-cao?{PERIOD}").get_data(as_text=True)
    assert app.config["PARENT_BODY_NAME"].upper() in page
    assert app.config["ISSUING_BODY_NAME"].upper() in page
    assert f"/BC-{app.config['DOCUMENT_NUMBER_SUFFIX']}" in page
    assert COMMUNE_NAMES["parent_body_name"] not in page


def test_a_commune_report_workbook_bears_the_commune_names(client, login_as, levels):
    login_as(levels.commune.secretariat)
    response = client.get(f"/bao-cao/excel?{PERIOD}")
    assert response.status_code == 200
    _assert_commune_heading(_header_text(response.data))


@pytest.mark.real_commits  # the job writes its progress through a connection of its own
def test_a_commune_report_built_by_the_worker_bears_the_commune_names(client, login_as, levels, app, tmp_path):
    app.config["JOBS_FOLDER"] = str(tmp_path / "jobs")
    app.config["JOB_REPORT_THRESHOLD"] = 1
    login_as(levels.commune.secretariat)
    assert client.get(f"/bao-cao/excel?{PERIOD}").status_code == 302
    db.session.expire_all()
    job = db.session.scalar(select(Job).order_by(Job.id.desc()))
    assert job.kind is JobKind.PERIODIC_REPORT and job.state is JobState.DONE, job.message
    assert job.params["issuer"] == levels.commune.organiser.id
    download = client.get(f"/cong-viec/{job.id}/tai-ve")
    header = _header_text(download.data)
    download.close()
    assert COMMUNE_NAMES["parent_body_name"] in header
    assert "SỞ NỘI VỤ" not in header


@pytest.mark.parametrize("path", ["/xuat-excel/mo-hinh?nam=2026", "/xuat-excel/tinh-hinh-dang-ky?nam=2026"])
def test_a_commune_list_workbook_bears_the_commune_names(client, login_as, levels, path):
    login_as(levels.commune.secretariat)
    response = client.get(path)
    assert response.status_code == 200
    _assert_commune_heading(_header_text(response.data))
