"""How an exported sheet prints: A4 page, column widths that fit it, row heights from the
content, the Nghị định 30/2020 header and the signer block. Shared by every workbook.

LibreOffice and Excel print a cell's wrapped text only as high as its row, and neither
computes the heights of a file written by a program: a long "Tóm tắt thành tích" would be
cut to one line. So the heights are computed here, from the text, the font and the column
width, with the character widths of Times New Roman (Liberation Serif, its metric twin on
Linux). Nothing is scaled down to fit: the columns are chosen to fit the page at 100 %,
so the 12 pt body text prints at 12 pt (never below 11 pt).

Widths are in Excel's unit (characters of the workbook's default font). The writer makes
that font Times New Roman 12 pt, whose unit is 6 pt wide in Excel and LibreOffice alike.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any

from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..core.formatting import format_number, format_score

FONT_NAME = "Times New Roman"
BODY_SIZE = 12
DENSE_SIZE = 11  # a table too wide for 12 pt prints at 11 pt, never smaller
SQUEEZED = 0.45  # below this share of their natural room kept at 12 pt, a table prints at 11 pt
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SUBTITLE = "Độc lập - Tự do - Hạnh phúc"
DRAFT_MARK = "DỰ THẢO"
DOTS = "…………"  # what is not known yet, to be written in by hand

# --- The page ----------------------------------------------------------------------------

POINTS_PER_INCH = 72
A4_SHORT, A4_LONG = 595.3, 841.9
# Nghị định 30/2020: left margin 30-35 mm, right 15-20 mm, top and bottom 20-25 mm.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 1.18, 0.6, 0.79, 0.79  # inches
PRINTABLE = {
    "portrait": A4_SHORT - (MARGIN_LEFT + MARGIN_RIGHT) * POINTS_PER_INCH,
    "landscape": A4_LONG - (MARGIN_LEFT + MARGIN_RIGHT) * POINTS_PER_INCH,
}
POINTS_PER_UNIT = 6.0  # one width unit of the default font (Times New Roman 12 pt)
COLUMN_GAP = 4.0  # points a column adds to its width units (Excel's 5 px padding)
CELL_PADDING = 6.0  # points of a cell's width that text never uses (both sides)
WRAPPED_TEXT_WIDTH = 24.0  # a long text column is not squeezed below this
SIGNATURE_ROOM = 86.0  # about 3 cm for the signature and the seal, in points


def page_body_height(orientation: str) -> float:
    """Points of rows a page holds between the top and bottom margins (a little less, to be
    safe: the printer rounds row heights)."""
    height = A4_LONG if orientation == "portrait" else A4_SHORT
    return height - (MARGIN_TOP + MARGIN_BOTTOM) * POINTS_PER_INCH - 12


def column_points(width: float) -> float:
    return width * POINTS_PER_UNIT + COLUMN_GAP


def units_for(points: float) -> float:
    """The narrowest column width that holds `points` of text on one line."""
    return math.ceil((points + CELL_PADDING - COLUMN_GAP) / POINTS_PER_UNIT * 2) / 2


# --- Text measurement --------------------------------------------------------------------

# Advance widths (1/1000 em) of Liberation Serif, characters 32-126: Times New Roman's.
_REGULAR = (250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500,
            500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611,
            556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
            722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500,
            278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541)
_BOLD = (250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500, 500, 500,
         500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722, 722, 667, 611, 778,
         778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667, 333,
         278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500,
         556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520)
_WIDE = 1000  # anything else (symbols, CJK…): as wide as an M, to be safe
_SPECIAL = {"đ": "d", "Đ": "D", "“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "M", "…": "...",
            "\u00a0": " "}
SAFETY = 1.04  # measured text is never quite what the printer lays out


@lru_cache(maxsize=4096)
def _base(char: str) -> str:
    if char in _SPECIAL:
        return _SPECIAL[char]
    return unicodedata.normalize("NFD", char)[0]


@lru_cache(maxsize=65536)
def word_width(word: str, size: float = BODY_SIZE, bold: bool = False) -> float:
    """The printed width of `word` in points. Vietnamese letters are as wide as their base
    letter; the cache makes a long list cheap, since syllables repeat."""
    table = _BOLD if bold else _REGULAR
    total = 0
    for char in word:
        base = _base(char)
        for part in base:
            code = ord(part)
            total += table[code - 32] if 32 <= code < 127 else _WIDE
    return total * size / 1000 * SAFETY


def text_width(text: str, size: float = BODY_SIZE, bold: bool = False) -> float:
    space = word_width(" ", size, bold)
    return sum(word_width(w, size, bold) for w in text.split(" ")) + space * text.count(" ")


@lru_cache(maxsize=16384)  # unit names, statuses and fields repeat down a long list
def line_count(text: str, width: float, size: float = BODY_SIZE, bold: bool = False) -> int:
    """How many lines `text` takes when wrapped in a cell of `width` units (or a merged
    range that wide): greedy word wrap, as spreadsheets do; a word wider than the cell is
    broken inside."""
    available = column_points(width) - COLUMN_GAP - CELL_PADDING
    if available <= 0:
        return 1
    # Short text: one line without measuring word by word.
    if len(text) * size * SAFETY < available and "\n" not in text:
        return 1
    space = word_width(" ", size, bold)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            w = word_width(word, size, bold)
            if used and used + space + w <= available:
                used += space + w
                continue
            if used:
                lines += 1
            if w > available:
                extra = math.ceil(w / available) - 1
                lines += extra
                w -= extra * available
            used = w
    return max(lines, 1)


def row_height(lines: int, size: float = BODY_SIZE) -> float:
    """Row height in points for `lines` lines of text at `size` (the font's line spacing
    is 1.15 em; a little room above and below)."""
    return round(lines * size * 1.17 + 4, 1)


def longest_word(text: str, size: float = BODY_SIZE, bold: bool = False) -> float:
    return max((word_width(w, size, bold) for w in text.split()), default=0.0)


# --- Columns on the page -----------------------------------------------------------------


@dataclass(frozen=True)
class ColumnNeed:
    """What a column needs: `natural` shows its content on one line (capped), `floor` keeps
    every word whole; `stretch` columns take the room left on the page."""

    natural: float
    floor: float
    stretch: bool
    long_text: bool = False  # a summary: keeps WRAPPED_TEXT_WIDTH when the table is squeezed
    give: float = 1.0  # how readily it gives up width (short centred values wrap without harm)


@dataclass(frozen=True)
class PageFit:
    widths: list[float]
    orientation: str
    kept: float  # share of the room above their floors the columns kept (1: nothing squeezed)

    @property
    def fits(self) -> bool:
        return sum(column_points(w) for w in self.widths) <= PRINTABLE[self.orientation]


def fit_to_page(needs: Sequence[ColumnNeed], orientation: str | None = None) -> PageFit:
    """Column widths that fill the printable width of A4 at 100 % and the orientation.

    Portrait when the natural widths fit it or keep half their room above their floors
    there, else landscape (or as `orientation` says). A table wider than the page
    wraps its columns more (down to their floors); short centred values (field, status)
    give way first, since they wrap without harm. The result exceeds the page only when
    the floors alone do, which the caller avoids with a smaller font or fewer columns."""
    def total(widths: Sequence[float]) -> float:
        return sum(column_points(w) for w in widths)

    natural = [max(n.natural, n.floor) for n in needs]
    if total(natural) > PRINTABLE["portrait"] - 2 and orientation is None:
        # Upright when the columns keep at least half their room there, as a letter does.
        upright = fit_to_page(needs, "portrait")
        return upright if upright.fits and upright.kept >= 0.5 else fit_to_page(needs, "landscape")
    orientation = orientation or "portrait"
    room = PRINTABLE[orientation] - 2
    if total(natural) > room:
        # A long text (a summary) keeps a readable width, or its rows would outgrow a page.
        floors = [max(n.floor, min(w, WRAPPED_TEXT_WIDTH)) if n.long_text else n.floor
                  for n, w in zip(needs, natural, strict=True)]
        weights = [n.give for n in needs]
        widths = list(natural)
        for _ in range(len(widths) + 1):  # each pass pins at least one column to its floor
            excess = (total(widths) - room) / POINTS_PER_UNIT
            share = sum(wt * (w - f) for wt, w, f in zip(weights, widths, floors, strict=True))
            if excess <= 0.01 or share <= 0:
                break
            widths = [max(f, w - excess * wt * (w - f) / share)
                      for wt, w, f in zip(weights, widths, floors, strict=True)]
        squeezable = total(natural) - total(floors)
        kept = (total(widths) - total(floors)) / squeezable if squeezable > 0 else 0.0
        return PageFit([math.floor(w * 2) / 2 for w in widths], orientation, kept)
    # Fill the line: the stretchable columns share what is left, so the table is as wide
    # as the page and the ND 30 header above it (a narrower table looks unfinished).
    extra_units = (room - total(natural)) / POINTS_PER_UNIT
    stretchers = [i for i, n in enumerate(needs) if n.stretch] or list(range(len(needs)))
    if extra_units > 0:
        weight = sum(natural[i] for i in stretchers)
        natural = [w + (extra_units * w / weight if i in stretchers else 0) for i, w in enumerate(natural)]
    return PageFit([math.floor(w * 2) / 2 for w in natural], orientation, 1.0)


# --- Page setup --------------------------------------------------------------------------


def use_times_new_roman(wb) -> None:
    """Times New Roman 12 pt as the workbook's default font: column widths are counted in
    its characters, in Excel and LibreOffice alike (POINTS_PER_UNIT relies on it)."""
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList

    font = Font(name=FONT_NAME, size=BODY_SIZE)
    wb._fonts = IndexedList([font])
    wb._named_styles["Normal"].font = font


def page_setup(ws, orientation: str, *, page_numbers: bool = True) -> None:
    """A4 in `orientation`, ND 30 margins, 100 % scale, page numbers in the footer."""
    ws.page_setup.orientation = orientation
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.scale = 100
    # Widths already fit the page: no fit-to-page (it would shrink the text).
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    margins = ws.page_margins
    margins.left, margins.right, margins.top, margins.bottom = (MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP,
                                                                MARGIN_BOTTOM)
    margins.header, margins.footer = 0.3, 0.3
    ws.print_options.horizontalCentered = True
    if page_numbers:
        ws.oddFooter.center.text = "Trang &P/&N"
        ws.oddFooter.center.font = f"{FONT_NAME},Regular"
        ws.oddFooter.center.size = 11


# --- Header and signer block -------------------------------------------------------------


@dataclass(frozen=True)
class DocumentHeader:
    """The top of an official document: bodies and number left, motto and date right."""

    parent_body: str
    issuing_body: str
    number: str  # "Số: 12/TTr-SNV"
    place_date: str  # "Ninh Bình, ngày 15 tháng 10 năm 2026"
    title: str
    subtitles: Sequence[str] = ()  # bold lines under the title
    notes: Sequence[str] = ()  # italic lines, e.g. "(Kèm theo Tờ trình số … ngày …)"
    draft: bool = False  # "DỰ THẢO" above the title


@dataclass(frozen=True)
class Signature:
    """The bottom of the document: "Nơi nhận" left, the signer right. An empty title or
    name prints as dots, to be written in by hand."""

    signer_title: str  # "GIÁM ĐỐC", or "PHÓ GIÁM ĐỐC" under `authority`
    signer_name: str = ""
    authority: str = ""  # "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN"…
    recipients: Sequence[str] = ("- Lưu: VT.",)


def header_rows(header: DocumentHeader) -> int:
    """Rows the document header takes above the table's column headers."""
    return 7 + bool(header.draft) + len(header.subtitles) + len(header.notes)


def left_block_need(header: DocumentHeader | None, signature: Signature | None) -> float:
    """Width units the left block (bodies, number, Nơi nhận) needs on one line each."""
    if header is None and signature is None:
        return 0.0
    points = 0.0
    if header is not None:
        points = max(text_width(header.parent_body.upper()), text_width(header.issuing_body.upper(), bold=True),
                     text_width(header.number, 13))
    if signature is not None:
        points = max(points, text_width("Nơi nhận:", bold=True), *(text_width(r, 11) for r in signature.recipients))
    # Long body names may wrap; the block never takes more than about 45 % of A4 portrait.
    return min(units_for(points), 34.0)


def right_block_need(header: DocumentHeader | None, signature: Signature | None) -> float:
    """Width units the right block (motto, place and date, signer) needs on one line each."""
    points = 0.0
    if header is not None:
        points = max(text_width(MOTTO, bold=True), text_width(MOTTO_SUBTITLE, 13, bold=True),
                     text_width(header.place_date, 13))
    if signature is not None:
        points = max(points, text_width(DOTS, 13, bold=True),
                     *(text_width(t, 13, bold=True) for t in
                       (signature.authority, signature.signer_title, signature.signer_name) if t))
    return units_for(points) + 1 if points else 0.0


def rule_text(text: str, size: float, bold: bool, fraction: float = 0.45) -> str:
    """Non-breaking spaces that, underlined, draw a short rule about `fraction` of the
    width of `text` (ND 30: one third to one half of the issuing body's line)."""
    count = max(6, round(text_width(text, size, bold) * fraction / word_width("\u00a0", size, bold)))
    return "\u00a0" * count


def plain(value: Any) -> Any:
    """An enum as its label, a boolean as Có/Không: what a cell shows for them."""
    if isinstance(value, Enum):
        return getattr(value, "label", value.value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return value


def _is_table_row(row: Any) -> bool:
    """A row of cells, not a spanning line (a section heading, a total)."""
    return type(row) is list or type(row) is tuple or (isinstance(row, Sequence) and not isinstance(row, str))


# --- Column widths and the grid ------------------------------------------------------------

_DEFAULT_MAX_WIDTH = {"text": 32, "long_text": 60, "center": 14, "integer": 16, "decimal": 14, "date": 12}
_DEFAULT_MIN_WIDTH = {"text": 10, "long_text": 20}
_LONGEST_UNBROKEN = 14.0  # a longer word (a URL…) may break rather than widen its column


def display_text(value: Any) -> str:
    """What a cell shows, for measuring: numbers as core.formatting writes them."""
    if value is None:
        return ""
    value = plain(value)
    if isinstance(value, datetime | date):
        return "00/00/0000"
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, float | Decimal):
        return format_score(value) if math.isfinite(value) else ""
    return str(value)


def column_needs(columns: Sequence[Any], sample: Sequence[Any],
                 size: int = BODY_SIZE) -> list[ColumnNeed]:
    """What each column needs at `size`: one line for the sampled content (within the
    column's maximum), and at least its longest word (the header's may wrap, never break)."""
    return _needs(columns, _sample_texts(columns, sample), size)


def _sample_texts(columns: Sequence[Any], sample: Sequence[Any]) -> list[dict[str, None]]:
    """Per column, the distinct texts the sampled rows show in it (a list repeats its units,
    fields and statuses: each is measured once)."""
    texts: list[dict[str, None]] = [{} for _ in columns]
    for row in sample:
        if not _is_table_row(row):
            continue
        for index, value in enumerate(row[:len(columns)]):
            text = display_text(value)
            if text:
                texts[index][text] = None
    return texts


def _extent(text: str, size: int, numeric: bool) -> tuple[float, float]:
    """The widest line of `text` and its longest word (a number: the whole of it), in points."""
    content = max((text_width(line, size) for line in text.splitlines()), default=0.0)
    return content, text_width(text, size) if numeric else longest_word(text, size)


def _needs(columns: Sequence[Any], texts: Sequence[Iterable[str]], size: int) -> list[ColumnNeed]:
    needs = []
    for column, column_texts in zip(columns, texts, strict=True):
        header_word = longest_word(column.title, size, bold=True)
        header_half = text_width(column.title, size, bold=True) / 2
        content = word = 0.0
        numeric = column.kind in ("integer", "decimal", "date")
        for text in column_texts:
            text_content, text_word = _extent(text, size, numeric)
            content = max(content, text_content)
            word = max(word, text_word)
        floor = max(units_for(header_word), min(units_for(word), _LONGEST_UNBROKEN),
                    column.min_width)
        cap = max(column.max_width or _DEFAULT_MAX_WIDTH[column.kind], floor)
        natural = min(max(units_for(max(header_half, header_word)), units_for(content),
                          _DEFAULT_MIN_WIDTH.get(column.kind, 0)), cap)
        needs.append(ColumnNeed(natural=natural, floor=floor,
                                       stretch=column.kind in ("text", "long_text"),
                                       long_text=column.kind == "long_text",
                                       give=2.0 if column.kind == "center" else 1.0))
    return needs


def fit_widths(columns: Sequence[Any], sample: Sequence[Any]) -> list[float]:
    """Column widths (in Excel character units) for the header and the sampled rows, before
    they are fitted to the page."""
    return [need.natural for need in column_needs(columns, sample)]


@dataclass
class Grid:
    """The physical columns of a sheet. A table column is one physical column, or two when
    the split between the document's left and right blocks falls inside it (a narrow table,
    such as a three-column summary, under a header that needs room for the motto)."""

    widths: list[float]  # physical column widths
    spans: list[tuple[int, int]]  # per table column: first and last physical column (1-based)
    split: int  # physical columns of the left block
    orientation: str
    size: int

    @property
    def ncols(self) -> int:
        return len(self.widths)

    def width_of(self, index: int) -> float:
        first, last = self.spans[index]
        return sum(self.widths[first - 1:last])

    @property
    def total(self) -> float:
        return sum(self.widths)


def grid_for(header: DocumentHeader | None, signature: Signature | None, columns: Sequence[Any],
             sample: Sequence[Any]) -> Grid:
    left = left_block_need(header, signature)
    right = right_block_need(header, signature)
    # 12 pt when the columns fit without being squeezed too hard, else 11 pt (never less).
    texts = _sample_texts(columns, sample)
    fit = fit_to_page(_needs(columns, texts, BODY_SIZE))
    size = BODY_SIZE
    if not fit.fits or fit.kept < SQUEEZED:
        dense = fit_to_page(_needs(columns, texts, DENSE_SIZE))
        if dense.fits or not fit.fits:
            fit, size = dense, DENSE_SIZE
    widths, orientation = fit.widths, fit.orientation
    if len(widths) < 2:
        widths += [10.0] * (2 - len(widths))
    spans = [(i, i) for i in range(1, len(widths) + 1)]
    grid = Grid(list(widths), spans, 1, orientation, size)
    if not (left or right):
        grid.split = _split_point(widths)
        return grid
    total = sum(widths)
    # The left block takes about 40 % of the line, never less than it needs, and leaves the
    # right block its room: at a column boundary when one fits, else inside a column.
    wanted = min(max(left, total * 0.4), total - right)
    running = 0.0
    best = None
    for k in range(1, len(widths)):
        running += widths[k - 1]
        fits = running >= left - 0.01 and total - running >= right - 0.01
        if fits and (best is None or abs(running - wanted) < abs(best[1] - wanted)):
            best = (k, running)
    if best is not None and abs(best[1] - wanted) <= total * 0.12:
        grid.split = best[0]
        return grid
    # Split the table column under the wanted boundary into two physical columns.
    running = 0.0
    for index, width in enumerate(widths):
        if running + width > wanted:
            cut = max(1.0, min(width - 1.0, round((wanted - running) * 2) / 2))
            physical = [*widths[:index], cut, width - cut, *widths[index + 1:]]
            spans = [(i + 1 + (i > index), i + 1 + (i >= index)) for i in range(len(widths))]
            return Grid(physical, spans, index + 1, orientation, size)
        running += width
    grid.split = len(widths) - 1
    return grid


def _split_point(widths: Sequence[float]) -> int:
    """How many columns the left block spans when no document block needs room."""
    total = sum(widths)
    running = 0.0
    for index, width in enumerate(widths, 1):
        running += width
        if running >= total * 0.38:
            return min(index, len(widths) - 1)
    return max(1, len(widths) - 1)
