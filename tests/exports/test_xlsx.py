"""The workbook library, read back with openpyxl: types, layout, print settings, safety."""

from __future__ import annotations

import io
import tracemalloc
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from danvankheo.exports.cells import needs_neutralising
from danvankheo.exports.xlsx import (
    Column,
    DocumentHeader,
    Sheet,
    Signature,
    Span,
    ascii_filename,
    content_disposition,
    workbook_bytes,
    write_workbook,
)

INJECTION = '=HYPERLINK("http://x","bấm vào đây")'
HEADER = DocumentHeader(
    parent_body="UBND tỉnh Ninh Bình",
    issuing_body="Sở Nội vụ",
    number="Số: 12/TTr-SNV",
    place_date="Ninh Bình, ngày 05 tháng 10 năm 2026",
    title="DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
    subtitles=("Phong trào thi đua “Dân vận khéo” năm 2026",),
    notes=("(Kèm theo Tờ trình số 12/TTr-SNV ngày 05/10/2026 của Sở Nội vụ)",),
)
COLUMNS = [
    Column("STT", "center"),
    Column("Tên mô hình"),
    Column("Điểm", "decimal"),
    Column("Số người", "integer"),
    Column("Ngày nộp", "date"),
    Column("Tóm tắt thành tích", "long_text"),
]


def _read(data: bytes):
    return load_workbook(io.BytesIO(data))


def _cells(ws) -> dict[str, object]:
    return {c.coordinate: c for row in ws.iter_rows() for c in row if c.value is not None}


def _document(rows) -> bytes:
    return workbook_bytes([Sheet("Danh sách", COLUMNS, rows, header=HEADER,
                                 signature=Signature("PHÓ GIÁM ĐỐC", "Nguyễn Văn An", "KT. GIÁM ĐỐC"),
                                 freeze_columns=2)])


def test_official_header_block_layout():
    ws = _read(_document([[1, "Mô hình A", 90, 10, date(2026, 10, 1), "Tốt"]])).active
    cells = _cells(ws)
    merged = {str(r) for r in ws.merged_cells.ranges}
    # Six columns: the left block spans the first columns, the motto the rest.
    assert cells["A1"].value == "UBND TỈNH NINH BÌNH"
    assert cells["A2"].value == "SỞ NỘI VỤ" and cells["A2"].font.b
    # The short rule under the issuing body: underlined non-breaking spaces on row 3.
    assert set(cells["A3"].value) == {"\u00a0"} and cells["A3"].font.u == "single"
    assert cells["A4"].value == "Số: 12/TTr-SNV"
    right = [c for c in cells.values() if c.value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"][0]
    assert right.row == 1 and right.font.b and right.column > 1
    motto = ws.cell(row=2, column=right.column)
    assert motto.value == "Độc lập - Tự do - Hạnh phúc" and motto.font.b
    assert motto.font.u == "single"  # the rule under the motto, as long as its line
    assert not motto.alignment.wrap_text and not right.alignment.wrap_text  # each on one line
    date_line = ws.cell(row=4, column=right.column)
    assert date_line.value == "Ninh Bình, ngày 05 tháng 10 năm 2026" and date_line.font.i
    split = right.column - 1
    last = ws.max_column
    left_col, right_col, last_col = chr(64 + split), chr(65 + split), chr(64 + last)
    assert {f"A1:{left_col}1", f"A2:{left_col}2", f"A4:{left_col}4"} <= merged
    assert {f"{right_col}1:{last_col}1", f"{right_col}2:{last_col}2", f"{right_col}4:{last_col}4"} <= merged
    assert cells["A6"].value == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" and f"A6:{last_col}6" in merged
    assert cells["A7"].value == "Phong trào thi đua “Dân vận khéo” năm 2026"
    assert cells["A8"].value.startswith("(Kèm theo Tờ trình số 12/TTr-SNV") and cells["A8"].font.i
    headers = [ws.cell(row=10, column=i).value for i in range(1, last + 1)]
    assert [h for h in headers if h] == [c.title for c in COLUMNS]
    assert all(c.font.name == "Times New Roman" for c in cells.values())
    assert "DỰ THẢO" not in [c.value for c in cells.values()]


def test_a_draft_says_so_above_its_title():
    from dataclasses import replace

    ws = _read(workbook_bytes([Sheet("Danh sách", COLUMNS, [], header=replace(HEADER, draft=True))])).active
    assert ws["A6"].value == "DỰ THẢO" and ws["A6"].font.b and ws["A7"].value == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"


def test_print_settings_and_frozen_panes():
    ws = _read(_document([[1, "Mô hình A", 90, 10, date(2026, 10, 1), "Tốt"]])).active
    assert ws.page_setup.orientation == "portrait"  # six narrow columns fit A4 upright
    assert int(ws.page_setup.paperSize) == 9  # A4
    # Printed at 100 %: the columns fit the page, nothing is shrunk below its size.
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.scale) == 100
    assert ws.print_title_rows == "$10:$10"  # the table's header row on every page
    assert ws.freeze_panes.endswith("11")  # header row and STT + name stay in view
    assert ws.oddFooter.center.text == "Trang &P/&N"
    wide = _read(workbook_bytes([Sheet("S", [Column(f"Cột số {n}", "long_text") for n in range(8)],
                                       [["Một đoạn văn bản dài " * 4] * 8])])).active
    assert wide.page_setup.orientation == "landscape"


def test_values_keep_their_types_and_dates_show_dd_mm_yyyy():
    ws = _read(_document([[1, "Mô hình A", Decimal("92.50"), 1200, date(2026, 10, 1), "Tốt"],
                          [2, "Mô hình B", 75.25, None, datetime(2026, 9, 30, 8, 0, tzinfo=UTC), ""]])).active
    a, b = 11, 12
    assert ws.cell(a, 1).value == 1 and ws.cell(a, 1).data_type == "n"
    assert ws.cell(a, 3).value == 92.5 and ws.cell(a, 3).data_type == "n"
    # Numbers stay numbers; the locale tag prints them the Vietnamese way in LibreOffice.
    assert ws.cell(a, 4).value == 1200 and ws.cell(a, 4).number_format == "[$-42A]#,##0"
    assert ws.cell(a, 3).number_format == "[$-42A]General"
    assert ws.cell(a, 5).value == datetime(2026, 10, 1) and ws.cell(a, 5).is_date
    assert ws.cell(a, 5).number_format == "dd/mm/yyyy"
    assert ws.cell(b, 5).value == datetime(2026, 9, 30, 8, 0)
    assert ws.cell(b, 4).value is None and ws.cell(b, 4).border.left.style == "thin"  # empty but boxed


@pytest.mark.parametrize(
    "text", [INJECTION, "+84 912 345 678", "-1+2", "@SUM(A1)", "\tcmd", "\rcmd", "=1+1", "- Tăng 20% số hồ sơ"]
)
def test_formula_like_text_stays_text(text):
    ws = _read(_document([[1, text, None, None, None, text]])).active
    row = 11
    for column in (2, ws.max_column):
        cell = ws.cell(row, column)
        # Exactly as typed; a carriage return is stored as the line feed XML reads it as.
        assert cell.value == text.replace("\r", "\n")
        assert cell.data_type == "s", "never a formula"
        assert cell.quotePrefix is True


def test_ordinary_text_has_no_quote_prefix_and_vietnamese_is_intact():
    name = "Mô hình “Dân vận khéo” ở xã Đồng Thái — ưu tiên người yếu thế"
    ws = _read(_document([[1, name, None, None, None, "Kết quả:\n- 98% hồ sơ đúng hạn"]])).active
    last = ws.max_column
    assert ws.cell(11, 2).value == name and not ws.cell(11, 2).quotePrefix
    assert ws.cell(11, last).value == "Kết quả:\n- 98% hồ sơ đúng hạn"
    assert ws.cell(11, last).alignment.wrap_text
    assert ws.row_dimensions[11].height >= 2 * 12  # two lines, and room for them


def test_no_formula_anywhere_in_the_package():
    data = _document([[1, INJECTION, None, None, None, INJECTION]])
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    assert "HYPERLINK" in sheet  # present, as text


def test_control_characters_are_dropped_not_fatal():
    ws = _read(_document([[1, "Tên\x00 có\x07 ký tự lạ", None, None, None, ""]])).active
    assert ws.cell(11, 2).value == "Tên có ký tự lạ"


def test_sections_totals_and_signature():
    rows = [Span("I. TẬP THỂ"), [1, "Sở Tư pháp", 90, 1, None, ""], Span("Tổng cộng: 1 tập thể.", "total")]
    ws = _read(_document(rows)).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    last = chr(64 + ws.max_column)
    assert ws["A11"].value == "I. TẬP THỂ" and f"A11:{last}11" in merged and ws["A11"].font.b
    assert ws["A13"].value == "Tổng cộng: 1 tập thể."
    values = [c.value for row in ws.iter_rows(min_row=14) for c in row if c.value]
    assert values[:2] == ["Nơi nhận:", "KT. GIÁM ĐỐC"]
    assert "PHÓ GIÁM ĐỐC" in values and values[-1] == "Nguyễn Văn An"
    assert "- Như trên;" not in values  # no Kính gửi, so no "Như trên"
    # About 3 cm between the signer's title and the name, for the signature and the seal.
    title_row = next(c.row for row in ws.iter_rows() for c in row if c.value == "PHÓ GIÁM ĐỐC")
    name_row = next(c.row for row in ws.iter_rows() for c in row if c.value == "Nguyễn Văn An")
    room = sum(ws.row_dimensions[r].height or 15 for r in range(title_row + 1, name_row))
    assert room >= 85


def test_an_unknown_signer_prints_dots_to_fill_in():
    ws = _read(workbook_bytes([Sheet("S", COLUMNS, [], header=HEADER, signature=Signature(""))])).active
    values = [c.value for row in ws.iter_rows(min_row=11) for c in row if c.value]
    assert values.count("…………") == 2  # the title and the name


def test_grouped_columns_merge_their_header():
    columns = [Column("STT", "center"), Column("Tên"), Column("TC1", "decimal", group="Điểm theo tiêu chí"),
               Column("TC2", "decimal", group="Điểm theo tiêu chí"), Column("Tổng", "decimal")]
    ws = _read(workbook_bytes([Sheet("S", columns, [[1, "A", 1, 2, 3]], title="Tiêu đề")])).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"C3:D3", "A3:A4", "B3:B4", "E3:E4"} <= merged
    assert ws["C3"].value == "Điểm theo tiêu chí" and ws["C4"].value == "TC1" and ws["D4"].value == "TC2"
    assert ws.print_title_rows == "$3:$4" and ws.freeze_panes == "A5"


def test_column_widths_fill_the_page_and_rows_grow_with_their_text():
    from danvankheo.exports import layout

    long = "Một đoạn tóm tắt thành tích rất dài " * 10
    ws = _read(workbook_bytes([Sheet("S", COLUMNS, [[1, "Ngắn", 9.5, 12, date(2026, 1, 1), long]])])).active
    widths = {k: v.width for k, v in ws.column_dimensions.items()}
    assert widths["A"] <= 6  # STT
    assert widths["E"] >= 10  # a date fits
    printed = sum(layout.column_points(w) for w in widths.values())
    page = layout.PRINTABLE[ws.page_setup.orientation]
    assert page - 15 <= printed <= page
    lines = layout.line_count(long, widths["F"])
    assert lines > 3 and ws.row_dimensions[2].height >= lines * 12


def test_download_names():
    assert ascii_filename("Danh sách đề nghị khen thưởng 2026.xlsx") == "Danh-sach-de-nghi-khen-thuong-2026.xlsx"
    header = content_disposition("Đợt 1: kết quả.xlsx")
    assert header.startswith('attachment; filename="Dot-1-ket-qua.xlsx"; ')
    assert "filename*=UTF-8''%C4%90%E1%BB%A3t%201%3A%20k%E1%BA%BFt%20qu%E1%BA%A3.xlsx" in header
    header.encode("latin-1")  # a valid header value


def test_needs_neutralising():
    assert needs_neutralising("=A1") and needs_neutralising("\tx") and not needs_neutralising("A=1")


def test_streaming_keeps_memory_flat(tmp_path):
    """Peak memory for 4,000 rows is close to that for 500: rows are not kept."""

    def rows(n):
        for i in range(n):
            yield [i + 1, f"Mô hình Dân vận khéo số {i}", 88.5, i, date(2026, 1, 1), "Kết quả tốt, người dân hài lòng"]

    def peak(n):
        tracemalloc.start()
        with open(tmp_path / f"{n}.xlsx", "wb") as target:
            write_workbook([Sheet("S", COLUMNS, rows(n), header=HEADER)], target)
        _, high = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return high

    small, large = peak(500), peak(4_000)
    assert large < small * 1.5 + 2_000_000, (small, large)
    ws = load_workbook(tmp_path / "4000.xlsx", read_only=True).active
    tail = list(ws.iter_rows(min_row=10 + 4_000, values_only=True))
    assert tail[-1][0] == 4_000


def test_a_table_longer_than_a_worksheet_continues_on_numbered_sheets(monkeypatch):
    from danvankheo.exports import xlsx

    monkeypatch.setattr(xlsx, "MAX_TABLE_ROWS", 4)
    rows = ([n, f"Mô hình {n}", n, n, None, ""] for n in range(1, 11))  # a generator, read once
    book = _read(_document(rows))
    assert book.sheetnames == ["Danh sách", "Danh sách (2)", "Danh sách (3)"]
    numbers = []
    for ws in book.worksheets:
        numbers += [row[0] for row in ws.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert numbers == list(range(1, 11))  # every row once, in order
    first, last = book.worksheets[0], book.worksheets[-1]
    assert first["A1"].value == "UBND TỈNH NINH BÌNH"  # the document header heads the first part only
    cont = [c for row in book.worksheets[1].iter_rows(max_row=3, values_only=True) for c in row if c]
    assert cont[:2] == ["DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", "Tiếp theo, phần 2."]
    assert "STT" in [c.value for row in book.worksheets[1].iter_rows(max_row=5) for c in row]
    signed = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
              if c == "Nguyễn Văn An"]
    assert signed == ["Nguyễn Văn An"]
    assert "Nguyễn Văn An" in [c for row in last.iter_rows(values_only=True) for c in row]


def test_a_table_of_exactly_the_limit_stays_on_one_sheet(monkeypatch):
    from danvankheo.exports import xlsx

    monkeypatch.setattr(xlsx, "MAX_TABLE_ROWS", 4)
    book = _read(_document([[n, "x", n, n, None, ""] for n in range(1, 5)]))
    assert book.sheetnames == ["Danh sách"]


def test_a_deployment_without_names_prints_dots_and_never_fails():
    from danvankheo.exports import documents

    ctx = documents.DocumentContext("", "", "", "", "", today=date(2026, 10, 5))
    listing = documents.ProposalList("", 2026, None, None, "", "", "", [])
    for sheets in (documents.proposal_sheets(ctx, listing), documents.compliance_sheets(ctx, 2026, []),
                   documents.registry_sheets(ctx, [], [])):
        ws = _read(workbook_bytes(sheets)).active
        values = [c.value for row in ws.iter_rows() for c in row if c.value]
        assert values[0] == "…………" and "…………" in values  # parent body, issuing body, signer
        assert any(str(v).startswith("…………, ngày 05 tháng 10 năm 2026") for v in values)
