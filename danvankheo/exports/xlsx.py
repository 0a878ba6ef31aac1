"""Excel workbooks laid out like an official document (Nghị định 30/2020/NĐ-CP).

Everything here is pure: a description of the sheets goes in, the bytes of an .xlsx come
out. Nothing reads the database, the request or the app config; the views and services
gather the rows and the deployment's names and hand them over.

Sheets are written with openpyxl's write-only mode, so rows stream to a temporary file
and memory stays flat however many rows there are. Styles are built once per workbook and
shared by every cell of a column, and text cells bypass openpyxl's value sniffing: each
cell costs one small object, which is what write-only mode needs anyway.

How a value becomes a typed, styled cell (and why a user's "=…" stays text) is in `cells`;
how a row of cells becomes the sheet's XML, in `rows`.

How a sheet prints (page and orientation, column widths, row heights, the ND 30 header and
the signer block's place) is decided in `layout`, shared by every workbook the app writes.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import chain, islice
from typing import IO, Any, Literal
from urllib.parse import quote
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.pagebreak import Break
from openpyxl.writer.excel import ExcelWriter

from . import layout
from .cells import MEASURE, CellMaker, Styles, text_cell
from .layout import DOTS, DRAFT_MARK, MOTTO, MOTTO_SUBTITLE, DocumentHeader, Signature
from .rows import Row, RowWriter, pass_through

__all__ = ["Column", "DocumentHeader", "Sheet", "Signature", "Span", "workbook_bytes", "write_workbook"]

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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


# --- File and sheet names -----------------------------------------------------------------


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


# --- Writing -----------------------------------------------------------------------------


class _SheetWriter:
    """Appends rows to one write-only worksheet, with their heights, and remembers the row
    number."""

    def __init__(self, ws, styles: Styles, grid: layout.Grid) -> None:
        self.ws, self.styles, self.grid = ws, styles, grid
        self.ncols = grid.ncols
        self.row = 0
        self.last_height = 15.0
        # Where the printer is on its page, from the row heights: the signer block is kept
        # on one page (a page break before it when it would not fit).
        self.page_room = layout.page_body_height(grid.orientation)
        self.page_used = 0.0
        self.repeated = 0.0  # height of the column headers printed atop every page

    def append(self, cells: Sequence[Any], height: float | None = None) -> int:
        self.ws.append(Row(cells, height))
        self.row += 1
        self.last_height = height or 15.0
        if self.page_used + self.last_height > self.page_room and self.page_used > self.repeated:
            self.page_used = self.repeated
        self.page_used += self.last_height

    def keep_together(self, height: float) -> None:
        """Start a new page unless `height` points still fit on this one. The last row goes
        over with them when it can, so the new page does not begin with the signer alone."""
        if self.page_used + height <= self.page_room or self.page_used <= self.repeated or not self.row:
            return
        last = self.last_height
        if self.page_used - last > self.repeated and self.repeated + last + height <= self.page_room:
            self.ws.row_breaks.append(Break(id=self.row - 1))
            self.page_used = self.repeated + last
        else:
            self.ws.row_breaks.append(Break(id=self.row))
            self.page_used = self.repeated

    def block_height(self, left: tuple[str, str] | None, right: tuple[str, str] | None) -> float:
        """The height `two_blocks` gives a row of these blocks."""
        split = self.grid.split
        lines, size = 1, 12.0
        for block, width in ((left, sum(self.grid.widths[:split])), (right, sum(self.grid.widths[split:]))):
            if block and block[0]:
                block_size, bold = MEASURE[block[1]]
                lines = max(lines, layout.line_count(block[0], width, block_size, bold))
                size = max(size, block_size)
        return layout.row_height(lines, size)
        return self.row

    def blank(self, height: float | None = None) -> None:
        self.append([], height)

    def merge(self, first_col: int, last_col: int, row: int | None = None, last_row: int | None = None) -> None:
        row = row or self.row
        last_row = last_row or row
        if last_col > first_col or last_row > row:
            self.ws.merged_cells.add(CellRange(min_col=first_col, min_row=row, max_col=last_col, max_row=last_row))

    def spanned(self, text: str, style, first: int = 1, last: int | None = None, *, boxed: bool = False,
                measure: tuple[float, bool] | None = None) -> None:
        """One row whose text spans columns first..last, as high as its wrapped text."""
        last = last or self.ncols
        cells: list[Any] = [None] * (first - 1)
        cells.append(text_cell(self.ws, text, style))
        for _ in range(first + 1, last + 1):
            if boxed:  # borders of merged cells are drawn from every cell of the range
                filler = WriteOnlyCell(self.ws)
                filler._style = style
                cells.append(filler)
            else:
                cells.append(None)
        size, bold = measure or (self.styles.size, False)
        width = sum(self.grid.widths[first - 1:last])
        self.append(cells, layout.row_height(layout.line_count(text, width, size, bold), size))
        self.merge(first, last)

    def two_blocks(self, left: tuple[str, str] | None, right: tuple[str, str] | None,
                   height: float | None = None) -> None:
        """One row with a left block (columns 1..split) and a right block (split+1..end);
        each block is (text, style name)."""
        split = self.grid.split
        cells: list[Any] = [None] * self.ncols
        for block, column in ((left, 0), (right, split)):
            if block and block[0]:
                cells[column] = text_cell(self.ws, block[0], getattr(self.styles, block[1]))
        self.append(cells, height if height is not None else self.block_height(left, right))
        self.merge(1, split)
        self.merge(split + 1, self.ncols)

    def table_row(self, cells: Sequence[WriteOnlyCell], height: float) -> None:
        """A row of table cells, one per table column, placed on the physical grid."""
        grid = self.grid
        if grid.ncols == len(cells):
            self.append(cells, height)
            return
        physical: list[Any] = []
        merges = []
        for cell, (first, last) in zip(cells, grid.spans, strict=False):
            physical.append(cell)
            for _ in range(first, last):
                filler = WriteOnlyCell(self.ws)
                filler._style = cell._style
                physical.append(filler)
            if last > first:
                merges.append((first, last))
        self.append(physical, height)
        for first, last in merges:
            self.merge(first, last)


def _row_lines(row: Sequence[Any], measured: Sequence[tuple[int, float]], size: int) -> int:
    """The lines of the row's tallest cell; `measured` holds the index and width of every
    column whose text may wrap (not the numbers and dates)."""
    lines = 1
    count = len(row)
    for index, width in measured:
        if index < count:
            value = row[index]
            if isinstance(value, str) and value:
                lines = max(lines, layout.line_count(value, width, size))
    return lines


def _write_sheet(wb: Workbook, sheet: Sheet, styles_cache: dict) -> Iterator[Sequence[Any] | Span] | None:
    """Write one worksheet. Returns the rows left over when the table reached
    MAX_TABLE_ROWS and more follow (they belong on a continuation sheet), else None."""
    ws = wb.create_sheet(sheet_title(sheet.name))
    ws._values_to_row = pass_through
    columns = list(sheet.columns)

    rows_iter = iter(sheet.rows)
    sample = list(islice(rows_iter, WIDTH_SAMPLE_ROWS))
    grid = layout.grid_for(sheet.header, sheet.signature, columns, sample)
    if grid.size not in styles_cache:
        styles_cache[grid.size] = Styles(ws, grid.size)
    styles: Styles = styles_cache[grid.size]
    # Write-only sheets take column sizes before the first row.
    for index, width in enumerate(grid.widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width

    # The sheet's head (panes, page setup) is written with the first row, so everything
    # that lives there is set now, from the known size of the header block.
    if sheet.header is not None:
        above_table = layout.header_rows(sheet.header)
    elif sheet.title:
        above_table = 2 + len(sheet.notes)
    else:
        above_table = 0
    header_first = above_table + 1
    header_last = header_first + (1 if any(column.group for column in columns) else 0)
    frozen = grid.spans[sheet.freeze_columns - 1][1] if sheet.freeze_columns else 0
    ws.freeze_panes = f"{get_column_letter(frozen + 1)}{header_last + 1}"
    ws.print_title_rows = f"{header_first}:{header_last}"
    layout.page_setup(ws, grid.orientation, page_numbers=sheet.footer_page_numbers)
    # What openpyxl does at the first row (the sheet's head goes out), with the faster writer.
    ws._writer = RowWriter(ws)
    ws._writer.write_top()

    out = _SheetWriter(ws, styles, grid)
    if sheet.header is not None:
        _write_document_header(out, sheet.header)
    elif sheet.title:
        out.spanned(sheet.title, styles.title, measure=(14, True))
        for line in sheet.notes:
            out.spanned(line, styles.note)
        out.blank(8)

    assert out.row + 1 == header_first, "the header block's size was miscounted"
    _write_column_headers(out, columns)

    makers = [CellMaker(ws, column.kind, styles) for column in columns]
    measured = [(i, grid.width_of(i)) for i, column in enumerate(columns)
                if column.kind not in ("integer", "decimal", "date")]
    size = grid.size
    rows = chain(sample, rows_iter)
    for row in islice(rows, MAX_TABLE_ROWS):
        if isinstance(row, Span):
            style = {"section": styles.section, "total": styles.total, "note": styles.note}[row.style]
            out.spanned(row.text, style, boxed=row.style != "note", measure=(size, row.style != "note"))
            continue
        height = layout.row_height(_row_lines(row, measured, size), size)
        out.table_row([make(value) for make, value in zip(makers, row, strict=False)], height)

    following = next(rows, _END)
    if following is not _END:
        return chain([following], rows)
    if sheet.signature is not None:
        _write_signature(out, sheet.signature)
    return None


_END = object()


def _continuation(sheet: Sheet, part: int, rows: Iterator[Sequence[Any] | Span]) -> Sheet:
    """Part `part` of a table too long for one worksheet: same columns and title, no document
    header (it heads the first part only)."""
    suffix = f" ({part})"
    title = sheet.title or (sheet.header.title if sheet.header else None)
    return replace(sheet, name=sheet_title(sheet.name)[: 31 - len(suffix)] + suffix, rows=rows,
                   header=None, title=title, notes=[f"Tiếp theo, phần {part}."])


def _write_document_header(out: _SheetWriter, h: DocumentHeader) -> None:
    """Nghị định 30/2020: bodies left and motto right, each on one line, a short rule under
    the issuing body and under "Độc lập - Tự do - Hạnh phúc", the number and the place and
    date, then "DỰ THẢO" for a draft, the title and its lines."""
    issuing = h.issuing_body.upper()
    out.two_blocks((h.parent_body.upper(), "body_caps"), (MOTTO, "motto"))
    out.two_blocks((issuing, "body_caps_bold"), (MOTTO_SUBTITLE, "motto_sub"))
    out.two_blocks((layout.rule_text(issuing, 12, True), "rule"), None, height=6)
    out.two_blocks((h.number, "number"), (h.place_date, "place_date"))
    out.blank(10)
    if h.draft:
        out.spanned(DRAFT_MARK, out.styles.draft, measure=(13, True))
    out.spanned(h.title, out.styles.title, measure=(14, True))
    for line in h.subtitles:
        out.spanned(line, out.styles.subtitle, measure=(13, True))
    for line in h.notes:
        out.spanned(line, out.styles.title_note, measure=(13, False))
    out.blank(10)


def _write_column_headers(out: _SheetWriter, columns: Sequence[Column]) -> None:
    style = out.styles.column_header
    ws = out.ws
    grid = out.grid
    size = out.styles.size
    grouped = any(column.group for column in columns)

    def header_cell(text: str | None):
        cell = WriteOnlyCell(ws)
        cell._style = style
        if text:
            cell._value, cell.data_type = text, "s"
        return cell

    def lines(index: int, text: str | None) -> int:
        return layout.line_count(text, grid.width_of(index), size, True) if text else 1

    if not grouped:
        height = layout.row_height(max(lines(i, c.title) for i, c in enumerate(columns)), size)
        out.table_row([header_cell(column.title) for column in columns], height)
        out.repeated = height
        return
    top, bottom = [], []
    top_lines = bottom_lines = 1
    for index, column in enumerate(columns):
        starts_group = column.group and (index == 0 or columns[index - 1].group != column.group)
        top.append(header_cell(column.group if starts_group else (None if column.group else column.title)))
        bottom.append(header_cell(column.title if column.group else None))
        if column.group:
            bottom_lines = max(bottom_lines, lines(index, column.title))
        if starts_group:
            end = index
            while end + 1 < len(columns) and columns[end + 1].group == column.group:
                end += 1
            width = sum(grid.width_of(i) for i in range(index, end + 1))
            top_lines = max(top_lines, layout.line_count(column.group, width, size, True))
    # An ungrouped title spans both rows: make the pair tall enough for it.
    spanning = max((lines(i, c.title) for i, c in enumerate(columns) if not c.group), default=1)
    bottom_lines = max(bottom_lines, spanning - top_lines)
    first = out.row + 1
    out.table_row(top, layout.row_height(top_lines, size))
    out.table_row(bottom, layout.row_height(bottom_lines, size))
    out.repeated = layout.row_height(top_lines, size) + layout.row_height(bottom_lines, size)
    index = 0
    while index < len(columns):
        column = columns[index]
        if not column.group:
            a, b = grid.spans[index]
            out.merge(a, b, first, first + 1)
            index += 1
            continue
        end = index
        while end + 1 < len(columns) and columns[end + 1].group == column.group:
            end += 1
        out.merge(grid.spans[index][0], grid.spans[end][1], first, first)
        index = end + 1


def _write_signature(out: _SheetWriter, signature: Signature) -> None:
    """"Nơi nhận" at the left; at the right the authority line, the signer's title, about
    3 cm for the signature and the seal, and the full name in bold. What is not known
    prints as dots to be filled in by hand."""
    right = [(line, "signer") for line in (signature.authority, signature.signer_title or DOTS) if line]
    left = [("Nơi nhận:", "recipients_head"), *((r, "recipient") for r in signature.recipients)]
    rows = [(left[i] if i < len(left) else None, right[i] if i < len(right) else None)
            for i in range(max(len(left), len(right)))]
    heights = [out.block_height(a, b) for a, b in rows]
    room = sum(h for (_, b), h in zip(rows, heights, strict=True) if b is None)
    filler = max(0.0, round(layout.SIGNATURE_ROOM - room, 1))
    name = (signature.signer_name or DOTS, "signer")
    # The whole block on one page: a signature is never separated from its name.
    out.keep_together(12 + sum(heights) + filler + out.block_height(None, name))
    out.blank(12)
    for (a, b), height in zip(rows, heights, strict=True):
        out.two_blocks(a, b, height=height)
    if filler:
        out.blank(filler)
    out.two_blocks(None, name)


# --- Entry points ------------------------------------------------------------------------


def write_workbook(sheets: Iterable[Sheet], target: IO[bytes]) -> None:
    """Write the sheets as one .xlsx into a binary file object."""
    wb = Workbook(write_only=True)
    layout.use_times_new_roman(wb)
    cache: dict = {}
    for sheet in sheets:
        part, rest = 1, _write_sheet(wb, sheet, cache)
        while rest is not None:
            part += 1
            rest = _write_sheet(wb, _continuation(sheet, part, rest), cache)
    _save(wb, target)


def _save(wb: Workbook, target: IO[bytes]) -> None:
    """`wb.save(target)` deflating at level 3 rather than openpyxl's default (zlib's 6). For a
    list of 2,100 models, level 6 took 26 ms (a sixth of the download) for a file of 205 KB;
    level 3 takes 10 ms for 239 KB."""
    if not wb.worksheets:
        wb.create_sheet()
    wb.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
    with ZipFile(target, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=3) as archive:
        ExcelWriter(wb, archive).save()


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """The sheets as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    write_workbook(sheets, buffer)
    return buffer.getvalue()
