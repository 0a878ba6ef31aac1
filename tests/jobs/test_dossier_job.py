"""A large dossier zip (many lines or heavy evidence) is built by a job; a small one is sent at
once. The job's zip is the same as the direct download: its manifest matches its files."""

from __future__ import annotations

import hashlib
import io
import zipfile

from sqlalchemy import select

from danvankheo.extensions import db
from danvankheo.jobs.models import Job, JobKind, JobState
from tests.awards.test_documents import proposal  # noqa: F401 (a fixture)


def _manifest_matches(data: bytes) -> list[str]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    lines = archive.read("MANIFEST-SHA256.txt").decode().splitlines()
    listed = {}
    for line in lines:
        if "  " in line and not line.startswith("#"):
            digest, name = line.split("  ", 1)
            listed[name] = digest
    assert listed, "the manifest lists no file"
    for name, digest in listed.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
    return sorted(listed)


def test_a_small_dossier_downloads_at_once(client, login_as, finalised, proposal, app, jobs_folder):  # noqa: F811
    login_as(finalised.secretariat)
    response = client.get(f"/khen-thuong/de-nghi/{proposal.id}/ho-so.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert db.session.scalar(select(Job)) is None


def test_a_large_dossier_is_built_by_a_job_and_downloaded_from_the_jobs_page(client, login_as, finalised,
                                                                            proposal, app, jobs_folder):  # noqa: F811
    app.config["JOB_DOSSIER_LINES"] = 0
    login_as(finalised.secretariat)
    response = client.get(f"/khen-thuong/de-nghi/{proposal.id}/ho-so.zip")
    assert response.status_code == 302 and response.headers["Location"].startswith("/cong-viec")
    db.session.expire_all()
    job = db.session.scalar(select(Job))
    assert job.kind is JobKind.DOSSIER_ZIP and job.state is JobState.DONE, job.message
    assert "bảng kê SHA-256" in job.message
    status = client.get("/cong-viec/trang-thai").get_json()["jobs"][0]
    download = client.get(status["download"])
    assert download.status_code == 200
    names = _manifest_matches(download.data)
    assert any(name.endswith(".docx") for name in names)
    # A second click while it is kept gives the finished job's file, never a half-written one.
    assert [p.name for p in jobs_folder.iterdir()] == [job.result_key]
