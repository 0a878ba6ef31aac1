"""Builds the first version of the Word templates in templates/documents/ (python-docx).

The .docx files are committed and are the source of truth: a deployment edits their
wording, the legal citations ("Căn cứ ...") and form names in Word, or puts edited copies
in DOCUMENT_TEMPLATE_FOLDER; the app fills the {{ ... }} fields with docxtpl. Run this
only to start the templates over:

    python -m danvankheo.awards.document_templates [target folder]

Layout after Nghị định 30/2020/NĐ-CP: A4, Times New Roman, issuing body top left with the
number, the national motto top right, each with a short rule, the place-and-date line in
italics, then title, body, "Nơi nhận" and the signer block with about 3 cm for signature
and seal.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from config import PROJECT_ROOT

TEMPLATE_FOLDER = PROJECT_ROOT / "templates" / "documents"
FONT = "Times New Roman"
BODY_PT = 14
TEXT_WIDTH_CM = 16.0  # A4 21 cm less 3 cm left and 2 cm right margins
SIGNATURE_ROOM_PT = 80  # about 2.8 cm between the signer's title and name

# The legal bases printed by the documents. Edit them in the .docx files, not here: this
# list only seeds a fresh set of templates (DOMAIN.md: NĐ 152/2025 replaces NĐ 98/2023).
LEGAL_BASES = [
    "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
    "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi tiết "
    "một số điều của Luật Thi đua, khen thưởng;",
    "Căn cứ Thông tư số 15/2025/TT-BNV ngày 04 tháng 8 năm 2025 của Bộ trưởng Bộ Nội vụ hướng dẫn "
    "thi hành Luật Thi đua, khen thưởng và Nghị định số 152/2025/NĐ-CP;",
]
REPORT_FORM_NAME = ("Mẫu báo cáo thành tích đề nghị khen thưởng theo chuyên đề "
                    "(Phụ lục ban hành kèm theo Nghị định số 152/2025/NĐ-CP)")


# --- Low-level helpers -----------------------------------------------------------------------


def _new_document() -> Document:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)
    # 1.2 lines: single spacing in Times New Roman prints the lines' boxes into each other.
    style.paragraph_format.line_spacing = 1.2
    return document


def _para(container, text: str = "", *, size: float = BODY_PT, bold: bool = False, italic: bool = False,
          align=WD_ALIGN_PARAGRAPH.LEFT, indent: bool = False, after: float = 0, before: float = 0,
          keep_with_next: bool = False):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after, fmt.space_before = Pt(after), Pt(before)
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if keep_with_next:
        fmt.keep_with_next = True
    if text:
        run = paragraph.add_run(text)
        run.font.size, run.bold, run.italic = Pt(size), bold, italic
    else:
        _mark_size(paragraph, size)
    return paragraph


def _mark_size(paragraph, size: float) -> None:
    """The size of an empty paragraph (its paragraph mark), so spacer lines stay small."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = OxmlElement("w:rPr")
    for tag in ("w:sz", "w:szCs"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(int(size * 2)))
        rpr.append(element)
    ppr.append(rpr)


def _body(container, text: str, **kwargs):
    kwargs.setdefault("align", WD_ALIGN_PARAGRAPH.JUSTIFY)
    kwargs.setdefault("indent", True)
    kwargs.setdefault("after", 6)
    paragraph = _para(container, text, **kwargs)
    paragraph.paragraph_format.line_spacing = 1.2
    return paragraph


def _control(container, tag: str):
    """A docxtpl paragraph tag ({%p ... %}); the paragraph disappears when rendered."""
    return _para(container, "{%p " + tag + " %}", size=2)


def _rule(container, width_cm: float, cell_width_cm: float):
    """A short solid rule, centred: the bottom border of an empty, indented paragraph."""
    paragraph = _para(container, size=2, align=WD_ALIGN_PARAGRAPH.CENTER)
    side = Cm(max(cell_width_cm - width_cm, 0) / 2)
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.insert(0, borders)
    return paragraph


def _table(container, widths_cm: list[float], *, borders: bool):
    table = container.add_table(rows=1, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    if borders:
        table.style = "Table Grid"
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        column.set(qn("w:w"), str(int(Cm(width).twips)))
    for cell, width in zip(table.rows[0].cells, widths_cm, strict=True):
        cell.width = Cm(width)
    return table


def _add_row(table, widths_cm: list[float]):
    row = table.add_row()
    for cell, width in zip(row.cells, widths_cm, strict=True):
        cell.width = Cm(width)
    return row


def _cell_text(cell, text: str, *, size: float = 13, bold: bool = False, italic: bool = False,
               align=WD_ALIGN_PARAGRAPH.LEFT) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.font.size, run.bold, run.italic = Pt(size), bold, italic


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _no_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


# --- Shared blocks ---------------------------------------------------------------------------

# The header is 0.5 cm wider than the text and its cells have 1 mm of padding, so that an issuing
# body such as "VĂN PHÒNG HĐND VÀ UBND" (6.4 cm at 13 pt bold) stands on one line at the left and
# the motto (8.9 cm at 12 pt bold as LibreOffice prints it) on one line at the right.
LEFT_CM, RIGHT_CM = 6.9, 9.6
HEADER_PADDING_CM = 0.1


def _cell_padding(table, cm: float) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(int(Cm(cm).twips)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)


def _header(document, *, parent: str, body: str, number: str, left_rule_cm: float = 2.5,
            place_date: str = "{{ place_date }}", parent_if: str | None = None) -> None:
    """Issuing body and number at the left; the national motto and place-and-date at the right.
    With `parent_if` the parent body's line is left out when that variable is empty."""
    table = _table(document, [LEFT_CM, RIGHT_CM], borders=False)
    _cell_padding(table, HEADER_PADDING_CM)
    left, right = table.rows[0].cells
    first = left.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if parent_if:
        run = first.add_run("{%p if " + parent_if + " %}")
        run.font.size = Pt(2)
        _para(left, parent, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
        _control(left, "endif")
    else:
        run = first.add_run(parent)
        run.font.size = Pt(13)
    _para(left, body, size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _rule(left, left_rule_cm, LEFT_CM - 0.4)
    _para(left, number, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, before=6)
    motto = right.paragraphs[0]
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = motto.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    run.font.size, run.bold = Pt(12), True
    _para(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _rule(right, 5.6, RIGHT_CM - 0.4)
    _para(right, place_date, size=13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6)
    _para(document, size=6)


def _title(document, title: str, subtitles: list[str]) -> None:
    _para(document, title, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=12, keep_with_next=True)
    for line in subtitles:
        _para(document, line, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, keep_with_next=True)
    _rule(document, 3.5, TEXT_WIDTH_CM)
    _para(document, size=6)


def _signature(document, *, recipients: list[str] | None, left_heading: str = "",
               right_lines: list[str], right_name: str, left_lines: list[str] | None = None,
               left_name: str = "") -> None:
    """Nơi nhận (or a second signer) at the left; authority, ~3 cm room and name at the right."""
    table = _table(document, [7.0, 9.0], borders=False)
    left, right = table.rows[0].cells
    _no_split(table.rows[0])
    if recipients is not None:
        heading = left.paragraphs[0]
        run = heading.add_run("Nơi nhận:")
        run.font.size, run.bold, run.italic = Pt(12), True, True
        for line in recipients:
            if line.startswith("{%p"):
                _para(left, line, size=2)
            else:
                _para(left, line, size=11)
        _signer_column(right, right_lines, right_name)
        return
    # Two signers in one row that never splits: each name under its own title. (A second row
    # for the names would line them up, but LibreOffice may print that row on the next page.)
    _signer_column(left, left_lines or [], left_name, heading=left_heading)
    _signer_column(right, right_lines, right_name)


def _signer_column(cell, lines: list[str], name: str | None, *, heading: str = "") -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    started = False
    for line in [heading, *lines] if heading else lines:
        if line.startswith("{%p"):
            _para(cell, line, size=2)
            continue
        italic = line.startswith("(")
        if not started:
            run = paragraph.add_run(line)
            run.font.size, run.bold, run.italic = Pt(13 if italic else 14), not italic, italic
            started = True
        else:
            _para(cell, line, size=13 if italic else 14, bold=not italic, italic=italic,
                  align=WD_ALIGN_PARAGRAPH.CENTER, keep_with_next=True)
    if name is not None:
        _para(cell, name, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=SIGNATURE_ROOM_PT)


def _paragraph_list(document, variable: str, **kwargs) -> None:
    """One paragraph per item of a list variable."""
    _control(document, f"for item in {variable}")
    _body(document, "{{ item }}", **kwargs)
    _control(document, "endfor")


def _legal_bases(document) -> None:
    for text in LEGAL_BASES:
        _body(document, text, italic=True)


# --- Tờ trình --------------------------------------------------------------------------------


def build_submission() -> Document:
    document = _new_document()
    _header(document, parent="{{ parent_body|upper }}", body="{{ issuing_body|upper }}", number="Số: {{ number }}")
    _title(document, "TỜ TRÌNH", ["Về việc đề nghị khen thưởng phong trào thi đua “Dân vận khéo”",
                                  "năm {{ year }} (khen thưởng theo chuyên đề)"])
    kinh_gui = _para(document, "Kính gửi: {{ addressee }}.", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    kinh_gui.paragraph_format.keep_with_next = True
    _legal_bases(document)
    _body(document, "Thực hiện phong trào thi đua “Dân vận khéo” năm {{ year }}, {{ issuing_body }} đã tổ chức "
                    "{{ round_name }}. Kết quả: {{ registered }} mô hình đăng ký, {{ accepted }} mô hình được "
                    "tiếp nhận, {{ scored }} mô hình được Hội đồng chấm điểm, xếp hạng{{ grades }}.")
    _body(document, "{{ meeting_sentence }}")
    _body(document, "Căn cứ kết quả trên, {{ issuing_body }} kính trình {{ addressee }} xem xét, tặng "
                    "{{ award_names }} cho {{ recipients }} đã "
                    "có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” năm {{ year }}. Đây là "
                    "khen thưởng theo chuyên đề; kết quả không dùng làm căn cứ đề nghị khen thưởng công trạng "
                    "(danh sách, biên bản họp Hội đồng và báo cáo thành tích kèm theo).")
    _body(document, "Kính trình {{ addressee }} xem xét, quyết định./.")
    _para(document, size=6)
    _signature(document, recipients=["- Như trên;", "- Lưu: VT, {{ secretariat }}."],
               right_lines=["{%p if signer_authority %}", "{{ signer_authority }}", "{%p endif %}",
                            "{{ signer_title }}"],
               right_name="{{ signer_name }}")
    return document


# --- Biên bản họp Hội đồng -----------------------------------------------------------------

VOTE_WIDTHS = [1.2, 3.9, 3.8, 2.8, 2.1, 2.2]  # "Không đạt" on one line


def build_minutes() -> Document:
    document = _new_document()
    _header(document, parent="{{ parent_body|upper }}", body="HỘI ĐỒNG THI ĐUA - KHEN\u00a0THƯỞNG",
            number="Số: {{ number }}", left_rule_cm=3.0)
    _title(document, "BIÊN BẢN", ["Họp Hội đồng Thi đua - Khen thưởng xét đề nghị khen thưởng",
                                  "phong trào thi đua “Dân vận khéo” năm {{ year }}"])
    _body(document, "Thời gian: {{ meeting_date }}.", indent=False)
    _body(document, "Địa điểm: {{ place }}.", indent=False)
    _body(document, "Chủ trì: {{ chair }}.", indent=False)
    _body(document, "Thư ký: {{ secretary }}.", indent=False)
    _body(document, "Thành viên Hội đồng có mặt: {{ members_present }}/{{ members_total }} thành viên.", indent=False)
    _body(document, "Nội dung: Hội đồng xét đề nghị khen thưởng theo chuyên đề các tập thể, cá nhân có thành tích "
                    "trong phong trào thi đua “Dân vận khéo” năm {{ year }}, theo kết quả {{ round_name }}. "
                    "Tập thể, cá nhân đạt khi có từ {{ pass_votes }}/{{ members_total }} phiếu đồng ý trở lên "
                    "(tính trên tổng số thành viên Hội đồng).")
    _body(document, "Kết quả bỏ phiếu:", indent=False, keep_with_next=True)
    table = _table(document, VOTE_WIDTHS, borders=True)
    for cell, text in zip(table.rows[0].cells, ["STT", "Tập thể / cá nhân", "Tên mô hình", "Hình thức đề nghị",
                                                "Đồng ý / tổng số", "Kết quả"], strict=True):
        _cell_text(cell, text, size=12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _repeat_header(table.rows[0])
    row = _add_row(table, VOTE_WIDTHS)
    _cell_text(row.cells[0], "{%tr for v in votes %}", size=2)
    row = _add_row(table, VOTE_WIDTHS)
    _no_split(row)
    for cell, text, align in zip(row.cells, ["{{ v.number }}", "{{ v.recipient }}", "{{ v.initiative }}",
                                             "{{ v.award }}", "{{ v.votes }}", "{{ v.result }}"],
                                 [WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.LEFT,
                                  WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.CENTER],
                                 strict=True):
        _cell_text(cell, text, size=12, align=align)
    row = _add_row(table, VOTE_WIDTHS)
    _cell_text(row.cells[0], "{%tr endfor %}", size=2)
    _para(document, size=6)
    _body(document, "Kết luận: {{ conclusion }}")
    _body(document, "Biên bản được lập xong và thông qua tại cuộc họp./.")
    _para(document, size=6)
    _signature(document, recipients=None, left_heading="THƯ KÝ", left_lines=[], left_name="{{ secretary_name }}",
               right_lines=["CHỦ TRÌ", "{%p if chair_title %}", "{{ chair_title }}", "{%p endif %}"],
               right_name="{{ chair_name }}")
    return document


# --- Dự thảo Quyết định --------------------------------------------------------------------

COLLECTIVE_WIDTHS = [1.5, 6.5, 8.0]
INDIVIDUAL_WIDTHS = [1.5, 4.3, 5.1, 5.1]


def _list_table(document, heading: str, variable: str, columns: list[str], fields: list[str],
                widths: list[float]) -> None:
    _control(document, f"if {variable}")
    _para(document, heading, size=14, bold=True, before=6, after=3, keep_with_next=True)
    table = _table(document, widths, borders=True)
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        _cell_text(cell, text, size=13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _repeat_header(table.rows[0])
    row = _add_row(table, widths)
    _cell_text(row.cells[0], "{%tr for l in " + variable + " %}", size=2)
    row = _add_row(table, widths)
    _no_split(row)
    for index, (cell, name) in enumerate(zip(row.cells, fields, strict=True)):
        _cell_text(cell, "{{ l." + name + " }}", size=13,
                   align=WD_ALIGN_PARAGRAPH.CENTER if index == 0 else WD_ALIGN_PARAGRAPH.LEFT)
    row = _add_row(table, widths)
    _cell_text(row.cells[0], "{%tr endfor %}", size=2)
    _control(document, "endif")


def build_decision() -> Document:
    document = _new_document()
    _para(document, "DỰ THẢO", size=13, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT, after=3)
    _header(document, parent="{{ decision_parent|upper }}", body="{{ decision_body|upper }}",
            number="Số: {{ number }}", parent_if="decision_parent")
    _title(document, "QUYẾT ĐỊNH", ["Về việc tặng {{ award_names }}",
                                    "cho tập thể, cá nhân có thành tích trong phong trào thi đua",
                                    "“Dân vận khéo” năm {{ year }} (khen thưởng theo chuyên đề)"])
    _para(document, "{{ authority|upper }}", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    _legal_bases(document)
    _body(document, "Xét đề nghị của {{ issuing_body }} tại Tờ trình số {{ submission_number }} "
                    "ngày {{ submission_date }}.", italic=True)
    _para(document, "QUYẾT ĐỊNH:", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=6)
    _body(document, "Điều 1. Tặng {{ award_names }} cho {{ recipients }} (có danh sách kèm theo) đã có thành tích xuất sắc trong phong trào thi đua "
                    "“Dân vận khéo” năm {{ year }}. Đây là khen thưởng theo chuyên đề.")
    _body(document, "Điều 2. Quyết định này có hiệu lực kể từ ngày ký. Tiền thưởng kèm theo thực hiện theo "
                    "quy định hiện hành.")
    _body(document, "Điều 3. {{ executors }}, thủ trưởng các cơ quan, đơn vị liên "
                    "quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.")
    _para(document, size=6)
    _signature(document, recipients=["- Như Điều 3;", "- Lưu: VT, {{ secretariat }}."],
               right_lines=["{{ decision_signer }}"], right_name="{{ decision_signer_name }}")
    paragraph = _para(document)
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    _para(document, "DANH SÁCH", size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, "Tập thể, cá nhân được tặng {{ award_names }}", size=14, bold=True,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, "(Kèm theo Quyết định số {{ number }} ngày {{ decision_date }} của {{ authority }})",
          size=13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _rule(document, 3.5, TEXT_WIDTH_CM)
    _list_table(document, "I. TẬP THỂ", "collective", ["STT", "Tên tập thể", "Tên mô hình"],
                ["number", "recipient", "initiative"], COLLECTIVE_WIDTHS)
    _list_table(document, "II. CÁ NHÂN", "individual", ["STT", "Họ và tên", "Chức vụ, đơn vị", "Tên mô hình"],
                ["number", "recipient", "position", "initiative"], INDIVIDUAL_WIDTHS)
    _body(document, "Tổng cộng: {{ recipients }}.", indent=False,
          before=6)
    return document


# --- Báo cáo thành tích ----------------------------------------------------------------------


def _report_common(document, *, individual: bool) -> None:
    _para(document, REPORT_FORM_NAME, size=11, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT, after=6)
    _header(document, parent="{{ parent_unit|upper }}", body="{{ unit_name|upper }}", number="",
            left_rule_cm=2.5)
    _title(document, "BÁO CÁO THÀNH TÍCH", ["ĐỀ NGHỊ TẶNG {{ award_name|upper }}",
                                             "Phong trào thi đua “Dân vận khéo” năm {{ year }}",
                                             "(khen thưởng theo chuyên đề)"])
    if individual:
        _body(document, "Họ và tên: {{ recipient_name }}.", indent=False)
        _body(document, "Chức vụ, đơn vị công tác: {{ position_and_unit }}.", indent=False)
        _body(document, "Ngày, tháng, năm sinh: {{ dots }}  Giới tính: {{ dots }}", indent=False)
        _body(document, "Quê quán: {{ dots }}", indent=False)
        _body(document, "Trình độ chuyên môn, lý luận chính trị: {{ dots }}", indent=False)
        _para(document, "I. VAI TRÒ TRONG MÔ HÌNH", size=14, bold=True, before=6, after=6, keep_with_next=True)
        _body(document, "{{ role_sentence }}")
    else:
        _body(document, "Tên tập thể đề nghị khen thưởng: {{ recipient_name }}.", indent=False)
        _body(document, "Trực thuộc: {{ parent_unit }}.", indent=False)
        _para(document, "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH", size=14, bold=True, before=6, after=6,
              keep_with_next=True)
        _body(document, "Lực lượng thực hiện mô hình: {{ team }}.")
    _body(document, "Mô hình “{{ initiative_name }}” (lĩnh vực {{ field }}; {{ period }}), thực hiện tại "
                    "{{ area }}, với đối tượng: {{ target_group }}.")
    _control(document, "if situation")
    _body(document, "Thực trạng, lý do xây dựng mô hình:", keep_with_next=True)
    _paragraph_list(document, "situation")
    _control(document, "endif")
    _para(document, "II. THÀNH TÍCH ĐẠT ĐƯỢC", size=14, bold=True, before=6, after=6, keep_with_next=True)
    _body(document, "1. Nội dung, cách thức thực hiện:", indent=False, bold=True, keep_with_next=True)
    _paragraph_list(document, "content_method")
    _body(document, "2. Kết quả:", indent=False, bold=True, keep_with_next=True)
    _paragraph_list(document, "results")
    _body(document, "Số người hưởng lợi: {{ beneficiaries }}.")
    _body(document, "3. Nguồn lực huy động: kinh phí ngân sách {{ budget_state }}; kinh phí xã hội hóa "
                    "{{ budget_social }}; {{ workdays }} ngày công.", indent=False)
    _body(document, "4. Khả năng duy trì, nhân rộng:", indent=False, bold=True, keep_with_next=True)
    _paragraph_list(document, "sustainability")
    _body(document, "5. Kết quả đánh giá: {{ assessment }}.", indent=False)
    _body(document, "6. Minh chứng kèm theo ({{ evidence_count }} tệp):", indent=False, keep_with_next=True)
    _paragraph_list(document, "evidence", indent=False)
    _para(document, "III. CÁC HÌNH THỨC KHEN THƯỞNG ĐÃ ĐƯỢC GHI NHẬN", size=14, bold=True, before=6, after=6,
          keep_with_next=True)
    _paragraph_list(document, "awards", indent=False)
    _para(document, size=6)


def _build_report(*, individual: bool, left_heading: str, right_lines: list[str], right_name: str) -> Document:
    """A báo cáo thành tích; the two kinds differ in who confirms it (left) and who signs it."""
    document = _new_document()
    _report_common(document, individual=individual)
    _signature(document, recipients=None, left_heading=left_heading, left_lines=["(Ký, đóng dấu)"],
               left_name="{{ dots_short }}", right_lines=right_lines, right_name=right_name)
    return document


def build_report_collective() -> Document:
    return _build_report(individual=False, left_heading="XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG",
                         right_lines=["THỦ TRƯỞNG ĐƠN VỊ", "(Ký, đóng dấu)"], right_name="{{ head_name }}")


def build_report_individual() -> Document:
    return _build_report(individual=True, left_heading="THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN",
                         right_lines=["NGƯỜI BÁO CÁO THÀNH TÍCH", "(Ký, ghi rõ họ tên)"],
                         right_name="{{ recipient_name }}")


BUILDERS = {
    "to-trinh.docx": build_submission,
    "bien-ban-hop-hoi-dong.docx": build_minutes,
    "du-thao-quyet-dinh.docx": build_decision,
    "bao-cao-thanh-tich-tap-the.docx": build_report_collective,
    "bao-cao-thanh-tich-ca-nhan.docx": build_report_individual,
}


def write_templates(folder: Path = TEMPLATE_FOLDER) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in BUILDERS.items():
        path = folder / name
        build().save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_templates(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_FOLDER):
        print(path)
