"""What is printed for a survey: the QR code, the poster (A4, A5) and the sheet of one-time
codes, as Word files that print as they come out (Times New Roman, nothing under 11 pt)."""

from __future__ import annotations

import io
import time

import segno
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from flask import current_app, send_file
from sqlalchemy import select

from ..extensions import db
from ..registry.models import Initiative
from ..units.models import Unit, UnitKind
from .models import Survey, SurveyCode
from .services import format_code

SIZES = {"a4": ("A4", Cm(21), Cm(29.7)), "a5": ("A5", Cm(14.8), Cm(21))}
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PRIVACY_NOTE = ("Phiếu không hỏi họ tên, số điện thoại hay email. Ý kiến của bạn giúp Hội đồng thi đua "
                "đánh giá mô hình có thật sự mang lại lợi ích cho Nhân dân.")


def qr(link: str) -> segno.QRCode:
    return segno.make(link, error="m")


def qr_svg(link: str, scale: int = 6) -> str:
    """Inline SVG (no script, no external reference), titled for screen readers."""
    # No fixed size but a viewBox (omitsize), so the page's CSS scales it without cropping.
    return qr(link).svg_inline(scale=scale, border=4, omitsize=True, title="Mã QR mở trang lấy ý kiến",
                               dark="#000")


def qr_png(link: str, scale: int = 12) -> bytes:
    out = io.BytesIO()
    qr(link).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


_RESIDENCE_CACHE: dict[str, tuple[float, list[tuple[int, str]]]] = {}


def residence_units(survey: Survey) -> list[tuple[int, str]]:
    """(id, name) of the communes and wards a respondent may say they live in: those of the
    model's province (the highest ancestor of the province kind), else of its whole tree.
    Kept in the process for a few minutes: every answer page of a province shows the same
    list, and a unit renamed or merged shows up at the next refresh."""
    unit = survey.initiative.unit
    ids = [int(part) for part in unit.path.strip("/").split("/") if part] or [unit.id]
    key = "/".join(map(str, ids[:2]))
    cached = _RESIDENCE_CACHE.get(key)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    ancestors = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    top = next((ancestors[i] for i in ids if i in ancestors and ancestors[i].kind is UnitKind.PROVINCE),
               ancestors.get(ids[0], unit))
    units = [(u.id, u.name) for u in db.session.execute(
        select(Unit.id, Unit.name).where(Unit.path.startswith(top.path), Unit.kind == UnitKind.COMMUNE,
                                         Unit.is_active.is_(True))
        .order_by(Unit.sort_name).limit(2000))]
    seconds = current_app.config.get("FEEDBACK_RESIDENCE_CACHE_SECONDS", 300)
    if seconds:
        _RESIDENCE_CACHE[key] = (time.monotonic() + seconds, units)
    return units


def sheet_numbers(survey: Survey) -> list[int]:
    return list(db.session.scalars(select(SurveyCode.sheet).distinct().where(SurveyCode.survey_id == survey.id)
                                   .order_by(SurveyCode.sheet)))


def send_docx(data: bytes, name: str):
    return send_file(io.BytesIO(data), mimetype=DOCX_MIME, as_attachment=True, download_name=name)


def _document(width, height, margin=Cm(1.8)) -> Document:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = width, height
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = margin
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    style.font.size = Pt(13)
    style.paragraph_format.space_after = Pt(4)
    return document


def _line(document, text: str, size: float, *, bold: bool = False, italic: bool = False,
          align=WD_ALIGN_PARAGRAPH.CENTER, after: float = 4):
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    return paragraph


def poster_docx(initiative: Initiative, link: str, size: str) -> bytes:
    """The poster: title, the model's name and unit, the QR code and the short link."""
    _label, width, height = SIZES[size]
    big = size == "a4"
    document = _document(width, height, Cm(1.8) if big else Cm(1.2))
    _line(document, "MỜI BẠN CHO Ý KIẾN", 26 if big else 18, bold=True, after=2)
    _line(document, "về mô hình “Dân vận khéo”", 16 if big else 13, after=10 if big else 6)
    _line(document, initiative.name, 22 if big else 15, bold=True, after=4)
    _line(document, initiative.unit.name, 16 if big else 12, after=10 if big else 4)
    picture = document.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.add_run().add_picture(io.BytesIO(qr_png(link)), width=Cm(11 if big else 7))
    _line(document, "Quét mã QR bằng điện thoại, hoặc gõ đường dẫn:", 14 if big else 11, after=2)
    _line(document, link, 14 if big else 11, bold=True, after=10 if big else 6)
    _line(document, "Chỉ mất khoảng một phút: mức hài lòng từ 1 đến 5, bạn có tham gia hay được hưởng lợi "
          "từ mô hình không, và góp ý nếu có.", 14 if big else 11, after=4)
    _line(document, PRIVACY_NOTE, 13 if big else 11, italic=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _no_row_split(row) -> None:
    properties = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    properties.append(cant)


def codes_docx(initiative: Initiative, link: str, codes: list[SurveyCode], sheet: int) -> bytes:
    """The sheet of one-time codes, three to a row, to cut apart and hand out one each."""
    _label, width, height = SIZES["a4"]
    document = _document(width, height, Cm(1.5))
    _line(document, f"MÃ PHIẾU LẤY Ý KIẾN NHÂN DÂN – TỜ SỐ {sheet}", 14, bold=True, after=2)
    _line(document, f"Mô hình: {initiative.name} ({initiative.unit.name})", 12, after=2)
    _line(document, f"Đường dẫn: {link}", 11, after=2)
    _line(document, "Cắt rời, trao mỗi người một mã. Mỗi mã dùng được một lần; ý kiến có mã được tính là "
          "“đã xác thực”.", 11, italic=True, after=8)
    columns = 3
    table = document.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for start in range(0, len(codes), columns):
        row = table.add_row()
        _no_row_split(row)
        for index, code in enumerate(codes[start:start + columns]):
            cell = row.cells[index]
            cell.width = Cm(6)
            first = cell.paragraphs[0]
            first.alignment = WD_ALIGN_PARAGRAPH.CENTER
            first.add_run("Mã phiếu").font.size = Pt(11)
            code_line = cell.add_paragraph()
            code_line.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = code_line.add_run(format_code(code.code))
            run.bold = True
            run.font.size = Pt(18)
            run.font.name = "Liberation Mono"
            hint = cell.add_paragraph()
            hint.alignment = WD_ALIGN_PARAGRAPH.CENTER
            hint.add_run("Quét mã QR trên áp phích và nhập mã này vào ô “Mã phiếu”.").font.size = Pt(11)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
