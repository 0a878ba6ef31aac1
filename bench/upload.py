"""Evidence upload of a 20 MB file: the worker's peak memory against its idle size.

    DATABASE_URL=postgresql+psycopg://.../dvk_bench python -m bench.upload

One gunicorn worker (deploy/gunicorn.conf.py, production settings) serves a staff member of a
unit that owns a draft model. After a warm-up (pages and a small upload, so every module is
loaded) the worker's peak-RSS counter is reset (`/proc/PID/clear_refs`, 5), then a 20 MB PDF
is uploaded through the real form (multipart, CSRF). The growth of the peak over the idle
size is what the upload cost in memory; a handler that read the whole file into memory would
show about 20 MB or more. The upload's wall time is printed beside the time to read the same
file with sha256 in 64 KB chunks, as a ratio.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.common import save
from bench.server import Browser, GunicornServer

FILE_SIZE = 20_000_000  # 20 MB, under EVIDENCE_MAX_BYTES (20 MiB)


def make_pdf(path: Path, size: int) -> None:
    """A valid one-page PDF of exactly `size` bytes: the bulk is an unreferenced binary stream."""
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]

    def build(filler: int) -> bytes:
        out = bytearray(head)
        offsets = []
        bodies = objects + [b"<< /Length %d >>\nstream\n" % filler + os.urandom(filler) + b"\nendstream"]
        for n, body in enumerate(bodies, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
        return bytes(out)

    filler = size - (len(build(1000)) - 1000)
    data = build(filler)
    while len(data) != size:  # the digits of /Length and startxref may shift by a byte or two
        filler -= len(data) - size
        data = build(filler)
    path.write_bytes(data)


def multipart(fields: dict[str, str], file_field: str, filename: str, data: bytes, mimetype: str):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        f"Content-Type: {mimetype}\r\n\r\n".encode() + data + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _status(pid: int) -> dict[str, int]:
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])  # kB
    return values


def _draft_owner(database_url: str) -> tuple[int, str]:
    from sqlalchemy import select

    from bench.generate import make_app
    from danvankheo.extensions import db
    from danvankheo.registry.models import Initiative, Status
    from danvankheo.units.models import Unit

    app = make_app(database_url)
    with app.app_context():
        row = db.session.execute(
            select(Initiative.id, Unit.code).join(Unit, Initiative.unit_id == Unit.id)
            .where(Initiative.status == Status.DRAFT).order_by(Initiative.id).limit(1)
        ).first()
        db.engine.dispose()
    assert row, "no draft model in the dataset"
    return row[0], f"cb.{row[1].lower()}"


def _remove_new_evidence(database_url: str, upload_folder: str, initiative_id: int, before: set[int]) -> None:
    """Leave the dataset as it was: the benchmark's uploads go, rows and files."""
    from sqlalchemy import select

    from bench.generate import make_app
    from danvankheo.evidence.models import Evidence
    from danvankheo.evidence.storage import FilesystemStorage
    from danvankheo.extensions import db

    app = make_app(database_url, upload_folder)
    with app.app_context():
        storage = FilesystemStorage(upload_folder)
        for item in db.session.scalars(select(Evidence).where(Evidence.initiative_id == initiative_id)):
            if item.id not in before:
                for key in (item.storage_key, item.thumbnail_key):
                    if key:
                        storage.delete(key)
                db.session.delete(item)
        db.session.commit()
        db.engine.dispose()


def _evidence_ids(database_url: str, initiative_id: int) -> set[int]:
    from sqlalchemy import select

    from bench.generate import make_app
    from danvankheo.evidence.models import Evidence
    from danvankheo.extensions import db

    app = make_app(database_url)
    with app.app_context():
        ids = set(db.session.scalars(select(Evidence.id).where(Evidence.initiative_id == initiative_id)))
        db.engine.dispose()
    return ids


def run(database_url: str, upload_folder: str, label: str = "national") -> dict:
    from bench.generate import PASSWORD

    initiative_id, login = _draft_owner(database_url)
    before = _evidence_ids(database_url, initiative_id)
    work = Path(tempfile.mkdtemp(prefix="dvk-upload-"))
    big = work / "big.pdf"
    make_pdf(big, FILE_SIZE)
    small = work / "small.pdf"
    make_pdf(small, 50_000)
    env = {"DATABASE_URL": database_url, "UPLOAD_FOLDER": upload_folder, "INSTANCE_PATH": str(work / "instance"),
           "RATELIMIT_ENABLED": "0", "SECRET_KEY": secrets.token_hex(32), "GUNICORN_PRELOAD": "0"}
    with GunicornServer(env, workers=1, log_path=work / "gunicorn.log", app="bench.wsgi:app") as server:
        browser = Browser(server.url)
        assert browser.login(login, PASSWORD) == 302, "login failed"
        page = f"/mo-hinh/{initiative_id}"
        for _ in range(5):
            assert browser.request(page)[0] == 200

        def upload(path: Path) -> tuple[int, float]:
            token = browser.csrf(page)
            body, content_type = multipart({"csrf_token": token}, "files",
                                           f"Báo cáo kết quả {path.stem}.pdf", path.read_bytes(), "application/pdf")
            started = time.perf_counter()
            status, _, _ = browser.request(f"/minh-chung/mo-hinh/{initiative_id}", body,
                                           headers={"Content-Type": content_type})
            return status, time.perf_counter() - started

        status, _ = upload(small)  # warm-up: pypdf, storage, audit are loaded now
        assert status in (302, 303), status
        pid = server.worker_pids()[0]
        time.sleep(0.5)
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
        idle = _status(pid)
        status, seconds = upload(big)
        assert status in (302, 303), f"upload refused: {status}"
        after = _status(pid)
    # The same bytes read and hashed in 64 KB chunks: the least any upload handler must do.
    started = time.perf_counter()
    digest = hashlib.sha256()
    with big.open("rb") as fh:
        while chunk := fh.read(65536):
            digest.update(chunk)
    hash_seconds = time.perf_counter() - started
    growth_mb = (after["VmHWM"] - idle["VmRSS"]) / 1024
    result = {
        "dataset": label, "file_bytes": FILE_SIZE, "worker_idle_rss_mb": idle["VmRSS"] / 1024,
        "worker_peak_rss_mb": after["VmHWM"] / 1024, "peak_growth_mb": growth_mb,
        "upload_seconds": seconds, "read_and_hash_seconds": hash_seconds,
        "ratio_upload_to_read_and_hash": seconds / hash_seconds,
        "target": "peak within a few MB of idle", "met": growth_mb < 5,
    }
    print(f"upload 20 MB PDF: worker idle {idle['VmRSS'] / 1024:.1f} MB, peak {after['VmHWM'] / 1024:.1f} MB "
          f"(+{growth_mb:.1f} MB) [target: within a few MB: {'met' if result['met'] else 'NOT met'}]; "
          f"{seconds:.2f} s vs {hash_seconds:.3f} s to read+hash -> ratio {result['ratio_upload_to_read_and_hash']:.1f}")
    shutil.rmtree(work, ignore_errors=True)  # the test files, the server's log and instance folder
    _remove_new_evidence(database_url, upload_folder, initiative_id, before)
    return result


def main() -> int:
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("DATABASE_URL is required", file=sys.stderr)
        return 2
    folder = os.environ.get("UPLOAD_FOLDER") or tempfile.mkdtemp(prefix="dvk-evidence-")
    save("upload", run(url, folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
