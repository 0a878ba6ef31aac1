"""Serialising the rows of a write-only worksheet: the writer's hot loop.

openpyxl writes each cell of a write-only sheet through half a dozen nested lxml contexts,
looks its style up by hashing the style array, and reads the row's height from a row
dimension object made for it; for a 2,000-model list that was most of the writer's time.
`RowWriter` formats each row's XML as text, as lxml would serialise it (ASCII, characters
beyond it as numeric references, "&", "<", ">" and carriage returns escaped), and writes it
to the sheet's file between lxml's own writes. The bytes are the same as openpyxl's:
tests/exports/test_rows.py writes the same sheets both ways and compares them.

Rows reach it as `Row(cells, height)`: the cells in column order (None where there is none),
already typed and styled (see `cells`). Anything the fast path does not know (a formula,
rich text, a comment, a hyperlink, a value of another type, text XML cannot hold) sends
that row through openpyxl's own code, which writes it or refuses it as it always did.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from openpyxl import LXML
from openpyxl.cell import Cell
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import xmlfile

# Whether rows are formatted here; off, every row goes through openpyxl (the tests compare).
FAST = True
_CACHED_STYLES = 256  # distinct style arrays remembered per sheet (a sheet uses about 30)
# Characters XML 1.0 cannot hold: lxml refuses them, so such a row is left to it.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _escaped(text: str) -> str:
    """Text content as lxml writes it (before the ASCII encoding)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


class Row(NamedTuple):
    """One row for `RowWriter`: its cells from column A, and its height in points (None:
    the sheet's default)."""

    cells: Sequence[Cell | None]
    height: float | None = None


def pass_through(row: Row, row_idx: int) -> Row:
    """Stands in for openpyxl's conversion of appended values into cells (the worksheet's
    `_values_to_row`): a `Row` is already made of cells."""
    return row


class RowWriter(WorksheetWriter):
    """openpyxl's worksheet writer, writing `Row`s itself."""

    def __init__(self, ws) -> None:
        self._letters: list[str] = []
        self._heights: dict[float, str] = {}
        # id of a style array -> (the array, kept alive so its id is not reused; its index)
        self._styles: dict[int, tuple[object, str]] = {}
        self._workbook_styles = ws.parent._cell_styles
        self._epoch = ws.parent.epoch
        # The bytes are lxml's: with openpyxl's other XML library, or ISO dates, it writes.
        self._fast = FAST and LXML and not ws.parent.iso_dates
        self._file = None
        super().__init__(ws)

    def get_stream(self):
        """openpyxl's stream of the sheet's XML, into a file opened here so that rows can be
        written to it directly."""
        if not self._fast:
            yield from super().get_stream()
            return
        with open(self.out, "wb") as self._file, xmlfile(self._file) as xf, \
                xf.element("worksheet", xmlns=SHEET_MAIN_NS):
            try:
                while True:
                    el = (yield)
                    if el is True:
                        yield xf
                    elif el is not None:
                        xf.write(el)
            except GeneratorExit:
                pass

    def write_row(self, xf, row, row_idx: int) -> None:
        cells, height = row
        if not self._fast:
            self._write_slowly(xf, cells, height, row_idx)
            return
        letters = self._letters
        if len(letters) < len(cells):
            letters.extend(get_column_letter(i) for i in range(len(letters) + 1, len(cells) + 1))
        number = f"{row_idx}"
        parts = [f'<row r="{number}"{self._height_attrs(height) if height is not None else ""}>']
        # A cell the fast path does not know ends the loop (break): the row goes the slow way.
        # Style indices already taken here are taken in the same order there.
        for column, cell in enumerate(cells):
            if cell is None:
                continue
            if cell._comment is not None or cell._hyperlink is not None:
                break
            style = cell._style
            styled = style is not None and any(style)
            value = cell._value
            if value is None and not styled:
                continue
            data_type = cell.data_type
            start = f'<c r="{letters[column]}{number}"{self._style_id(style) if styled else ""}'
            if value is None or value == "":
                if data_type == "s":
                    parts.append(f'{start} t="inlineStr"></c>')
                elif data_type == "n":
                    parts.append(f'{start} t="n"></c>')
                else:
                    break
            elif data_type == "s":
                if type(value) is not str or _NOT_XML.search(value):
                    break
                space = ' xml:space="preserve"' if value != value.strip() else ""
                parts.append(f'{start} t="inlineStr"><is><t{space}>{_escaped(value)}</t></is></c>')
            elif data_type == "n" and (type(value) is int or type(value) is float):
                parts.append(f'{start} t="n"><v>{safe_string(value)}</v></c>')
            elif data_type == "d" and getattr(value, "tzinfo", None) is None:
                parts.append(f'{start} t="n"><v>{safe_string(to_excel(value, self._epoch))}</v></c>')
            else:
                break
        else:
            parts.append("</row>")
            xf.flush()  # what lxml holds goes out first
            self._file.write("".join(parts).encode("ascii", "xmlcharrefreplace"))
            return
        self._write_slowly(xf, cells, height, row_idx)

    def _style_id(self, style) -> str:
        """' s="…"': the style's index in the workbook, added there at its first use."""
        known = self._styles.get(id(style))
        if known is not None and known[0] is style:
            return known[1]
        index = f' s="{self._workbook_styles.add(style)}"'
        if len(self._styles) < _CACHED_STYLES:
            self._styles[id(style)] = (style, index)
        return index

    def _height_attrs(self, height: float) -> str:
        """The row's height attributes, as openpyxl writes a row dimension of that height."""
        attrs = self._heights.get(height)
        if attrs is None:
            attrs = self._heights[height] = "".join(f' {key}="{value}"'
                                                    for key, value in RowDimension(self.ws, ht=height))
        return attrs

    def _write_slowly(self, xf, cells: Sequence[Cell | None], height: float | None, row_idx: int) -> None:
        """openpyxl's own way, through its row dimensions and cell writer."""
        placed = []
        for column, cell in enumerate(cells, 1):
            if cell is not None:
                cell.column, cell.row = column, row_idx
                placed.append(cell)
        if height is not None:
            self.ws.row_dimensions[row_idx].height = height
        super().write_row(xf, placed, row_idx)
        if height is not None:
            # The row is written: drop its dimension so a long table keeps memory flat.
            del self.ws.row_dimensions[row_idx]
