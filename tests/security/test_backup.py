"""Backup and restore: one archive, restored into a fresh database and storage folder, gives
back every row of every table and every file byte for byte; storage-check finds missing and
orphaned files."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from danvankheo import create_app
from danvankheo.core.roles import Role
from danvankheo.evidence.storage import get_storage
from danvankheo.extensions import db
from tests import factories
from tests.scratch import scratch_database
from tests.security.harness import table_rows


def _png(colour: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_data(app) -> None:
    """A small province: demo units and accounts, models in several states with members and
    evidence (images with thumbnails, PDFs), and the audit trail all of that leaves."""
    from danvankheo.evidence.services import attach
    from danvankheo.registry.models import Status

    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    staff = factories.make_user(Role.STAFF, full_name="Trần Thị Ánh Tuyết")
    for number, status in enumerate([Status.DRAFT, Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED]):
        initiative = factories.make_initiative(
            staff.unit, status=status, created_by=staff, name=f"Mô hình “Dân vận khéo” số {number} — đường làng",
            members=[("Nguyễn Văn Một", "Trưởng thôn"), ("Lê Thị Hai", "Bí thư chi đoàn")],
        )
        attach(initiative, io.BytesIO(_png(["red", "green", "blue", "white"][number])), f"ảnh-{number}.png",
               actor=staff)
        attach(initiative, io.BytesIO(_pdf() + b"%" + str(number).encode()), f"báo cáo {number}.pdf", actor=staff)
    db.session.commit()


def file_hashes(storage) -> dict[str, str]:
    hashes = {}
    for key in storage.iterate():
        with storage.open(key) as stream:
            hashes[key] = hashlib.sha256(stream.read()).hexdigest()
    return hashes


def fresh_database(dialect: str, tmp_path: Path):
    """An empty database of the given kind (the app's tables come from `target_app`)."""
    return scratch_database(dialect, tmp_path, "dvk_restore", skip_if_unreachable=True)


@contextmanager
def target_app(url: str, tmp_path: Path, *, migrate: bool = False):
    target = create_app({
        "APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_FOLDER": str(tmp_path / f"restored-evidence-{uuid.uuid4().hex[:6]}"),
    })
    target.instance_path = str(tmp_path)
    with target.app_context():
        if migrate:  # the real path: `flask db upgrade` on a new server, then restore
            from flask_migrate import upgrade

            upgrade()
        else:
            db.create_all()
        try:
            yield target
        finally:
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def backup(app, tmp_path):
    """Data in the test database, and a backup of it made through the command line."""
    build_data(app)
    path = tmp_path / "sao-luu.zip"
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(path)])
    assert result.exit_code == 0, result.output
    assert "Đã sao lưu" in result.output
    return path


def _source_dialect(app) -> str:
    return db.engine.dialect.name


def test_backup_is_one_archive_with_a_manifest(app, backup):
    with zipfile.ZipFile(backup) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
        assert manifest["format"] == "danvankheo-backup"
        assert manifest["source_dialect"] == _source_dialect(app)
        with db.engine.connect() as connection:
            for entry in manifest["tables"]:
                table = db.metadata.tables[entry["name"]]
                count = connection.execute(select(func.count()).select_from(table)).scalar()
                assert entry["rows"] == count, entry["name"]
                assert hashlib.sha256(archive.read(entry["file"])).hexdigest() == entry["sha256"]
        assert {e["name"] for e in manifest["tables"]} == set(db.metadata.tables)
        stored = file_hashes(get_storage())
        assert len(stored) >= 12  # ours: 4 images, 4 thumbnails, 4 PDFs (the demo may add more)
        assert {e["key"]: e["sha256"] for e in manifest["files"]} == stored
        for key, digest in stored.items():
            assert f"files/{key}" in names
            assert hashlib.sha256(archive.read(f"files/{key}")).hexdigest() == digest
        assert manifest["missing_files"] == []


@pytest.mark.parametrize("target", ["same", "other"])
def test_restore_into_a_fresh_instance_gives_back_every_row_and_file(app, backup, tmp_path, target):
    source = _source_dialect(app)
    dialect = source if target == "same" else ("postgresql" if source == "sqlite" else "sqlite")
    with db.engine.connect() as connection:
        expected_rows = table_rows(connection)
    expected_files = file_hashes(get_storage())
    assert sum(1 for rows in expected_rows.values() if rows) >= 7

    with fresh_database(dialect, tmp_path) as url, \
            target_app(url, tmp_path, migrate=target == "same") as restored:
        result = restored.test_cli_runner().invoke(args=["restore", str(backup)])
        assert result.exit_code == 0, result.output
        assert "Đã khôi phục" in result.output
        with db.engine.connect() as connection:
            restored_rows = table_rows(connection)
        for name, rows in expected_rows.items():
            assert restored_rows[name] == rows, f"table {name} differs after restore"
        assert file_hashes(get_storage()) == expected_files

        # Sequences continue above the restored ids: the next row gets a fresh id.
        highest = max(row[0] for row in expected_rows["units"])
        assert factories.make_unit().id == highest + 1
        db.session.rollback()

        # The restored instance works: a restored account can log in.
        client = restored.test_client()
        response = client.post("/dang-nhap", data={"login": "admin", "password": "DanVanKheo2026"})
        assert response.status_code == 302


def _counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        return {t: len(r) for t, r in table_rows(connection).items()}


def test_restore_refuses_an_instance_that_is_not_empty(app, backup, tmp_path):
    before_rows = _counts()
    before_files = file_hashes(get_storage())
    result = app.test_cli_runner().invoke(args=["restore", str(backup)])
    assert result.exit_code != 0
    assert "Chỉ khôi phục vào một hệ thống trống" in result.output
    assert "Không có gì bị thay đổi" in result.output
    assert _counts() == before_rows
    assert file_hashes(get_storage()) == before_files


def test_restore_refuses_a_storage_folder_that_is_not_empty(app, backup, tmp_path):
    with fresh_database(_source_dialect(app), tmp_path) as url, target_app(url, tmp_path) as restored:
        folder = Path(restored.config["UPLOAD_FOLDER"])
        (folder / "ab").mkdir(parents=True)
        (folder / "ab" / "cafe").write_bytes(b"old file")
        result = restored.test_cli_runner().invoke(args=["restore", str(backup)])
        assert result.exit_code != 0
        assert "Thư mục lưu minh chứng đích đã có tệp" in result.output
        with db.engine.connect() as connection:
            assert not any(table_rows(connection).values())


def test_a_corrupted_archive_changes_nothing(app, backup, tmp_path):
    damaged = tmp_path / "hong.zip"
    with zipfile.ZipFile(backup) as source, zipfile.ZipFile(damaged, "w") as target:
        last_file = [n for n in source.namelist() if n.startswith("files/")][-1]
        for item in source.infolist():
            data = source.read(item)
            if item.filename == last_file:
                data = data[:-1] + bytes([data[-1] ^ 1])  # one flipped bit in the last file
            target.writestr(item, data)
    with fresh_database(_source_dialect(app), tmp_path) as url, target_app(url, tmp_path) as restored:
        result = restored.test_cli_runner().invoke(args=["restore", str(damaged)])
        assert result.exit_code != 0
        assert "không khớp mã SHA-256" in result.output
        with db.engine.connect() as connection:
            assert not any(table_rows(connection).values())
        assert file_hashes(get_storage()) == {}


def test_restore_refuses_what_is_not_a_backup(app, tmp_path):
    bogus = tmp_path / "khac.zip"
    with zipfile.ZipFile(bogus, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    result = app.test_cli_runner().invoke(args=["restore", str(bogus)])
    assert result.exit_code != 0
    assert "không phải bản sao lưu" in result.output


def test_storage_check_reports_missing_and_orphaned_files(app, tmp_path):
    from danvankheo.evidence.models import Evidence

    build_data(app)
    storage = get_storage()
    runner = app.test_cli_runner()
    healthy = runner.invoke(args=["storage-check"])
    assert healthy.exit_code == 0, healthy.output
    assert "Tệp thiếu (có trong cơ sở dữ liệu, không có trong kho): 0" in healthy.output

    gone = db.session.scalars(select(Evidence).order_by(Evidence.id)).first()
    folder = Path(app.config["UPLOAD_FOLDER"])
    (folder / gone.storage_key).unlink()
    orphan = storage.save_stream(io.BytesIO(b"left behind by a crash"))
    report = runner.invoke(args=["storage-check"])
    assert report.exit_code == 1
    assert f"THIẾU  evidence_files.storage_key #{gone.id}: {gone.storage_key}" in report.output
    assert f"MỒ CÔI  {orphan}" in report.output

    # A fresh orphan may be an upload about to be committed: kept unless old enough.
    kept = runner.invoke(args=["storage-check", "--delete-orphans"])
    assert f"MỚI, GIỮ LẠI  {orphan}" in kept.output
    assert storage.exists(orphan)
    removed = runner.invoke(args=["storage-check", "--delete-orphans", "--min-age", "0"])
    assert f"ĐÃ XÓA  {orphan}" in removed.output
    assert not storage.exists(orphan)
    assert all(storage.exists(key) for key in db.session.scalars(select(Evidence.storage_key)) if key != gone.storage_key)
