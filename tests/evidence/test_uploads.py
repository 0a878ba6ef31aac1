"""Evidence uploads: sniffing, size limit, Vietnamese names, duplicates, serving, cleanup."""

from __future__ import annotations

import hashlib
import io
from urllib.parse import quote

import pytest
from sqlalchemy import select

from danvankheo.audit.models import AuditEvent
from danvankheo.evidence import services
from danvankheo.evidence.filetypes import FileRefused
from danvankheo.evidence.models import Evidence
from danvankheo.evidence.storage import FilesystemStorage
from danvankheo.extensions import db
from danvankheo.registry.models import Status
from tests import factories
from tests.evidence import samples
from tests.evidence.conftest import evidence_count, files_on_disk
from tests.registry.conftest import switch_to


@pytest.mark.parametrize(("content", "name", "mimetype"), [
    (samples.pdf_bytes(), "bao-cao.pdf", "application/pdf"),
    (samples.docx_bytes(), "Kế hoạch.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (samples.xlsx_bytes(), "Số liệu.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (samples.jpeg_bytes(), "Ảnh hoạt động.jpg", "image/jpeg"),
    (samples.jpeg_bytes(color=(1, 2, 3)), "anh.JPEG", "image/jpeg"),
    (samples.png_bytes(), "sơ đồ.png", "image/png"),
], ids=["pdf", "docx", "xlsx", "jpg", "jpeg-upper", "png"])
def test_each_allowed_type_is_accepted_by_content(app, upload, draft, content, name, mimetype):
    response = upload((content, name))
    assert "Đã tải lên 1 tệp minh chứng" in response.get_data(as_text=True)
    evidence = db.session.scalar(select(Evidence))
    assert evidence.content_type == mimetype and evidence.original_name == name
    assert evidence.size == len(content) and evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.initiative_id == draft.id
    stored = files_on_disk(app)
    assert evidence.storage_key in stored
    # Stored under a random name in a folder of its own: nothing of the user's name on disk.
    assert all(name.rsplit(".", 1)[0] not in key for key in stored)
    assert (evidence.thumbnail_key is not None) is mimetype.startswith("image/")


def test_several_files_in_one_upload(upload):
    response = upload((samples.pdf_bytes(), "a.pdf"), (samples.png_bytes(), "b.png"), (samples.xlsx_bytes(), "c.xlsx"))
    assert "Đã tải lên 3 tệp minh chứng" in response.get_data(as_text=True)
    assert evidence_count() == 3


def test_vietnamese_filename_round_trip_rfc5987(client, upload):
    # Browsers send a double quote in a file name as %22 (HTML spec).
    upload((samples.pdf_bytes(), samples.VIETNAMESE_PDF_NAME.replace('"', "%22")))
    evidence = db.session.scalar(select(Evidence))
    assert evidence.original_name == samples.VIETNAMESE_PDF_NAME
    response = client.get(f"/minh-chung/{evidence.id}?tai=1")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(samples.VIETNAMESE_PDF_NAME, safe='!#$&+^`|~')}" in disposition
    assert 'filename="Bao cao ket qua mo hinh' in disposition  # ASCII fallback for old clients


def test_ascii_fallback_writes_d_for_dj(client, upload):
    """NFKD has no decomposition for đ: without care the fallback drops it ("oan")."""
    upload((samples.pdf_bytes(), "Đoàn đội - Biên bản.pdf"))
    evidence = db.session.scalar(select(Evidence))
    disposition = client.get(f"/minh-chung/{evidence.id}?tai=1").headers["Content-Disposition"]
    assert 'filename="Doan doi - Bien ban.pdf"' in disposition
    assert f"filename*=UTF-8''{quote('Đoàn đội - Biên bản.pdf', safe='!#$&+^`|~')}" in disposition


def test_pdfs_and_images_open_inline_others_download(client, upload):
    upload((samples.pdf_bytes(), "a.pdf"), (samples.png_bytes(), "b.png"), (samples.docx_bytes(), "c.docx"))
    by_name = {e.original_name: e for e in db.session.scalars(select(Evidence))}
    for name, inline, mimetype in (("a.pdf", True, "application/pdf"), ("b.png", True, "image/png"),
                                   ("c.docx", False, by_name["c.docx"].content_type)):
        response = client.get(f"/minh-chung/{by_name[name].id}")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("inline" if inline else "attachment")
        assert response.headers["Content-Type"].startswith(mimetype)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    thumb = client.get(f"/minh-chung/{by_name['b.png'].id}/anh-nho")
    assert thumb.status_code == 200 and thumb.headers["Content-Type"] == "image/jpeg"
    assert thumb.data[:3] == b"\xff\xd8\xff"
    assert client.get(f"/minh-chung/{by_name['a.pdf'].id}/anh-nho").status_code == 404


def test_the_page_shows_thumbnails_and_names(client, upload, draft):
    upload((samples.png_bytes(), "Ảnh tổ công tác.png"))
    page = client.get(f"/mo-hinh/{draft.id}").get_data(as_text=True)
    evidence = db.session.scalar(select(Evidence))
    assert f"/minh-chung/{evidence.id}/anh-nho" in page and "Ảnh tổ công tác.png" in page


def test_duplicate_file_is_refused(app, upload):
    content = samples.pdf_bytes()
    upload((content, "lan-1.pdf"))
    disk = files_on_disk(app)
    response = upload((content, "lan-2.pdf"))
    assert "Tệp này đã được đính kèm vào mô hình" in response.get_data(as_text=True)
    assert evidence_count() == 1 and files_on_disk(app) == disk


def test_same_file_may_serve_two_models(app, upload, world):
    other = factories.make_initiative(world.justice, name="Mô hình thứ hai")
    db.session.commit()
    content = samples.pdf_bytes()
    upload((content, "chung.pdf"))
    upload((content, "chung.pdf"), initiative=other)
    assert evidence_count() == 2


def test_size_limit_is_configurable_and_leaves_nothing(app, upload):
    app.config["EVIDENCE_MAX_BYTES"] = 2000
    response = upload((samples.pdf_bytes() + b"\n%" + b"x" * 3000, "lon.pdf"))
    assert response.status_code == 413
    assert "vượt quá dung lượng cho phép" in response.get_data(as_text=True)
    assert evidence_count() == 0 and files_on_disk(app) == []


def test_allowed_types_are_configurable(app, upload):
    app.config["EVIDENCE_ALLOWED_TYPES"] = ("pdf",)
    response = upload((samples.png_bytes(), "anh.png"))
    assert "Loại tệp Ảnh PNG không được nhận. Chỉ nhận các loại: PDF." in response.get_data(as_text=True)
    assert evidence_count() == 0


def test_failure_after_the_file_is_written_leaves_no_file_and_no_row(app, upload, monkeypatch):
    """The row is added and the file written, then the commit fails: both disappear."""
    from danvankheo.extensions import db as database

    real_commit = database.session.commit

    def failing_commit():
        database.session.flush()
        raise RuntimeError("database went away during commit")

    app.config["PROPAGATE_TEST_ERRORS"] = False
    monkeypatch.setattr(database.session, "commit", failing_commit)
    response = upload((samples.pdf_bytes(), "se-loi.pdf"))
    assert response.status_code == 500
    monkeypatch.setattr(database.session, "commit", real_commit)
    database.session.rollback()
    assert evidence_count() == 0 and files_on_disk(app) == []


def test_failure_inside_the_service_after_writing_cleans_up(app, draft, monkeypatch):
    def broken_record(*args, **kwargs):
        raise RuntimeError("audit table locked")

    monkeypatch.setattr(services, "record", broken_record)
    with pytest.raises(RuntimeError):
        services.attach(draft, io.BytesIO(samples.png_bytes()), "anh.png", actor=None)
    db.session.rollback()
    assert evidence_count() == 0 and files_on_disk(app) == []


def test_flush_failure_deletes_written_files(app, draft, monkeypatch):
    def failing_flush(*args, **kwargs):
        raise RuntimeError("flush failed")

    monkeypatch.setattr(db.session, "flush", failing_flush)
    with pytest.raises(RuntimeError):
        services.attach(draft, io.BytesIO(samples.png_bytes()), "anh.png", actor=None)
    monkeypatch.undo()
    db.session.rollback()
    assert files_on_disk(app) == []


def test_delete_removes_row_and_file_after_commit(app, client, upload):
    upload((samples.png_bytes(), "xoa.png"))
    evidence = db.session.scalar(select(Evidence))
    assert len(files_on_disk(app)) == 2  # file and thumbnail
    response = client.post(f"/minh-chung/{evidence.id}/xoa", follow_redirects=True)
    assert "Đã xóa tệp “xoa.png”." in response.get_data(as_text=True)
    assert evidence_count() == 0 and files_on_disk(app) == []
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evidence.delete"))


def test_rolled_back_delete_keeps_the_file(app, upload, draft):
    upload((samples.pdf_bytes(), "giu.pdf"))
    evidence = db.session.scalar(select(Evidence))
    services.remove(evidence, actor=None)
    db.session.rollback()
    assert evidence_count() == 1 and evidence.storage_key in files_on_disk(app)


def test_evidence_is_read_only_once_submitted(app, client, upload, draft):
    upload((samples.pdf_bytes(), "truoc.pdf"))
    evidence = db.session.scalar(select(Evidence))
    draft.status = Status.SUBMITTED
    db.session.commit()
    disk = files_on_disk(app)
    response = upload((samples.png_bytes(), "sau.png"), follow=False)
    assert response.status_code == 403 and "không thay đổi được" in response.get_data(as_text=True)
    assert client.post(f"/minh-chung/{evidence.id}/xoa").status_code == 403
    assert evidence_count() == 1 and files_on_disk(app) == disk
    draft.status = Status.RETURNED
    db.session.commit()
    assert "Đã tải lên 1 tệp" in upload((samples.png_bytes(), "sau.png")).get_data(as_text=True)


def test_only_people_who_may_see_the_model_download(client, upload, world, draft):
    upload((samples.pdf_bytes(), "noi-bo.pdf"))
    evidence = db.session.scalar(select(Evidence))
    url = f"/minh-chung/{evidence.id}"
    # Not yours is answered like missing (404): a 403 would confirm that the id exists.
    switch_to(client, world.other_staff)
    assert client.get(url).status_code == 404
    switch_to(client, world.secretariat)
    not_yours = client.get(url)
    assert not_yours.status_code == 404  # still a draft
    assert not_yours.get_data(as_text=True) == client.get("/minh-chung/999999").get_data(as_text=True)
    draft.status = Status.SUBMITTED
    db.session.commit()
    assert client.get(url).status_code == 200
    switch_to(client, world.observer)
    assert client.get(url).status_code == 200
    client.post("/dang-xuat")
    response = client.get(url)
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]
    assert client.get("/minh-chung/999999").status_code == 404


def test_other_units_cannot_upload(client, world, draft):
    switch_to(client, world.other_staff)
    response = client.post(f"/minh-chung/mo-hinh/{draft.id}", data={"files": [(io.BytesIO(b"%PDF-"), "x.pdf")]},
                           content_type="multipart/form-data")
    assert response.status_code == 404 and evidence_count() == 0


def test_public_flag_and_who_may_change_it(client, upload, world, draft):
    upload((samples.png_bytes(), "cong-khai.png"), is_public="1")
    evidence = db.session.scalar(select(Evidence))
    assert evidence.is_public
    client.post(f"/minh-chung/{evidence.id}/cong-khai", data={"is_public": "0"})
    db.session.expire_all()
    assert not db.session.get(Evidence, evidence.id).is_public
    draft.status = Status.ACCEPTED
    db.session.commit()
    assert client.post(f"/minh-chung/{evidence.id}/cong-khai", data={"is_public": "1"}).status_code == 403
    switch_to(client, world.secretariat)
    client.post(f"/minh-chung/{evidence.id}/cong-khai", data={"is_public": "1"})
    db.session.expire_all()
    assert db.session.get(Evidence, evidence.id).is_public
    switch_to(client, world.observer)
    assert client.post(f"/minh-chung/{evidence.id}/cong-khai", data={"is_public": "0"}).status_code == 403


def test_filesystem_storage_interface(tmp_path):
    storage = FilesystemStorage(tmp_path)
    key = storage.save_stream(io.BytesIO(b"du lieu"))
    assert storage.exists(key) and list(storage.iterate()) == [key]
    with storage.open(key) as handle:
        assert handle.read() == b"du lieu"
    other = storage.save_stream(io.BytesIO(b"khac"))
    assert key.split("/")[1] != other.split("/")[1]  # a random folder per file
    storage.delete(key)
    storage.delete(key)  # deleting twice is harmless
    assert not storage.exists(key) and list(storage.iterate()) == [other]
    for bad in ("../etc/passwd", "/etc/passwd", "ab/../../x", "AB/CD"):
        with pytest.raises(ValueError):
            storage.open(bad)
        with pytest.raises(ValueError):
            storage.save_stream_as(bad, io.BytesIO(b"x"))


def test_filesystem_storage_saves_under_a_given_key_without_overwriting(tmp_path):
    storage = FilesystemStorage(tmp_path)
    storage.save_stream_as("ab/abcd/0123", io.BytesIO(b"tep goc"))
    with storage.open("ab/abcd/0123") as handle:
        assert handle.read() == b"tep goc"
    with pytest.raises(FileExistsError):
        storage.save_stream_as("ab/abcd/0123", io.BytesIO(b"tep khac"))
    with storage.open("ab/abcd/0123") as handle:
        assert handle.read() == b"tep goc"  # the existing file is untouched


@pytest.mark.parametrize(("raw", "clean"), [
    ("Báo cáo.pdf", "Báo cáo.pdf"),
    ("C:\\Users\\Lan\\Ảnh.png", "Ảnh.png"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("a\x00b\r\nc.pdf", "abc.pdf"),
    ("\u202egnp.exe", "gnp.exe"),
    ("...", ""),
    ("  nhiều    khoảng   trắng .pdf ", "nhiều khoảng trắng .pdf"),
    ("Ba\u0301o ca\u0301o.pdf", "Báo cáo.pdf"),  # decomposed accents are recomposed (NFC)
])
def test_clean_filename(raw, clean):
    assert services.clean_filename(raw) == clean


def test_detect_refuses_with_vietnamese_messages(app):
    from danvankheo.evidence.filetypes import detect

    with pytest.raises(FileRefused, match="Tệp rỗng"):
        detect(io.BytesIO(b""), 0, ["pdf"])
    with pytest.raises(FileRefused, match="không được hỗ trợ"):
        detect(io.BytesIO(b"hello"), 5, ["pdf"])
