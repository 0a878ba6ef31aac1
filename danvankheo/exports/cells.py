"""The cells of the app's workbooks: their number formats, their styles and how a value
becomes a typed, styled write-only cell (see `xlsx` for the workbook around them).

A cell's text typed by a user is always a text cell. openpyxl would turn "=…" into a
formula; Excel and LibreOffice would treat "+", "-", "@", a tab or a carriage return at the
start as the beginning of one when the cell is edited. Such text is stored as a string with
the "quote prefix" flag, the file-format equivalent of typing an apostrophe first.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side

from . import layout
from .layout import FONT_NAME

DATE_FORMAT = "dd/mm/yyyy"
# Numbers stay numbers (they can be summed); the [$-42A] locale tag makes LibreOffice print
# them the Vietnamese way ("1.250", "97,5") whatever the printer's locale, as the pages do
# through core.formatting. Excel follows the reader's regional settings.
INTEGER_FORMAT = "[$-42A]#,##0"
DECIMAL_FORMAT = "[$-42A]General"
# Characters that make a spreadsheet read the rest of the cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_767  # Excel's limit per cell


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


# --- Styles ------------------------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _font(size: float = 12, *, bold: bool = False, italic: bool = False, underline: str | None = None) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic, underline=underline)


class Styles:
    """Every style the writer uses, turned into openpyxl style arrays once per workbook and
    body size (12 pt, or 11 pt for a table too wide for 12)."""

    def __init__(self, ws, size: int = layout.BODY_SIZE) -> None:
        self._ws = ws
        self.size = size
        wrap_left = Alignment(horizontal="left", vertical="top", wrap_text=True)
        centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        right = Alignment(horizontal="right", vertical="top")
        top_centre = Alignment(horizontal="center", vertical="top", wrap_text=True)
        body = _font(size)
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
        self.column_header = self._make(_font(size, bold=True), centre, _BOX)
        left_middle = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.section = self._make(_font(size, bold=True), left_middle, _BOX)
        self.total = self._make(_font(size, bold=True), left_middle, _BOX)
        self.note = self._make(_font(size, italic=True), Alignment(horizontal="left", vertical="top", wrap_text=True))
        plain_centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
        one_line = Alignment(horizontal="center", vertical="center")
        self.body_caps = self._make(_font(12), plain_centre)
        self.body_caps_bold = self._make(_font(12, bold=True), plain_centre)
        self.rule = self._make(_font(12, underline="single"), Alignment(horizontal="center", vertical="bottom"))
        # The motto never wraps: its block is made wide enough for one line.
        self.motto = self._make(_font(12, bold=True), one_line)
        self.motto_sub = self._make(_font(13, bold=True, underline="single"), one_line)
        self.number = self._make(_font(13), plain_centre)
        self.place_date = self._make(_font(13, italic=True), plain_centre)
        self.draft = self._make(_font(13, bold=True), plain_centre)
        self.title = self._make(_font(14, bold=True), plain_centre)
        self.subtitle = self._make(_font(13, bold=True), plain_centre)
        self.title_note = self._make(_font(13, italic=True), plain_centre)
        self.recipients_head = self._make(_font(12, bold=True, italic=True),
                                          Alignment(horizontal="left", vertical="top"))
        self.recipient = self._make(_font(11), Alignment(horizontal="left", vertical="top", wrap_text=True))
        self.signer = self._make(_font(13, bold=True), Alignment(horizontal="center", vertical="top",
                                                                 wrap_text=True))
        self.signer_italic = self._make(_font(13, italic=True), Alignment(horizontal="center", vertical="top",
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


# How each style's text is measured for row heights: (size, bold).
MEASURE = {
    "body_caps": (12, False), "body_caps_bold": (12, True), "motto": (12, True), "motto_sub": (13, True),
    "number": (13, False), "place_date": (13, False), "draft": (13, True), "title": (14, True),
    "subtitle": (13, True), "title_note": (13, False), "recipients_head": (12, True), "recipient": (11, False),
    "signer": (13, True), "signer_italic": (13, False), "rule": (12, False),
}


# --- Cells -------------------------------------------------------------------------------


def text_cell(ws, text: str, style) -> WriteOnlyCell:
    """A text cell for the document's own wording (headers, titles, signature)."""
    cell = WriteOnlyCell(ws)
    cell._style = style
    # Assigned directly: openpyxl's own setter would turn "=…" into a formula.
    cell._value = clean_text(text)
    cell.data_type = "s"
    return cell


class CellMaker:
    """Turns the values of one column into styled cells of the right type.

    Values are bound directly instead of through openpyxl's setter, which would sniff
    strings for formulas and error codes and restyle dates: the type is decided here.
    """

    __slots__ = ("date_style", "quoted", "style", "ws")

    def __init__(self, ws, kind: str, styles: Styles) -> None:
        self.ws = ws
        self.style = styles.cell[kind]
        self.quoted = styles.quoted[kind]
        # A date in a column of another kind still needs a date format.
        self.date_style = self.style if kind == "date" else styles.cell["date"]

    def __call__(self, value: Any) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws)
        # Plain text and whole numbers first: most of a table (an Enum or a bool that is a
        # str or an int is not exactly one, and takes the long way below).
        kind = type(value)
        if kind is str and value:
            cell._style = self.quoted if value.startswith(FORMULA_TRIGGERS) else self.style
            cell._value, cell.data_type = clean_text(value), "s"
            return cell
        if kind is int:
            cell._style = self.style
            cell._value, cell.data_type = value, "n"
            return cell
        if value is None or value == "":
            cell._style = self.style
            return cell
        if isinstance(value, Enum | bool):
            value = layout.plain(value)
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
