"""Excel workbooks laid out like an official document (Nghị định 30/2020/NĐ-CP).

Everything here is pure: a description of the sheets goes in, the bytes of an .xlsx come
out. Nothing reads the database, the request or the app config; the views and services
gather the rows and the deployment's names and hand them over.

Sheets are written with openpyxl's write-only mode, so rows stream to a temporary file
and memory stays flat however many rows there are. Styles are built once per workbook and
shared by every cell of a column, and text cells bypass openpyxl's value sniffing: each
cell costs one small object, which is what write-only mode needs anyway.

A cell's text typed by a user is always a text cell. openpyxl would turn "=…" into a
formula; Excel and LibreOffice would treat "+", "-", "@", a tab or a carriage return at the
start as the beginning of one when the cell is edited. Such text is stored as a string with
the "quote prefix" flag, the file-format equivalent of typing an apostrophe first.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from itertools import chain, islice
from typing import IO, Any, Literal
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT_NAME = "Times New Roman"
DATE_FORMAT = "dd/mm/yyyy"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SUBTITLE = "Độc lập - Tự do - Hạnh phúc"
# Characters that make a spreadsheet read the rest of the cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_767  # Excel's limit per cell
WIDTH_SAMPLE_ROWS = 300  # rows read ahead to size the columns before streaming the rest
# A worksheet holds at most 1,048,576 rows; a longer table goes on to "<name> (2)", "(3)"…
# with the same title and column headers (the signature, if any, ends the last part).
MAX_TABLE_ROWS = 1_000_000

ColumnKind = Literal["text", "long_text", "center", "integer", "decimal", "date"]


@dataclass(frozen=True)
class Column:
    """One column of a table.

    `kind` decides the cell type and alignment: text and long_text are left-aligned and
    wrapped (long_text may grow wider), center is short centred text (STT, Xếp loại),
    integer and decimal are numeric cells, date is a date cell shown as dd/mm/yyyy.
    Consecutive columns with the same `group` share a merged header cell above theirs.
    """

    title: str
    kind: ColumnKind = "text"
    group: str | None = None
    max_width: float | None = None
    min_width: float = 5


@dataclass(frozen=True)
class Span:
    """A row that spans the whole table: a section heading ("I. Tập thể") or a total."""

    text: str
    style: Literal["section", "total", "note"] = "section"


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


@dataclass(frozen=True)
class Signature:
    """The bottom of the document: "Nơi nhận" left, the signer right."""

    signer_title: str  # "GIÁM ĐỐC", or "PHÓ GIÁM ĐỐC" under `authority`
    signer_name: str = ""
    authority: str = ""  # "KT. GIÁM ĐỐC", "TM. ỦY BAN NHÂN DÂN"…
    recipients: Sequence[str] = ("- Như trên;", "- Lưu: VT.")


@dataclass
class Sheet:
    """One worksheet: an optional document header, a table, an optional signature."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any] | Span]
    header: DocumentHeader | None = None
    title: str | None = None  # a plain bold title when there is no document header
    notes: Sequence[str] = ()  # italic lines under the plain title (filters applied…)
    signature: Signature | None = None
    freeze_columns: int = 0  # columns kept visible when scrolling right (e.g. STT + name)
    footer_page_numbers: bool = True


# --- Text helpers ------------------------------------------------------------------------


def needs_neutralising(text: str) -> bool:
    """True when a spreadsheet could read `text` as the start of a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def clean_text(text: str) -> str:
    """Text an .xlsx can hold: no control characters but tab and line feed.

    Carriage returns become line feeds: XML reading would turn them into line feeds anyway.
    """
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[:MAX_CELL_TEXT]


def ascii_filename(name: str) -> str:
    """A readable ASCII version of a Vietnamese file name ("Danh sách" -> "Danh-sach")."""
    name = name.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stem, dot, ext = stripped.rpartition(".")
    if not dot:
        stem, ext = stripped, ""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem)
    stem = re.sub(r"-{2,}", "-", stem).strip("-.") or "tep"
    return f"{stem}.{ext}" if ext else stem


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987)."""
    fallback = ascii_filename(filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def sheet_title(name: str) -> str:
    """A legal worksheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "-", name).strip("'")[:31] or "Sheet"


# --- Styles ------------------------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _font(size: float = 12, *, bold: bool = False, italic: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


class _Styles:
    """Every style the writer uses, turned into openpyxl style arrays once per workbook."""

    def __init__(self, ws) -> None:
        self._ws = ws
        wrap_left = Alignment(horizontal="left", vertical="top", wrap_text=True)
        centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        right = Alignment(horizontal="right", vertical="top")
        top_centre = Alignment(horizontal="center", vertical="top", wrap_text=True)
        body = _font(12)
        self.cell: dict[str, Any] = {
            "text": self._make(body, wrap_left, _BOX),
            "long_text": self._make(body, wrap_left, _BOX),
            "center": self._make(body, top_centre, _BOX),
            "integer": self._make(body, right, _BOX, INTEGER_FORMAT),
            "decimal": self._make(body, right, _BOX, DECIMAL_FORMAT),
            "date": self._make(body, top_centre, _BOX, DATE_FORMAT),
        }
        self.quoted = {kind: self._make(body, wrap_left if kind != "center" else top_centre, _BOX,
                                        quote_prefix=True)
                       for kind in self.cell}
        self.column_header = self._make(_font(12, bold=True), centre, _BOX)
        self.section = self._make(_font(12, bold=True), Alignment(horizontal="left", vertical="center",
                                                                  wrap_text=True), _BOX)
        self.total = self._make(_font(12, bold=True), Alignment(horizontal="left", vertical="center",
                                                                wrap_text=True), _BOX)
        self.note = self._make(_font(12, italic=True), Alignment(horizontal="left", wrap_text=True))
        plain_centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.body_caps = self._make(_font(12), plain_centre)
        self.body_caps_bold = self._make(_font(12, bold=True), plain_centre)
        self.motto = self._make(_font(12, bold=True), plain_centre)
        self.motto_sub = self._make(_font(13, bold=True), plain_centre)
        self.number = self._make(_font(13), plain_centre)
        self.place_date = self._make(_font(13, italic=True), plain_centre)
        self.title = self._make(_font(14, bold=True), plain_centre)
        self.subtitle = self._make(_font(13, bold=True), plain_centre)
        self.title_note = self._make(_font(13, italic=True), plain_centre)
        self.recipients_head = self._make(_font(12, bold=True, italic=True),
                                          Alignment(horizontal="left", vertical="top"))
        self.recipient = self._make(_font(11), Alignment(horizontal="left", vertical="top"))
        self.signer = self._make(_font(13, bold=True), Alignment(horizontal="center", vertical="top",
                                                                 wrap_text=True))

    def _make(self, font: Font, alignment: Alignment, border: Border | None = None,
              number_format: str | None = None, *, quote_prefix: bool = False):
        cell = WriteOnlyCell(self._ws)
        cell.font = font
        cell.alignment = alignment
        if border is not None:
            cell.border = border
        if number_format is not None:
            cell.number_format = number_format
        if quote_prefix:
            cell.quotePrefix = True
        return cell._style


# --- Cells -------------------------------------------------------------------------------


def _text_cell(ws, text: str, style) -> WriteOnlyCell:
    """A text cell for the document's own wording (headers, titles, signature)."""
    cell = WriteOnlyCell(ws)
    cell._style = style
    # Assigned directly: openpyxl's own setter would turn "=…" into a formula.
    cell._value = clean_text(text)
    cell.data_type = "s"
    return cell


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return getattr(value, "label", value.value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return value


class _CellMaker:
    """Turns the values of one column into styled cells of the right type.

    Values are bound directly instead of through openpyxl's setter, which would sniff
    strings for formulas and error codes and restyle dates: the type is decided here.
    """

    __slots__ = ("date_style", "quoted", "style", "ws")

    def __init__(self, ws, kind: str, styles: _Styles) -> None:
        self.ws = ws
        self.style = styles.cell[kind]
        self.quoted = styles.quoted[kind]
        # A date in a column of another kind still needs a date format.
        self.date_style = self.style if kind == "date" else styles.cell["date"]

    def __call__(self, value: Any) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws)
        if value is None or value == "":
            cell._style = self.style
            return cell
        if isinstance(value, Enum | bool):
            value = _plain(value)
        if isinstance(value, str):
            cell._style = self.quoted if needs_neutralising(value) else self.style
            cell._value, cell.data_type = clean_text(value), "s"
            return cell
        if isinstance(value, Decimal):
            value = float(value)
        if isinstance(value, int | float):
            cell._style = self.style
            if isinstance(value, float) and not math.isfinite(value):
                return cell
            cell._value, cell.data_type = value, "n"
            return cell
        if isinstance(value, date):
            if isinstance(value, datetime):
                # Excel has no time zones: callers pass local time and the zone is dropped.
                value = value.replace(tzinfo=None)
            cell._style = self.date_style
            cell._value, cell.data_type = value, "d"
            return cell
        cell._style = self.style
        cell._value, cell.data_type = clean_text(str(value)), "s"
        return cell


# --- Column widths -----------------------------------------------------------------------

_DEFAULT_MAX_WIDTH = {"text": 32, "long_text": 60, "center": 14, "integer": 16, "decimal": 14, "date": 12}
_DEFAULT_MIN_WIDTH = {"text": 10, "long_text": 20}


def _display_length(value: Any, kind: str) -> int:
    if value is None:
        return 0
    value = _plain(value)
    if isinstance(value, date):
        return 10
    if isinstance(value, float | Decimal):
        return len(f"{float(value):,.2f}")
    if isinstance(value, int):
        return len(f"{value:,}")
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def fit_widths(columns: Sequence[Column], sample: Sequence[Sequence[Any] | Span]) -> list[float]:
    """Column widths (in Excel character units) that fit the header and the sampled rows.

    Header titles wrap, so only their longest word counts; long cells wrap at the column's
    maximum width rather than making the page unreadably wide.
    """
    widths = []
    for index, column in enumerate(columns):
        # A header may wrap onto two lines, never break inside a word.
        longest_word = max((len(word) for word in column.title.split()), default=0)
        header = max(longest_word + 2, math.ceil(len(column.title) / 2) + 2)
        content = 0
        for row in sample:
            if isinstance(row, Span) or index >= len(row):
                continue
            content = max(content, _display_length(row[index], column.kind))
        cap = max(column.max_width or _DEFAULT_MAX_WIDTH[column.kind], longest_word + 2)
        floor = max(column.min_width, _DEFAULT_MIN_WIDTH.get(column.kind, 0))
        widths.append(float(min(max(header, content + 2, floor), cap)))
    return widths


# --- Writing -----------------------------------------------------------------------------


class _SheetWriter:
    """Appends rows to one write-only worksheet and remembers the row number."""

    def __init__(self, ws, styles: _Styles, ncols: int) -> None:
        self.ws, self.styles, self.ncols = ws, styles, ncols
        self.row = 0

    def append(self, cells: Sequence[Any]) -> int:
        self.ws.append(cells)
        self.row += 1
        return self.row

    def blank(self) -> None:
        self.append([])

    def merge(self, first_col: int, last_col: int, row: int | None = None, last_row: int | None = None) -> None:
        row = row or self.row
        last_row = last_row or row
        if last_col > first_col or last_row > row:
            self.ws.merged_cells.add(CellRange(min_col=first_col, min_row=row, max_col=last_col, max_row=last_row))

    def spanned(self, text: str, style, first: int = 1, last: int | None = None, *, boxed: bool = False) -> None:
        """One row whose text spans columns first..last."""
        last = last or self.ncols
        cells: list[Any] = [None] * (first - 1)
        cells.append(_text_cell(self.ws, text, style))
        for _ in range(first + 1, last + 1):
            if boxed:  # borders of merged cells are drawn from every cell of the range
                filler = WriteOnlyCell(self.ws)
                filler._style = style
                cells.append(filler)
            else:
                cells.append(None)
        self.append(cells)
        self.merge(first, last)

    def two_blocks(self, left: tuple[str, Any] | None, right: tuple[str, Any] | None, split: int) -> None:
        """One row with a left block (columns 1..split) and a right block (split+1..end)."""
        cells: list[Any] = [None] * self.ncols
        if left and left[0]:
            cells[0] = _text_cell(self.ws, left[0], left[1])
        if right and right[0]:
            cells[split] = _text_cell(self.ws, right[0], right[1])
        self.append(cells)
        self.merge(1, split)
        self.merge(split + 1, self.ncols)


def _split_point(widths: Sequence[float]) -> int:
    """How many columns the left block (issuing body, signer's "Nơi nhận") spans."""
    total = sum(widths)
    running = 0.0
    for index, width in enumerate(widths, 1):
        running += width
        if running >= total * 0.38:
            return min(index, len(widths) - 1)
    return max(1, len(widths) - 1)


def _place_cells(values: Sequence[WriteOnlyCell | None], row_idx: int) -> Iterator[WriteOnlyCell]:
    """Positions a row of ready-made cells.

    Stands in for openpyxl's own conversion, which would try each cell as a value, fail,
    and allocate a spare cell for every styled one; every row written here is made of
    cells already typed and styled.
    """
    for col_idx, cell in enumerate(values, 1):
        if cell is not None:
            cell.column = col_idx
            cell.row = row_idx
            yield cell


def _write_sheet(wb: Workbook, sheet: Sheet, styles_cache: dict) -> Iterator[Sequence[Any] | Span] | None:
    """Write one worksheet. Returns the rows left over when the table reached
    MAX_TABLE_ROWS and more follow (they belong on a continuation sheet), else None."""
    ws = wb.create_sheet(sheet_title(sheet.name))
    ws._values_to_row = _place_cells
    if "styles" not in styles_cache:
        styles_cache["styles"] = _Styles(ws)
    styles: _Styles = styles_cache["styles"]
    columns = list(sheet.columns)
    ncols = max(len(columns), 2)

    rows_iter = iter(sheet.rows)
    sample = list(islice(rows_iter, WIDTH_SAMPLE_ROWS))
    widths = fit_widths(columns, sample)
    if len(widths) < ncols:
        widths += [10.0] * (ncols - len(widths))
    # Write-only sheets take column sizes before the first row.
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width

    # The sheet's head (panes, fit-to-page flag) is written with the first row, so
    # everything that lives there is set now, from the known size of the header block.
    if sheet.header is not None:
        above_table = 6 + len(sheet.header.subtitles) + len(sheet.header.notes)
    elif sheet.title:
        above_table = 2 + len(sheet.notes)
    else:
        above_table = 0
    header_first = above_table + 1
    header_last = header_first + (1 if any(column.group for column in columns) else 0)
    ws.freeze_panes = f"{get_column_letter(sheet.freeze_columns + 1)}{header_last + 1}"
    ws.print_title_rows = f"{header_first}:{header_last}"
    _page_setup(ws, sheet)

    out = _SheetWriter(ws, styles, ncols)
    split = _split_point(widths)
    if sheet.header is not None:
        h = sheet.header
        out.two_blocks((h.parent_body.upper(), styles.body_caps), (MOTTO, styles.motto), split)
        out.two_blocks((h.issuing_body.upper(), styles.body_caps_bold), (MOTTO_SUBTITLE, styles.motto_sub), split)
        out.two_blocks((h.number, styles.number), (h.place_date, styles.place_date), split)
        out.blank()
        out.spanned(h.title, styles.title)
        for line in h.subtitles:
            out.spanned(line, styles.subtitle)
        for line in h.notes:
            out.spanned(line, styles.title_note)
        out.blank()
    elif sheet.title:
        out.spanned(sheet.title, styles.title)
        for line in sheet.notes:
            out.spanned(line, styles.note)
        out.blank()

    assert out.row + 1 == header_first, "the header block's size was miscounted"
    _write_column_headers(out, columns)

    makers = [_CellMaker(ws, column.kind, styles) for column in columns]
    rows = chain(sample, rows_iter)
    for row in islice(rows, MAX_TABLE_ROWS):
        if isinstance(row, Span):
            style = {"section": styles.section, "total": styles.total, "note": styles.note}[row.style]
            out.spanned(row.text, style, boxed=row.style != "note")
            continue
        out.append([make(value) for make, value in zip(makers, row, strict=False)])

    following = next(rows, _END)
    if following is not _END:
        return chain([following], rows)
    if sheet.signature is not None:
        _write_signature(out, sheet.signature, split)
    return None


_END = object()


def _continuation(sheet: Sheet, part: int, rows: Iterator[Sequence[Any] | Span]) -> Sheet:
    """Part `part` of a table too long for one worksheet: same columns and title, no document
    header (it heads the first part only)."""
    suffix = f" ({part})"
    title = sheet.title or (sheet.header.title if sheet.header else None)
    return replace(sheet, name=sheet_title(sheet.name)[: 31 - len(suffix)] + suffix, rows=rows,
                   header=None, title=title, notes=[f"Tiếp theo, phần {part}."])


def _write_column_headers(out: _SheetWriter, columns: Sequence[Column]) -> None:
    style = out.styles.column_header
    ws = out.ws
    grouped = any(column.group for column in columns)

    def header_cell(text: str | None):
        cell = WriteOnlyCell(ws)
        cell._style = style
        if text:
            cell._value, cell.data_type = text, "s"
        return cell

    if not grouped:
        out.append([header_cell(column.title) for column in columns])
        return
    top, bottom = [], []
    for index, column in enumerate(columns):
        starts_group = column.group and (index == 0 or columns[index - 1].group != column.group)
        top.append(header_cell(column.group if starts_group else (None if column.group else column.title)))
        bottom.append(header_cell(column.title if column.group else None))
    first = out.append(top)
    out.append(bottom)
    index = 0
    while index < len(columns):
        column = columns[index]
        if not column.group:
            out.merge(index + 1, index + 1, first, first + 1)
            index += 1
            continue
        end = index
        while end + 1 < len(columns) and columns[end + 1].group == column.group:
            end += 1
        out.merge(index + 1, end + 1, first, first)
        index = end + 1


def _write_signature(out: _SheetWriter, signature: Signature, split: int) -> None:
    styles = out.styles
    out.blank()
    right_lines = [line for line in (signature.authority, signature.signer_title) if line]
    left_lines = ["Nơi nhận:", *signature.recipients] if signature.recipients else []
    # Room for the signature and the seal between the title and the name.
    right_lines += [""] * 3
    height = max(len(left_lines), len(right_lines))
    for index in range(height):
        left = None
        if index < len(left_lines):
            left = (left_lines[index], styles.recipients_head if index == 0 else styles.recipient)
        right = (right_lines[index], styles.signer) if index < len(right_lines) else None
        out.two_blocks(left, right, split)
    if signature.signer_name:
        out.two_blocks(None, (signature.signer_name, styles.signer), split)


def _page_setup(ws, sheet: Sheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    # Nghị định 30/2020: left margin 30-35 mm, right 15-20 mm, top and bottom 20-25 mm.
    margins = ws.page_margins
    margins.left, margins.right, margins.top, margins.bottom = 1.18, 0.6, 0.79, 0.79
    margins.header, margins.footer = 0.3, 0.3
    ws.print_options.horizontalCentered = True
    if sheet.footer_page_numbers:
        ws.oddFooter.center.text = "Trang &P/&N"
        ws.oddFooter.center.font = f"{FONT_NAME},Regular"
        ws.oddFooter.center.size = 10


# --- Entry points ------------------------------------------------------------------------


def write_workbook(sheets: Iterable[Sheet], target: IO[bytes]) -> None:
    """Write the sheets as one .xlsx into a binary file object."""
    wb = Workbook(write_only=True)
    cache: dict = {}
    for sheet in sheets:
        part, rest = 1, _write_sheet(wb, sheet, cache)
        while rest is not None:
            part += 1
            rest = _write_sheet(wb, _continuation(sheet, part, rest), cache)
    wb.save(target)


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """The sheets as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    write_workbook(sheets, buffer)
    return buffer.getvalue()

