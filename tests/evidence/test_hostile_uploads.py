"""A corpus of hostile uploads. Each is refused with a clear Vietnamese message, leaving disk
and database exactly as they were, or neutralised (a safe name, a file under a random key)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from danvankheo.evidence.models import Evidence
from danvankheo.extensions import db
from tests.evidence import samples
from tests.evidence.conftest import evidence_count, files_on_disk

PDF = samples.pdf_bytes
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run in DOS mode"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
NOT_SUPPORTED = "Định dạng tệp không được hỗ trợ"
MARKUP = "Tệp HTML, SVG hoặc XML không được phép"
PROGRAM = r"Tệp chương trình \(thực thi\) không được phép"
MISMATCH = "không khớp|phần mở rộng"
ZIP_BOMB = "nghi “bom nén”"
NOT_OFFICE = r"không phải tài liệu Word \(DOCX\) hoặc Excel \(XLSX\) hợp lệ"
CORRUPT_PDF = "Tệp PDF bị hỏng"


def _zip(members: dict[str, bytes], *, types: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if types is not None:
            archive.writestr("[Content_Types].xml", types)
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _docm() -> bytes:
    types = ('<Types><Override PartName="/word/document.xml" ContentType="application/'
             'vnd.ms-word.document.macroEnabled.main+xml"/></Types>')
    return _zip({"word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}, types=types)


def _encrypted_member_docx() -> bytes:
    data = bytearray(samples.docx_bytes())
    # Set the "encrypted" flag on every local and central header.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (index := data.find(signature, start)) != -1:
            data[index + offset] |= 0x1
            start = index + 4
    return bytes(data)


def _pixel_bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (10_000, 8_000)).save(out, "PNG")  # 80 megapixels in a few KB
    return out.getvalue()


# A scanner's minimal PDF: complete objects, no cross-reference table (no "startxref").
_SCANNER_OBJECTS = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
)
SCANNER_PDF = _SCANNER_OBJECTS + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


@dataclass(frozen=True)
class Case:
    id: str
    content: Callable[[], bytes]
    name: str
    message: str | None = None  # regex expected in the refusal; None = neutralised
    stored_name: str | None = None  # for neutralised files


CASES = [
    Case("zero-bytes", lambda: b"", "rong.pdf", "Tệp rỗng"),
    Case("png-named-pdf", samples.png_bytes, "bao-cao.pdf", MISMATCH),
    Case("pdf-named-docx", PDF, "ke-hoach.docx", MISMATCH),
    Case("docx-named-xlsx", samples.docx_bytes, "so-lieu.xlsx", MISMATCH),
    Case("pdf-dot-exe-pdf-content", PDF, "bao-cao.pdf.exe", MISMATCH),
    Case("pdf-dot-exe-mz-content", lambda: EXE, "bao-cao.pdf.exe", PROGRAM),
    Case("mz-named-pdf", lambda: EXE, "bao-cao.pdf", PROGRAM),
    Case("elf-named-png", lambda: ELF, "anh.png", PROGRAM),
    Case("shell-script", lambda: b"#!/bin/sh\nrm -rf /\n", "bao-cao.pdf", PROGRAM),
    Case("html-named-pdf", lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>", "bao-cao.pdf", MARKUP),
    Case("html-leading-space", lambda: b"\n\n  <html><body onload=alert(1)>", "trang.html", MARKUP),
    Case("svg-with-script", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
         "anh.png", MARKUP),
    Case("svg-xml-prolog", lambda: b'<?xml version="1.0"?><svg onload="alert(1)"/>', "bieu-do.svg", MARKUP),
    Case("gif-not-allowed", lambda: b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "anh.gif", NOT_SUPPORTED),
    Case("plain-zip-as-docx", lambda: _zip({"a.txt": b"xin chao"}), "tai-lieu.docx", NOT_OFFICE),
    Case("zip-without-main-part", lambda: _zip({"word/document.xml": b"x"}, types="<Types/>"), "a.docx", NOT_OFFICE),
    Case("macro-enabled-docm", _docm, "van-ban.docx", NOT_OFFICE),
    Case("encrypted-zip-member", _encrypted_member_docx, "mat.docx", "mật khẩu|mã hóa"),
    Case("docx-zip-bomb", lambda: samples.zip_bomb_docx(64 * 1024 * 1024), "bom.docx", ZIP_BOMB),
    Case("xlsx-member-flood", samples.zip_bomb_xlsx_many_members, "bang.xlsx", ZIP_BOMB),
    Case("corrupt-pdf-truncated", lambda: PDF()[:200], "hong.pdf", CORRUPT_PDF),
    Case("corrupt-pdf-garbage", lambda: b"%PDF-1.7\n" + b"\x00garbage" * 50 + b"\n%%EOF\n", "hong.pdf", CORRUPT_PDF),
    # Without a cross-reference table: cut inside an object, or with no page at all.
    Case("no-xref-pdf-cut-inside-an-object", lambda: _SCANNER_OBJECTS[:-40] + b"\n%%EOF\n", "quet.pdf", CORRUPT_PDF),
    Case("no-xref-pdf-without-pages", lambda: _SCANNER_OBJECTS.replace(b"[3 0 R] /Count 1", b"[] /Count 0")
         .replace(b"/Type /Page /", b"/Type /Xyz /") + b"%%EOF\n", "quet.pdf", CORRUPT_PDF),
    Case("no-xref-pdf-cut-before-eof", lambda: SCANNER_PDF[:-8], "quet.pdf", CORRUPT_PDF),
    Case("truncated-png", lambda: samples.png_bytes()[:40], "anh.png", "Tệp ảnh bị hỏng"),
    Case("pixel-bomb-png", _pixel_bomb, "anh-lon.png", "kích thước điểm ảnh quá lớn"),
    Case("nul-hides-exe-extension", PDF, "bao-cao.pdf\x00.exe", MISMATCH),
    Case("rtl-override-name", PDF, "bao-cao-\u202efdp.exe", MISMATCH),
    # Neutralised: the content is fine, the name is made safe.
    Case("path-traversal-unix", PDF, "../../../../etc/cron.d/bao-cao.pdf", stored_name="bao-cao.pdf"),
    # The multipart header unescapes backslashes, so only a flat name arrives.
    Case("path-traversal-windows", PDF, "..\\..\\Windows\\System32\\bao-cao.pdf",
         stored_name="WindowsSystem32bao-cao.pdf"),
    # Browsers send line breaks in a name as %0D%0A (HTML spec); tab and bell arrive raw.
    Case("control-chars-in-name", PDF, "bao%0D%0Acao\t\x07.pdf", stored_name="baocao.pdf"),
    Case("hidden-dotfile-name", PDF, ".htaccess.pdf", stored_name="htaccess.pdf"),
    Case("only-dots-name", PDF, "....", stored_name="minh-chung.pdf"),
    Case("no-extension", PDF, "Báo cáo tổng kết", stored_name="Báo cáo tổng kết.pdf"),
    Case("html-in-name", PDF, "<img src=x onerror=alert(1)>.pdf", stored_name="<img src=x onerror=alert(1)>.pdf"),
    # Accepted: a structurally valid PDF as some scanners write it, without an xref table.
    Case("scanner-pdf-without-xref", lambda: SCANNER_PDF, "ban-quet.pdf", stored_name="ban-quet.pdf"),
    Case("scanner-pdf-without-xref-or-trailer", lambda: _SCANNER_OBJECTS + b"%%EOF\n", "quet-2.pdf",
         stored_name="quet-2.pdf"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_hostile_upload(app, client, upload, draft, case):
    before_rows, before_disk = evidence_count(), files_on_disk(app)
    response = upload((case.content(), case.name))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    if case.message is not None:
        assert "Không nhận tệp" in page
        import re

        assert re.search(case.message, page), page[page.find("Không nhận tệp"):][:400]
        assert evidence_count() == before_rows
        assert files_on_disk(app) == before_disk
        return
    evidence = db.session.scalar(select(Evidence))
    assert evidence.original_name == case.stored_name
    assert "<img src=x" not in page  # shown escaped, never as markup
    root = Path(app.config["UPLOAD_FOLDER"]).resolve()
    stored = (root / evidence.storage_key).resolve()
    assert stored.is_file() and root in stored.parents
    assert files_on_disk(app) == [evidence.storage_key]


def test_corpus_is_large_enough():
    assert len(CASES) >= 25


def test_a_300_character_vietnamese_name_is_shortened_keeping_its_extension(app, client, upload):
    long_name = ("Báo cáo kết quả thực hiện mô hình dân vận khéo " * 8)[:300] + ".pdf"
    upload((PDF(), long_name))
    evidence = db.session.scalar(select(Evidence))
    assert len(evidence.original_name) <= 180 and evidence.original_name.endswith(".pdf")
    assert evidence.original_name.startswith("Báo cáo kết quả thực hiện")
    disposition = client.get(f"/minh-chung/{evidence.id}?tai=1").headers["Content-Disposition"]
    assert "filename*=UTF-8''B%C3%A1o" in disposition


def test_duplicate_is_refused_and_changes_nothing(app, upload):
    content = PDF()
    upload((content, "mot.pdf"))
    rows, disk = evidence_count(), files_on_disk(app)
    page = upload((content, "hai.pdf")).get_data(as_text=True)
    assert "đã được đính kèm" in page
    assert evidence_count() == rows and files_on_disk(app) == disk


def test_just_over_20_mb_is_refused_with_413_and_no_partial_file(app, upload):
    assert app.config["EVIDENCE_MAX_BYTES"] == 20 * 1024 * 1024
    content = PDF() + b"%" + b"0" * (20 * 1024 * 1024)
    response = upload((content, "qua-lon.pdf"))
    assert response.status_code == 413
    assert "Tệp vượt quá dung lượng cho phép (20 MB)" in response.get_data(as_text=True)
    assert evidence_count() == 0 and files_on_disk(app) == []


def test_a_request_over_the_whole_limit_is_refused_before_parsing(app, upload):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    response = upload((PDF() + b"0" * (2 * 1024 * 1024), "rat-lon.pdf"))
    assert response.status_code == 413 and "Tệp quá lớn" in response.get_data(as_text=True)
    assert evidence_count() == 0 and files_on_disk(app) == []


def test_an_oversize_file_among_good_ones_saves_none(app, upload):
    app.config["EVIDENCE_MAX_BYTES"] = 50_000
    response = upload((samples.png_bytes(), "tot.png"), (PDF() + b"%" + b"0" * 60_000, "lon.pdf"))
    assert response.status_code == 413
    assert "Không tệp nào trong lần tải này được lưu" in response.get_data(as_text=True)
    assert evidence_count() == 0 and files_on_disk(app) == []


def test_refused_and_accepted_files_in_one_upload(app, upload):
    page = upload((PDF(), "tot.pdf"), (EXE, "xau.pdf")).get_data(as_text=True)
    assert "Đã tải lên 1 tệp minh chứng: “tot.pdf”" in page
    assert "Không nhận tệp “xau.pdf”" in page
    assert evidence_count() == 1 and len(files_on_disk(app)) == 1
