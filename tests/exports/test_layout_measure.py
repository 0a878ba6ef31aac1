"""Column widths measured once per distinct text give the widths measured cell by cell."""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal

import pytest

from danvankheo.exports import layout
from danvankheo.exports.xlsx import Column, Span
from danvankheo.registry.models import Field, Status

WORDS = ["Dân", "vận", "khéo", "Ủy", "ban", "MTTQ", "xã", "Đắk", "Lắk", "Nguyễn", "Thị", "Ánh", "Tuyết",
         "hiến", "đất", "mở", "rộng", "đường", "giao", "thông", "“Dân", "vận”", "…", "—", "1.250", "https://"
         "dichvucong.gov.vn/p/home/dvc-trang-chu.html", "W", "iii", "Quốc", "phòng", "-", "an", "ninh"]
COLUMNS = [
    Column("STT", "center", max_width=6),
    Column("Tên mô hình", max_width=40),
    Column("Đơn vị"),
    Column("Lĩnh vực", max_width=12),
    Column("Điểm", "decimal", max_width=8),
    Column("Số người hưởng lợi", "integer", max_width=10),
    Column("Ngày nộp", "date"),
    Column("Tóm tắt thành tích", "long_text", max_width=44),
    Column("Trạng thái", "center", max_width=11),
]


def reference_column_needs(columns, sample, size):
    """`layout.column_needs` as it was written first: every cell of the sample shown and
    measured, column by column."""
    needs = []
    for index, column in enumerate(columns):
        header_word = layout.longest_word(column.title, size, bold=True)
        header_half = layout.text_width(column.title, size, bold=True) / 2
        content = word = 0.0
        for row in sample:
            if isinstance(row, Span) or index >= len(row):
                continue
            text = layout.display_text(row[index])
            if not text:
                continue
            for line in text.splitlines():
                content = max(content, layout.text_width(line, size))
            if column.kind in ("integer", "decimal", "date"):
                word = max(word, layout.text_width(text, size))
            else:
                word = max(word, layout.longest_word(text, size))
        floor = max(layout.units_for(header_word), min(layout.units_for(word), 14.0), column.min_width)
        cap = max(column.max_width or layout._DEFAULT_MAX_WIDTH[column.kind], floor)
        natural = min(max(layout.units_for(max(header_half, header_word)), layout.units_for(content),
                          layout._DEFAULT_MIN_WIDTH.get(column.kind, 0)), cap)
        needs.append(layout.ColumnNeed(natural=natural, floor=floor, stretch=column.kind in ("text", "long_text"),
                                       long_text=column.kind == "long_text",
                                       give=2.0 if column.kind == "center" else 1.0))
    return needs


def _text(rng: random.Random, longest: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randrange(1, longest))]
    if rng.random() < 0.1:
        words.insert(rng.randrange(len(words)), "\n")
    return " ".join(words)


def _sample(rng: random.Random) -> list:
    rows = []
    for number in range(1, rng.randrange(1, 300)):
        if rng.random() < 0.02:
            rows.append(Span(_text(rng, 10)))
            continue
        row = [number, _text(rng, 16), rng.choice(["UBND xã Tân Phú", "Sở Nội vụ", _text(rng, 8)]),
               rng.choice([*Field, ""]),
               rng.choice([Decimal(rng.randrange(0, 400)) / 4, rng.random() * 100, float("nan"), None]),
               rng.choice([rng.randrange(10**rng.randrange(1, 12)), True, None, -rng.randrange(10**6)]),
               rng.choice([date(2026, 3, 1), datetime(2026, 5, 17, 8, 30), None, "chưa nộp"]),
               _text(rng, 80), rng.choice([*Status, "Đã nộp"])]
        rows.append(row[:rng.randrange(2, len(row) + 1)] if rng.random() < 0.05 else row)
    return rows


@pytest.mark.parametrize("seed", range(40))
def test_widths_are_those_measured_cell_by_cell(seed):
    rng = random.Random(seed)
    sample = _sample(rng)
    for size in (layout.BODY_SIZE, layout.DENSE_SIZE):
        assert layout.column_needs(COLUMNS, sample, size) == reference_column_needs(COLUMNS, sample, size)
