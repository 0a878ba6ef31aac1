"""Deciding what a file is from its bytes (magic numbers), never from its name.

Every check reads a bounded amount: the head of the file, the zip directory and at most
`CONTENT_TYPES_LIMIT` bytes of one member, so a hostile file cannot make the server
decompress or parse without limit.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from ..core.errors import DomainError


@dataclass(frozen=True)
class FileType:
    code: str
    mimetype: str
    extensions: tuple[str, ...]
    label: str
    inline: bool  # opened in the browser rather than downloaded
    is_image: bool = False

    @property
    def extension(self) -> str:
        return self.extensions[0]


FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType("pdf", "application/pdf", (".pdf",), "PDF", inline=True),
    "docx": FileType(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
        "Word (DOCX)",
        inline=False,
    ),
    "xlsx": FileType(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
        "Excel (XLSX)",
        inline=False,
    ),
    "jpg": FileType("jpg", "image/jpeg", (".jpg", ".jpeg", ".jpe", ".jfif"), "Ảnh JPG", inline=True, is_image=True),
    "png": FileType("png", "image/png", (".png",), "Ảnh PNG", inline=True, is_image=True),
}

# The main part each Office format declares in [Content_Types].xml.
_OFFICE_MAIN_PARTS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_OFFICE_REQUIRED_MEMBER = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}

# Bounds of the zip inspection (a DOCX or XLSX is a zip archive).
ZIP_MAX_MEMBERS = 5000
ZIP_MAX_TOTAL_UNCOMPRESSED = 250 * 1024 * 1024
ZIP_MAX_RATIO = 200  # uncompressed / compressed for one member larger than 1 MB
CONTENT_TYPES_LIMIT = 1024 * 1024

# Decoding an image costs memory by its pixels, not its bytes: 50 megapixels is ample for a photo.
MAX_IMAGE_PIXELS = 50_000_000

HEAD_BYTES = 4096
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"#!")
_MARKUP_RE = re.compile(rb"^\s*(<\?xml|<!doctype|<html|<svg|<script|<head|<body|<iframe)", re.I)


class FileRefused(DomainError):
    """The file is not accepted; the message is Vietnamese and shown to the user."""


def allowed_types(codes) -> list[FileType]:
    return [FILE_TYPES[c.strip().lower()] for c in codes if c.strip().lower() in FILE_TYPES]


def allowed_label(codes) -> str:
    return ", ".join(t.code.upper() for t in allowed_types(codes))


def detect(stream: BinaryIO, size: int, allowed_codes) -> FileType:
    """The type of the file in `stream` (seekable, `size` bytes), or FileRefused."""
    allowed = allowed_label(allowed_codes)
    if size == 0:
        raise FileRefused("Tệp rỗng (0 byte), không có nội dung để lưu.")
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    code = _sniff(head)
    if code is None:
        if head.startswith(_EXECUTABLE_MAGIC):
            raise FileRefused("Tệp chương trình (thực thi) không được phép tải lên.")
        if _MARKUP_RE.match(head):
            raise FileRefused("Tệp HTML, SVG hoặc XML không được phép tải lên vì có thể chứa mã độc.")
        raise FileRefused(f"Định dạng tệp không được hỗ trợ. Chỉ nhận các loại: {allowed}.")
    if code == "zip":
        code = _office_kind(stream)
    elif code == "pdf":
        _check_pdf(stream, size)
    elif code in ("jpg", "png"):
        _check_image(stream)
    if code not in {t.code for t in allowed_types(allowed_codes)}:
        raise FileRefused(
            f"Loại tệp {FILE_TYPES[code].label} không được nhận. Chỉ nhận các loại: {allowed}."
        )
    stream.seek(0)
    return FILE_TYPES[code]


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


_NOT_OFFICE = "Tệp nén không phải tài liệu Word (DOCX) hoặc Excel (XLSX) hợp lệ."
_ZIP_BOMB = "Tệp có cấu trúc nén bất thường (nghi “bom nén”), không được nhận."


def _office_kind(stream: BinaryIO) -> str:
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise FileRefused(_NOT_OFFICE) from error
    with archive:
        members = archive.infolist()
        if len(members) > ZIP_MAX_MEMBERS:
            raise FileRefused(_ZIP_BOMB)
        total = 0
        for member in members:
            total += member.file_size
            if member.file_size > 1024 * 1024 and member.file_size > ZIP_MAX_RATIO * max(member.compress_size, 1):
                raise FileRefused(_ZIP_BOMB)
            if member.flag_bits & 0x1:
                raise FileRefused("Tài liệu được đặt mật khẩu (mã hóa), hệ thống không kiểm tra được.")
        if total > ZIP_MAX_TOTAL_UNCOMPRESSED:
            raise FileRefused(_ZIP_BOMB)
        names = {m.filename for m in members}
        if "[Content_Types].xml" not in names:
            raise FileRefused(_NOT_OFFICE)
        try:
            # zipfile stops at the declared size, so this reads at most the limit.
            with archive.open("[Content_Types].xml") as handle:
                declared = handle.read(CONTENT_TYPES_LIMIT + 1)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
            raise FileRefused(_NOT_OFFICE) from error
        if len(declared) > CONTENT_TYPES_LIMIT:
            raise FileRefused(_ZIP_BOMB)
        for code, main_part in _OFFICE_MAIN_PARTS.items():
            if main_part.encode() in declared and _OFFICE_REQUIRED_MEMBER[code] in names:
                return code
    raise FileRefused(_NOT_OFFICE)


_CORRUPT_PDF = "Tệp PDF bị hỏng hoặc không đọc được. Vui lòng xuất lại tệp PDF rồi tải lên."
_PDF_OBJECT = re.compile(rb"(?<![0-9])(\d{1,10})[ \t\r\n]+(\d{1,5})[ \t\r\n]+obj\b")
_PDF_ROOT = re.compile(rb"/Root[ \t\r\n]+(\d{1,10})[ \t\r\n]+(\d{1,5})[ \t\r\n]+R")
_PDF_CATALOG = re.compile(rb"/Type[ \t\r\n]*/Catalog\b")


def _check_pdf(stream: BinaryIO, size: int) -> None:
    stream.seek(max(size - 2048, 0))
    if b"%%EOF" not in stream.read():
        raise FileRefused(_CORRUPT_PDF)
    stream.seek(0)
    try:
        _read_pdf(stream)
    except _PdfUnreadable as error:
        # Some scanners write a complete file without the cross-reference table (no
        # "startxref"), which viewers rebuild. Rebuild it the same way and read again; a
        # file whose objects are incomplete or that has no page stays refused.
        stream.seek(0)
        data = stream.read()
        rebuilt = with_rebuilt_xref(data) if b"startxref" not in data else None
        if rebuilt is None:
            raise FileRefused(_CORRUPT_PDF) from error
        try:
            _read_pdf(io.BytesIO(rebuilt))
        except _PdfUnreadable as second:
            raise FileRefused(_CORRUPT_PDF) from second


class _PdfUnreadable(Exception):
    pass


def _read_pdf(stream: BinaryIO) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            raise FileRefused("Tệp PDF được đặt mật khẩu, hệ thống không mở được.")
        if len(reader.pages) == 0:
            raise _PdfUnreadable("no page")
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError) as error:
        raise _PdfUnreadable(str(error)) from error


def with_rebuilt_xref(data: bytes) -> bytes | None:
    """`data` (a PDF without a cross-reference table) with one appended, computed from where
    its objects start; None unless every object is complete ("obj" … "endobj") and a catalog
    names the root."""
    objects = list(_PDF_OBJECT.finditer(data))
    if not objects or data.count(b"endobj") < len(objects):
        return None
    offsets: dict[int, tuple[int, int]] = {}
    root = None
    for index, match in enumerate(objects):
        end = objects[index + 1].start() if index + 1 < len(objects) else len(data)
        body = data[match.end():end]
        if b"endobj" not in body:
            return None  # cut off before its end
        number, generation = int(match.group(1)), int(match.group(2))
        offsets[number] = (match.start(), generation)
        if root is None and _PDF_CATALOG.search(body[: body.find(b"endobj")]):
            root = (number, generation)
    trailer_root = _PDF_ROOT.search(data[objects[-1].end():])
    if trailer_root:
        root = (int(trailer_root.group(1)), int(trailer_root.group(2)))
    if root is None or root[0] not in offsets or max(offsets) > 10_000_000:
        return None
    size = max(offsets) + 1
    lines = [b"xref", f"0 {size}".encode(), b"0000000000 65535 f "]
    for number in range(1, size):
        if number in offsets:
            offset, generation = offsets[number]
            lines.append(f"{offset:010d} {generation:05d} n ".encode())
        else:
            lines.append(b"0000000000 00000 f ")
    body = data if data.endswith(b"\n") else data + b"\n"
    xref_at = len(body)
    tail = b"\n".join(lines) + (
        f"\ntrailer\n<< /Size {size} /Root {root[0]} {root[1]} R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    )
    return body + tail


def _check_image(stream: BinaryIO) -> None:
    from PIL import Image, UnidentifiedImageError

    stream.seek(0)
    try:
        with Image.open(stream) as image:
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise FileRefused("Tệp ảnh bị hỏng hoặc không đọc được.") from error
    if width * height > MAX_IMAGE_PIXELS:
        raise FileRefused("Ảnh có kích thước điểm ảnh quá lớn; vui lòng thu nhỏ ảnh trước khi tải lên.")


def extension_of(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""
