"""Writing a backup archive and loading one into an empty instance."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from flask import current_app

from ..core.types import utcnow
from ..evidence.storage import CHUNK_SIZE, Storage, get_storage
from ..extensions import db
from .tables import codec_for, data_tables, referenced_storage_keys

FORMAT = "danvankheo-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 1000


class BackupError(RuntimeError):
    """A backup or restore refused; the message is Vietnamese and meant for the operator."""


@dataclass
class Summary:
    path: Path
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    bytes: int = 0
    missing: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # tables whose seeded rows were replaced


# --- Backup --------------------------------------------------------------------------------


def alembic_revision(connection: sa.Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


class _HashingWriter:
    def __init__(self, target: BinaryIO) -> None:
        self.target, self.sha256, self.size = target, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.sha256.update(data)
        self.size += len(data)
        self.target.write(data)


def _rows(connection: sa.Connection, table: sa.Table) -> Iterator[sa.Row]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
        sa.select(table).order_by(*order)
    )
    yield from result


def write_backup(output: Path, *, storage: Storage | None = None) -> Summary:
    """Write every table and every stored file into one zip archive at `output`."""
    storage = storage or get_storage()
    summary = Summary(path=output)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "created_at": utcnow().isoformat(),
        "source_dialect": db.engine.dialect.name,
        "tables": [],
        "files": [],
    }
    partial = output.with_name(output.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive, \
                db.engine.connect() as connection:
            # One read transaction for every table: on PostgreSQL a consistent snapshot.
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            manifest["alembic_revision"] = alembic_revision(connection)
            for number, table in enumerate(data_tables(), start=1):
                name = f"database/{number:04d}_{table.name}.jsonl"
                encoders = [codec_for(column)[0] for column in table.columns]
                rows = 0
                with archive.open(name, "w", force_zip64=True) as member:
                    writer = _HashingWriter(member)
                    header = {"table": table.name, "columns": [c.name for c in table.columns]}
                    writer.write(json.dumps(header, ensure_ascii=False).encode() + b"\n")
                    for row in _rows(connection, table):
                        values = [encode(value) for encode, value in zip(encoders, row, strict=True)]
                        writer.write(json.dumps(values, ensure_ascii=False).encode() + b"\n")
                        rows += 1
                manifest["tables"].append(
                    {"name": table.name, "file": name, "rows": rows, "sha256": writer.sha256.hexdigest()}
                )
                summary.tables[table.name] = rows
            referenced = set(referenced_storage_keys(connection))
            connection.rollback()
        with zipfile.ZipFile(partial, "a", allowZip64=True) as archive:
            held = set()
            for key in storage.iterate():
                held.add(key)
                with storage.open(key) as source, \
                        archive.open(f"files/{key}", "w", force_zip64=True) as member:
                    writer = _HashingWriter(member)
                    shutil.copyfileobj(source, writer, CHUNK_SIZE)
                manifest["files"].append({"key": key, "size": writer.size, "sha256": writer.sha256.hexdigest()})
                summary.files += 1
                summary.bytes += writer.size
            summary.missing = sorted(referenced - held)
            manifest["missing_files"] = summary.missing
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return summary


# --- Restore -------------------------------------------------------------------------------


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError) as error:
        raise BackupError("Tệp này không phải bản sao lưu của hệ thống (thiếu hoặc hỏng manifest.json).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError("Tệp này không phải bản sao lưu của hệ thống.")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"Phiên bản bản sao lưu {manifest.get('version')} không được hỗ trợ.")
    return manifest


def _check_target_is_empty(connection: sa.Connection, storage: Storage, manifest: dict[str, Any]) -> list[str]:
    """Refuse unless the target is fresh; return the tables holding rows seeded by migrations."""
    inspector = sa.inspect(connection)
    tables = {t.name: t for t in data_tables()}
    missing = [entry["name"] for entry in manifest["tables"] if not inspector.has_table(entry["name"])]
    if missing:
        raise BackupError(
            "Cơ sở dữ liệu đích chưa có đủ bảng (" + ", ".join(missing) + "). "
            "Hãy chạy “flask --app app db upgrade” trước khi khôi phục."
        )
    unknown = [entry["name"] for entry in manifest["tables"] if entry["name"] not in tables]
    if unknown:
        raise BackupError(
            "Bản sao lưu có bảng mà phiên bản phần mềm này không biết (" + ", ".join(unknown) + "). "
            "Hãy khôi phục bằng đúng phiên bản đã tạo bản sao lưu."
        )
    not_empty = [
        name for name, table in tables.items()
        if inspector.has_table(name) and connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
    ]
    # Migrations may seed reference rows (award forms...). An instance without a single
    # account has had nobody enter anything: those rows are replaced by the archive's.
    if not_empty and "users" in not_empty:
        raise BackupError(
            "Chỉ khôi phục vào một hệ thống trống. Cơ sở dữ liệu đích đã có dữ liệu trong các bảng: "
            + ", ".join(not_empty) + ". Không có gì bị thay đổi."
        )
    if next(iter(storage.iterate()), None) is not None:
        raise BackupError(
            "Chỉ khôi phục vào một hệ thống trống. Thư mục lưu minh chứng đích đã có tệp. Không có gì bị thay đổi."
        )
    target_revision = alembic_revision(connection)
    source_revision = manifest.get("alembic_revision")
    if target_revision and source_revision and target_revision != source_revision:
        raise BackupError(
            f"Bản sao lưu ở phiên bản cơ sở dữ liệu {source_revision}, hệ thống đích ở {target_revision}. "
            f"Hãy đưa hệ thống đích về cùng phiên bản (flask --app app db upgrade {source_revision}) rồi khôi phục."
        )
    return not_empty


def _put(storage: Storage, key: str, stream: BinaryIO) -> None:
    """Store `stream` under exactly `key`, the name the restored rows refer to."""
    storage.save_stream_as(key, stream)


def _verify(archive: zipfile.ZipFile, name: str, expected_sha256: str) -> None:
    digest = hashlib.sha256()
    with archive.open(name) as member:
        for chunk in iter(lambda: member.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    if digest.hexdigest() != expected_sha256:
        raise BackupError(f"Bản sao lưu bị hỏng: {name} không khớp mã SHA-256 trong manifest. Không có gì bị thay đổi.")


def _load_table(connection: sa.Connection, archive: zipfile.ZipFile, entry: dict[str, Any],
                table: sa.Table, later: set[str]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Insert one table's rows; foreign keys to tables not loaded yet are set afterwards.

    Returns (primary key, values) for those deferred references.
    """
    deferred_columns = {
        fk.parent.name for fk in table.foreign_keys if fk.column.table.name in later and fk.parent.nullable
    }
    pk_names = [c.name for c in table.primary_key.columns]
    # The later UPDATE must not fire `onupdate` defaults (updated_at would become "now").
    keep_on_update = [c.name for c in table.columns if c.onupdate is not None]
    deferred: list[tuple[dict[str, Any], dict[str, Any]]] = []
    rows = 0
    with archive.open(entry["file"]) as member:
        lines = iter(member)
        header = json.loads(next(lines))
        columns = header["columns"]
        unknown = [c for c in columns if c not in table.columns]
        if unknown:
            raise BackupError(
                f"Bảng {table.name} trong bản sao lưu có cột không còn tồn tại ({', '.join(unknown)}). "
                "Hãy khôi phục bằng đúng phiên bản đã tạo bản sao lưu."
            )
        decoders = [codec_for(table.columns[c])[1] for c in columns]
        batch: list[dict[str, Any]] = []
        for line in lines:
            values = dict(zip(columns, (d(v) for d, v in zip(decoders, json.loads(line), strict=True)), strict=True))
            later_values = {c: values[c] for c in deferred_columns if values.get(c) is not None}
            if later_values:
                kept = {c: values[c] for c in keep_on_update if c in values}
                deferred.append(({c: values[c] for c in pk_names}, {**later_values, **kept}))
                values.update(dict.fromkeys(later_values))
            batch.append(values)
            rows += 1
            if len(batch) >= BATCH:
                connection.execute(table.insert(), batch)
                batch = []
        if batch:
            connection.execute(table.insert(), batch)
    if rows != entry["rows"]:
        raise BackupError(f"Bản sao lưu bị hỏng: bảng {table.name} có {rows} dòng, manifest ghi {entry['rows']}.")
    return deferred


def _reset_sequences(connection: sa.Connection) -> None:
    """After explicit ids, PostgreSQL's sequences must continue above the highest one."""
    if connection.dialect.name != "postgresql":
        return
    preparer = connection.dialect.identifier_preparer
    for table in data_tables():
        for column in table.primary_key.columns:
            if not isinstance(column.type, sa.Integer) or column.autoincrement is False:
                continue
            sequence = connection.execute(
                sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": preparer.format_table(table), "column": column.name},
            ).scalar()
            if sequence:
                connection.execute(
                    sa.text(
                        f"SELECT setval(:sequence, COALESCE(MAX({preparer.quote(column.name)}), 0) + 1, false) "
                        f"FROM {preparer.format_table(table)}"
                    ),
                    {"sequence": sequence},
                )


def restore_backup(path: Path, *, storage: Storage | None = None) -> Summary:
    """Load the archive at `path` into this (empty) instance, or change nothing at all."""
    storage = storage or get_storage()
    summary = Summary(path=path)
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"Không đọc được tệp sao lưu {path}: {error}") from error
    written: list[str] = []
    with archive:
        manifest = read_manifest(archive)
        names = set(archive.namelist())
        for entry in manifest["tables"]:
            if entry["file"] not in names:
                raise BackupError(f"Bản sao lưu bị hỏng: thiếu {entry['file']}.")
            _verify(archive, entry["file"], entry["sha256"])
        tables = {t.name: t for t in data_tables()}
        try:
            with db.engine.begin() as connection:
                seeded = _check_target_is_empty(connection, storage, manifest)
                for table in reversed(data_tables()):
                    if table.name in seeded:
                        connection.execute(table.delete())
                summary.replaced = seeded
                pending = {entry["name"] for entry in manifest["tables"]}
                deferred = []
                for entry in manifest["tables"]:
                    pending.discard(entry["name"])
                    table = tables[entry["name"]]
                    later = pending | {table.name}
                    deferred.append((table, _load_table(connection, archive, entry, table, later)))
                    summary.tables[table.name] = entry["rows"]
                for table, updates in deferred:
                    pk = list(table.primary_key.columns)
                    for key, values in updates:
                        connection.execute(
                            table.update().where(*(c == key[c.name] for c in pk)).values(**values)
                        )
                _reset_sequences(connection)
                for entry in manifest["files"]:
                    name = f"files/{entry['key']}"
                    if name not in names:
                        raise BackupError(f"Bản sao lưu bị hỏng: thiếu tệp {entry['key']}.")
                    _verify(archive, name, entry["sha256"])
                    with archive.open(name) as member:
                        written.append(entry["key"])
                        _put(storage, entry["key"], member)
                    summary.files += 1
                    summary.bytes += entry["size"]
        except BaseException:
            for key in written:
                storage.delete(key)
            raise
    current_app.logger.info("restored backup %s", path)
    return summary
