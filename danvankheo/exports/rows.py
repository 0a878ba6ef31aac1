"""Serialising the rows of a write-only worksheet: the writer's hot loop.

openpyxl writes each cell of a write-only sheet through half a dozen nested XML contexts,
looks its style up by hashing the style array, and reads the row's height from a row
dimension object made for it; for a 2,000-model list that was most of the writer's time.
`RowWriter` builds each row as one lxml element (its cells and values as openpyxl would
write them) and hands it to the stream in one call. The bytes are the same as openpyxl's:
tests/exports/test_rows.py writes the same sheets both ways and compares them.

Rows reach it as `Row(cells, height)`: the cells in column order (None where there is none),
already typed and styled (see `cells`). Anything the fast path does not know (a formula,
rich text, a comment, a hyperlink, a value of another type) sends that row through
openpyxl's own code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from openpyxl import LXML
from openpyxl.cell import Cell
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.dimensions import RowDimension

if LXML:
    from lxml.etree import Element, SubElement

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_CACHED_STYLES = 256  # distinct style arrays remembered per sheet (a sheet uses about 30)


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
    """openpyxl's worksheet writer with a faster `write_row` for `Row`s."""

    def __init__(self, ws) -> None:
        super().__init__(ws)
        self._letters: list[str] = []
        self._heights: dict[float, dict[str, str]] = {}
        # id of a style array -> (the array, kept alive so its id is not reused; its index)
        self._styles: dict[int, tuple[object, int]] = {}
        self._workbook_styles = ws.parent._cell_styles
        self._epoch = ws.parent.epoch
        self._fast = LXML and not ws.parent.iso_dates

    def write_row(self, xf, row, row_idx: int) -> None:
        cells, height = row
        if not self._fast or not all(cell is None or self._plain(cell) for cell in cells):
            self._write_slowly(xf, cells, height, row_idx)
            return
        attrs = {"r": f"{row_idx}"}
        if height is not None:
            attrs.update(self._height_attrs(height))
        element = Element("row", attrs)
        letters = self._letters
        if len(letters) < len(cells):
            letters.extend(get_column_letter(i) for i in range(len(letters) + 1, len(cells) + 1))
        suffix = attrs["r"]
        written = False
        for column, cell in enumerate(cells):
            if cell is None:
                continue
            style = cell._style
            styled = style is not None and any(style)
            value = cell._value
            if value is None and not styled:
                continue
            written = True
            cell_attrs = {"r": letters[column] + suffix}
            if styled:
                cell_attrs["s"] = self._style_id(style)
            data_type = cell.data_type
            if data_type == "s":
                cell_attrs["t"] = "inlineStr"
            elif data_type == "d":
                cell_attrs["t"] = "n"
                if value is not None:
                    value = to_excel(value, self._epoch)
            else:
                cell_attrs["t"] = data_type
            c = SubElement(element, "c", cell_attrs)
            if value is None or value == "":
                c.text = ""
            elif data_type == "s":
                t = SubElement(SubElement(c, "is"), "t", {_XML_SPACE: "preserve"} if value != value.strip() else {})
                t.text = value
            else:
                SubElement(c, "v").text = safe_string(value)
        if not written:
            element.text = ""
        xf.write(element)

    @staticmethod
    def _plain(cell: Cell) -> bool:
        """A cell the fast path writes as openpyxl would: text, a number or a date, no
        comment, no hyperlink."""
        data_type = cell.data_type
        if cell._comment is not None or cell._hyperlink is not None:
            return False
        if data_type == "s":
            return cell._value is None or type(cell._value) is str
        if data_type == "d":
            return getattr(cell._value, "tzinfo", None) is None
        return data_type == "n"

    def _style_id(self, style) -> str:
        known = self._styles.get(id(style))
        if known is not None and known[0] is style:
            return known[1]
        index = f"{self._workbook_styles.add(style)}"
        if len(self._styles) < _CACHED_STYLES:
            self._styles[id(style)] = (style, index)
        return index

    def _height_attrs(self, height: float) -> dict[str, str]:
        attrs = self._heights.get(height)
        if attrs is None:
            attrs = self._heights[height] = dict(RowDimension(self.ws, ht=height))
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
