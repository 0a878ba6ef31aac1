"""The writer's own row serialiser (`exports.rows`) writes the bytes openpyxl would."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from danvankheo.exports import rows
from danvankheo.exports.xlsx import Column, DocumentHeader, Sheet, Signature, Span, workbook_bytes

SYLLABLES = ["Dân", "vận", "khéo", "Ủy", "ban", "nhân", "dân", "xã", "Tân", "Phú", "Đắk", "Lắk", "hưởng",
             "lợi", "chủ", "trì", "OCOP", "“Dân", "vận”", "…", "—", "–", "a&b", "<x>", "1.250", "97,5"]
ODD = ["", " ", "  lề trái", "lề phải  ", "\tthụt", "dòng một\ndòng hai", "=1+1", "+84 912", "-5", "@tên",
       "\u00a0", "&amp;", "]]>", "ký tự \x07 điều khiển", "dòng\r\nWindows"]
COLUMNS = [
    Column("STT", "center"),
    Column("Tên mô hình"),
    Column("Đơn vị", max_width=20),
    Column("Điểm", "decimal", group="Kết quả"),
    Column("Số người", "integer", group="Kết quả"),
    Column("Ngày nộp", "date"),
    Column("Tóm tắt", "long_text"),
    Column("Trạng thái", "center"),
]


# Any character XML can hold, and a few it cannot that the writer drops (control characters).
ALPHABET = [chr(c) for c in (*range(1, 0x250), *range(0x1E00, 0x1F00), *range(0x2000, 0x2070), 0xD7FF, 0xE000,
                             0xFFFD, 0x10000, 0x1F600, 0x10FFFF)]


def _text(rng: random.Random) -> str:
    if rng.random() < 0.15:
        return rng.choice(ODD)
    if rng.random() < 0.15:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(1, 60)))
    return " ".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(1, 40)))


def _value(rng: random.Random, kind: str):
    if rng.random() < 0.1:
        return None
    if kind == "decimal":
        return rng.choice([Decimal(rng.randrange(0, 4000)) / 40, rng.random() * 100, float("nan"), 0])
    if kind == "integer":
        return rng.choice([rng.randrange(-10**12, 10**12), 0, True, rng.randrange(100)])
    if kind == "date":
        return rng.choice([date(2026, 1, 1) + timedelta(days=rng.randrange(400)),
                           datetime(2026, 5, 17, rng.randrange(24), rng.randrange(60)), _text(rng)])
    return _text(rng)


def _sheets(seed: int) -> list[Sheet]:
    rng = random.Random(seed)

    def table():
        for number in range(1, 400):
            if number % 97 == 0:
                yield Span(_text(rng), rng.choice(["section", "total", "note"]))
            yield [number, *(_value(rng, column.kind) for column in COLUMNS[1:])]

    header = DocumentHeader(parent_body="UBND tỉnh Ninh Bình", issuing_body="Sở Nội vụ", number="Số: …/DS-SNV",
                            place_date="Ninh Bình, ngày 07 tháng 12 năm 2026", title="DANH SÁCH MÔ HÌNH",
                            subtitles=("Năm 2026",), notes=("(Điều kiện lọc: tất cả)",), draft=True)
    return [
        Sheet("Danh sách", COLUMNS, table(), header=header, freeze_columns=2,
              signature=Signature("PHÓ GIÁM ĐỐC", "", "KT. GIÁM ĐỐC")),
        # A narrow table under the header: a table column split in two physical columns.
        Sheet("Tổng hợp", COLUMNS[:3], ([n, _text(rng), _text(rng)] for n in range(1, 30)), header=header),
        Sheet("Trống", COLUMNS, [], title="Không có dòng nào", notes=["Ghi chú"]),
    ]


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        # docProps holds the time the file was written.
        return {name: package.read(name) for name in package.namelist() if not name.startswith("docProps/")}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rows_are_written_as_openpyxl_writes_them(monkeypatch, seed):
    fast = _parts(workbook_bytes(_sheets(seed)))
    monkeypatch.setattr(rows, "FAST", False)  # every row through openpyxl's own writer
    slow = _parts(workbook_bytes(_sheets(seed)))
    assert fast.keys() == slow.keys()
    for name in fast:
        assert fast[name] == slow[name], name
    assert b"xml:space=\"preserve\"" in fast["xl/worksheets/sheet1.xml"]
    assert b"&amp;" in fast["xl/worksheets/sheet1.xml"]


@pytest.mark.parametrize("fast", [True, False])
def test_text_xml_cannot_hold_is_refused_either_way(monkeypatch, fast):
    monkeypatch.setattr(rows, "FAST", fast)
    with pytest.raises(ValueError):
        workbook_bytes([Sheet("Danh sách", COLUMNS[:2], [[1, "nửa ký tự \ud800"]])])


def _mixed_rows() -> bytes:
    """Rows the fast path writes, and rows with a cell it leaves to openpyxl (a formula, a
    boolean, a hyperlink), one after the other."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Hỗn hợp")
    ws._values_to_row = rows.pass_through
    ws._writer = rows.RowWriter(ws)
    ws._writer.write_top()
    for number in range(1, 9):
        plain = WriteOnlyCell(ws, number * 1.5)
        plain.font = Font(bold=number % 3 == 0)
        text = WriteOnlyCell(ws, f" văn bản {number} ")
        odd = [WriteOnlyCell(ws, "=SUM(1,2)"), WriteOnlyCell(ws, True), WriteOnlyCell(ws, "liên kết")][number % 3]
        if number % 3 == 2:
            odd.hyperlink = "https://example.org/"
        ws.append(rows.Row([plain, None, text, odd] if number % 2 else [plain, text], 15.5 if number % 4 else None))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_rows_with_a_cell_openpyxl_must_write_are_written_by_it(monkeypatch):
    fast = _parts(_mixed_rows())
    monkeypatch.setattr(rows, "FAST", False)
    assert fast == _parts(_mixed_rows())
