"""Uploads are staged beside their target ("<key>.part") and renamed after the commit, so a
worker killed mid-upload leaves only a temporary file, which `storage-check --fix` sweeps."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sqlalchemy import select

from config import PROJECT_ROOT
from danvankheo.evidence import services
from danvankheo.evidence.models import Evidence
from danvankheo.evidence.storage import TEMP_SUFFIX, FilesystemStorage, get_storage
from danvankheo.extensions import db
from tests import factories
from tests.evidence import samples
from tests.evidence.conftest import evidence_count, files_on_disk


def _model():
    model = factories.make_initiative(factories.make_unit(), name="Một cửa thân thiện")
    db.session.commit()
    return model


def test_the_file_appears_only_after_the_commit(app):
    model = _model()
    evidence = services.attach(model, io.BytesIO(samples.pdf_bytes()), "bao-cao.pdf", actor=None)
    assert files_on_disk(app) == [evidence.storage_key + TEMP_SUFFIX]  # staged, not yet visible
    assert not get_storage().exists(evidence.storage_key)
    db.session.commit()
    assert files_on_disk(app) == [evidence.storage_key]


def test_a_rollback_leaves_nothing(app):
    model = _model()
    services.attach(model, io.BytesIO(samples.png_bytes()), "anh.png", actor=None)  # file and thumbnail
    assert len(files_on_disk(app)) == 2
    db.session.rollback()
    assert files_on_disk(app) == []


_WORKER = textwrap.dedent(
    """
    import io, sys, time
    from danvankheo import create_app
    from danvankheo.evidence import services, storage
    from danvankheo.extensions import db
    from danvankheo.registry.models import Initiative

    database_url, upload_folder, initiative_id, ready = sys.argv[1:5]
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url,
                      "UPLOAD_FOLDER": upload_folder})
    real_copy = storage.shutil.copyfileobj

    def copy_half_then_hang(source, target, length):
        # The worker is writing the file when it is killed: half the bytes are on disk.
        data = source.read()
        target.write(data[: len(data) // 2])
        target.flush()
        open(ready, "w").close()
        time.sleep(120)

    storage.shutil.copyfileobj = copy_half_then_hang
    with app.app_context():
        model = db.session.get(Initiative, int(initiative_id))
        services.attach(model, io.BytesIO(open(sys.argv[5], "rb").read()), "bien-ban.pdf", actor=None)
        db.session.commit()
    """
)


def test_a_worker_killed_mid_upload_leaves_only_a_temporary_file(app, database_url, tmp_path):
    model = _model()
    content = tmp_path / "bien-ban.pdf"
    content.write_bytes(samples.pdf_bytes(pages=40))
    ready = tmp_path / "ready"
    worker = subprocess.Popen(
        [sys.executable, "-c", _WORKER, database_url, app.config["UPLOAD_FOLDER"], str(model.id), str(ready),
         str(content)],
        cwd=PROJECT_ROOT, env={**os.environ, "INSTANCE_PATH": str(tmp_path / "instance"), "LOG_REQUESTS": "0"},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert worker.poll() is None, worker.stderr.read().decode()
            assert time.monotonic() < deadline, "the worker never started writing"
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    left = files_on_disk(app)
    assert len(left) == 1 and left[0].endswith(TEMP_SUFFIX), left  # no half-written key
    assert evidence_count() == 0
    assert list(get_storage().iterate()) == []  # the storage holds no key

    # Start-up (systemd's ExecStartPre) or an operator runs storage-check --fix.
    result = app.test_cli_runner().invoke(args=["storage-check", "--fix", "--temp-min-age", "0"])
    assert "đã xóa 1" in result.output, result.output
    assert files_on_disk(app) == []


def test_sweep_finishes_an_upload_whose_row_was_committed(app, monkeypatch):
    """Killed between the commit and the rename: the row exists, the bytes are in the
    temporary file; the sweep renames it into place instead of deleting it."""
    model = _model()
    monkeypatch.setattr(FilesystemStorage, "publish", lambda self, key: (_ for _ in ()).throw(OSError("killed")))
    evidence = services.attach(model, io.BytesIO(samples.pdf_bytes()), "bao-cao.pdf", actor=None)
    db.session.commit()
    key = evidence.storage_key
    assert files_on_disk(app) == [key + TEMP_SUFFIX]
    monkeypatch.undo()
    recent = app.test_cli_runner().invoke(args=["storage-check", "--fix"])
    assert "giữ lại (mới) 1" in recent.output  # too young: maybe still being written
    result = app.test_cli_runner().invoke(args=["storage-check", "--fix", "--temp-min-age", "0"])
    assert "đã hoàn tất 1" in result.output, result.output
    assert files_on_disk(app) == [key]
    assert db.session.scalar(select(Evidence.storage_key)) == key
    assert Path(app.config["UPLOAD_FOLDER"], key).read_bytes()[:5] == b"%PDF-"
