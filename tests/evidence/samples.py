"""Small real files of every accepted type, and hostile ones, built in memory."""

from __future__ import annotations

import io
import zipfile

from PIL import Image
from pypdf import PdfWriter

VIETNAMESE_PDF_NAME = 'Báo cáo kết quả mô hình "Dân vận khéo" năm 2026.pdf'


def pdf_bytes(pages: int = 1, text: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt: str = "PNG", size=(64, 48), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def png_bytes(**kwargs) -> bytes:
    return image_bytes("PNG", **kwargs)


def jpeg_bytes(**kwargs) -> bytes:
    return image_bytes("JPEG", **kwargs)


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def docx_bytes(extra_members: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>Báo cáo</w:p></w:body></w:document>")
        for name, data in (extra_members or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "Số hộ hưởng lợi"
    book.active["B1"] = 1200
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb_docx(size: int = 300 * 1024 * 1024) -> bytes:
    """A DOCX whose one member inflates from a few hundred KB to `size` bytes of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/padding.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def zip_bomb_xlsx_many_members(count: int = 6000) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES.replace("wordprocessingml.document", "spreadsheetml.sheet"))
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(count):
            archive.writestr(f"xl/x{i}.xml", "")
    return out.getvalue()
