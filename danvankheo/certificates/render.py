"""Positioned PDF with ReportLab: each field's text fitted into its box (wrapped, shrunk down
to the layout's minimum size), the boxes moved by the printer's calibration, the fonts embedded.

`plan` decides where every line of text goes and which texts do not fit, without drawing:
the download page and the preview list those problems from it, and `draw` prints exactly it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from ..core.formatting import format_number
from .content import Certificate
from .fonts import font_name
from .layouts import Box, Layout
from .models import Alignment, CertificateField, FontFace

LEADING = 1.2  # line spacing, in em
SHRINK_STEP = Decimal("0.5")


@dataclass(frozen=True)
class Offsets:
    """The printer's calibration in millimetres: + moves text right (x) and down (y)."""

    x: Decimal = Decimal(0)
    y: Decimal = Decimal(0)


@dataclass(frozen=True)
class Placed:
    """A field's text as it prints: its lines at `size`, and whether they fit the box."""

    box: Box
    font: str
    size: float
    lines: tuple[str, ...]
    fits: bool


@dataclass(frozen=True)
class Overflow:
    """A text that does not fit its box even at the minimum size."""

    label: str  # the line: "Dòng 2: Nguyễn Văn A"
    field: CertificateField

    @property
    def message(self) -> str:
        return (f"{self.label}: “{self.field.label}” dài quá ô in, kể cả ở cỡ chữ nhỏ nhất. Hãy nới rộng ô "
                f"hoặc giảm cỡ chữ nhỏ nhất trong mẫu phôi, hoặc rút gọn nội dung.")


@dataclass(frozen=True)
class PagePlan:
    certificate: Certificate
    layout: Layout
    placed: tuple[Placed, ...]

    @property
    def overflows(self) -> list[Overflow]:
        return [Overflow(self.certificate.label, p.box.field) for p in self.placed if not p.fits]


def _extent(font: str) -> tuple[float, float]:
    """(top, bottom) of the font's ink per point of size, from its bounding box: Vietnamese
    capitals stack tone marks above the ascent that PDF readers use for a word's box."""
    _, bottom, _, top = pdfmetrics.getFont(font).face.bbox
    return top / 1000, bottom / 1000


def wrap(text: str, font: str, size: float, width: float) -> tuple[list[str], bool]:
    """Greedy word wrap; each typed line break starts a new line. False when a single word is
    wider than the box."""
    lines, fits = [], True
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if pdfmetrics.stringWidth(candidate, font, size) <= width or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
            if pdfmetrics.stringWidth(word, font, size) > width:
                fits = False
        if current:
            lines.append(current)
    return lines, fits


def block_height(font: str, size: float, count: int) -> float:
    ascent, descent = _extent(font)
    return (count - 1) * size * LEADING + (ascent - descent) * size if count else 0.0


def fit(text: str, box: Box) -> Placed:
    """The largest size from the box's size down to its minimum at which `text` fits."""
    font = font_name(box.font)
    width, height = float(box.w) * mm, float(box.h) * mm
    size = box.size
    while True:
        lines, wide_ok = wrap(text, font, float(size), width)
        if wide_ok and block_height(font, float(size), len(lines)) <= height + 0.01:
            return Placed(box, font, float(size), tuple(lines), True)
        if size - SHRINK_STEP < box.min_size:
            return Placed(box, font, float(box.min_size), tuple(wrap(text, font, float(box.min_size), width)[0]),
                          False)
        size -= SHRINK_STEP


def plan(certificates: Iterable[Certificate], layout_for: Callable[[Certificate], Layout]) -> list[PagePlan]:
    """One page per certificate; `layout_for(certificate)` gives its layout."""
    pages = []
    for certificate in certificates:
        layout = layout_for(certificate)
        placed = tuple(fit(certificate.texts.get(box.field, ""), box) for box in layout.boxes
                       if box.printed and certificate.texts.get(box.field, "").strip())
        pages.append(PagePlan(certificate, layout, placed))
    return pages


def _frame(canvas: Canvas, layout: Layout, offsets: Offsets) -> None:
    """The drawn frame of the proofreading copy: a double border as on the blanks and the
    outline of every box where the text is asked to go (moved like the text)."""
    width, height = (value * mm for value in layout.page_mm)
    canvas.saveState()
    canvas.setStrokeColorRGB(0.7, 0.1, 0.1)
    canvas.setLineWidth(2.5)
    canvas.rect(8 * mm, 8 * mm, width - 16 * mm, height - 16 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(11 * mm, 11 * mm, width - 22 * mm, height - 22 * mm)
    canvas.setStrokeColorRGB(0.55, 0.55, 0.55)
    canvas.setLineWidth(0.4)
    canvas.setDash(2, 2)
    for box in layout.boxes:
        if box.printed:
            x, top = float(box.x + offsets.x) * mm, height - float(box.y + offsets.y) * mm
            canvas.rect(x, top - float(box.h) * mm, float(box.w) * mm, float(box.h) * mm)
    canvas.restoreState()


def _draw_placed(canvas: Canvas, placed: Placed, page_height: float, offsets: Offsets, *, mark: bool) -> None:
    box = placed.box
    x0 = float(box.x + offsets.x) * mm
    top = page_height - float(box.y + offsets.y) * mm
    width, height = float(box.w) * mm, float(box.h) * mm
    ascent, _ = _extent(placed.font)
    needed = block_height(placed.font, placed.size, len(placed.lines))
    # Centred vertically; a text too long for its box is printed whole (never clipped),
    # starting at the top of the box, and reported.
    start = top - max((height - needed) / 2, 0)
    canvas.setFont(placed.font, placed.size)
    baseline = start - ascent * placed.size
    for line in placed.lines:
        line_width = pdfmetrics.stringWidth(line, placed.font, placed.size)
        if box.align is Alignment.CENTER:
            x = x0 + (width - line_width) / 2
        elif box.align is Alignment.RIGHT:
            x = x0 + width - line_width
        else:
            x = x0
        canvas.drawString(x, baseline, line)
        baseline -= placed.size * LEADING
    if mark and not placed.fits:
        canvas.saveState()
        canvas.setStrokeColorRGB(0.85, 0, 0)
        canvas.setLineWidth(1.5)
        canvas.rect(x0, top - height, width, height)
        canvas.restoreState()


def draw(pages: Sequence[PagePlan], offsets: Offsets, *, framed: bool, title: str,
         mark_overflow: bool = False) -> bytes:
    """The PDF of the planned pages, one certificate a page, each page the size of its layout."""
    output = io.BytesIO()
    # The initial font is an embedded one too: no page names a font the PDF does not carry.
    canvas = Canvas(output, pageCompression=1, invariant=1, initialFontName=font_name(FontFace.SERIF), lang="vi")
    canvas.setTitle(title)
    canvas.setCreator("Dân vận khéo")
    for page in pages:
        width, height = (value * mm for value in page.layout.page_mm)
        canvas.setPageSize((width, height))
        if framed:
            _frame(canvas, page.layout, offsets)
        for placed in page.placed:
            _draw_placed(canvas, placed, height, offsets, mark=mark_overflow or framed)
        canvas.showPage()
    canvas.save()
    return output.getvalue()


# --- The calibration test page ------------------------------------------------------------------

CROSS_MM = 30  # the crosshairs stand this far from the edges


def calibration_page(offsets: Offsets, *, page_mm: tuple[int, int] = (297, 210), organiser_name: str = "") -> bytes:
    """A page with rulers along the top and left edges and crosshairs 30 mm in from each corner
    and at the centre, all moved by the current calibration: measured on the printed sheet,
    they tell how far the printer still shifts the text."""
    width, height = page_mm[0] * mm, page_mm[1] * mm
    dx, dy = float(offsets.x) * mm, float(offsets.y) * mm
    font = font_name(FontFace.SERIF)
    bold = font_name(FontFace.SERIF_BOLD)
    output = io.BytesIO()
    canvas = Canvas(output, pagesize=(width, height), invariant=1, initialFontName=font, lang="vi")
    canvas.setTitle("Trang in thử căn chỉnh máy in")
    canvas.setLineWidth(0.3)
    # Rulers: a tick every millimetre, longer every 5, numbered every 10.
    for step in range(page_mm[0] + 1):
        x = step * mm + dx
        length = 6 if step % 10 == 0 else 4 if step % 5 == 0 else 2
        canvas.line(x, height - dy, x, height - dy - length * mm)
        if step % 10 == 0 and 0 < step < page_mm[0]:
            canvas.setFont(font, 11)
            canvas.drawCentredString(x, height - dy - 10.5 * mm, str(step))
    for step in range(page_mm[1] + 1):
        y = height - step * mm - dy
        length = 6 if step % 10 == 0 else 4 if step % 5 == 0 else 2
        canvas.line(dx, y, dx + length * mm, y)
        if step % 10 == 0 and 10 < step < page_mm[1]:
            canvas.setFont(font, 11)
            canvas.drawString(dx + 7.5 * mm, y - 1.3 * mm, str(step))
    crosses = [(CROSS_MM, CROSS_MM), (page_mm[0] - CROSS_MM, CROSS_MM), (CROSS_MM, page_mm[1] - CROSS_MM),
               (page_mm[0] - CROSS_MM, page_mm[1] - CROSS_MM), (page_mm[0] // 2, page_mm[1] // 2)]
    canvas.setLineWidth(0.4)
    for cx, cy in crosses:
        x, y = cx * mm + dx, height - cy * mm - dy
        canvas.line(x - 8 * mm, y, x + 8 * mm, y)
        canvas.line(x, y - 8 * mm, x, y + 8 * mm)
        canvas.circle(x, y, 3 * mm)
    canvas.setFont(bold, 16)
    text_x = 50 * mm + dx
    canvas.drawString(text_x, height - 124 * mm - dy, "TRANG IN THỬ CĂN CHỈNH MÁY IN")  # below the centre cross
    canvas.setFont(font, 12)
    lines = [
        f"Độ lệch đang dùng: ngang (X) {format_number(offsets.x)} mm, dọc (Y) {format_number(offsets.y)} mm."
        + (f" {organiser_name}." if organiser_name else ""),
        "In trang này ở tỷ lệ 100 % (không “vừa trang”), rồi đo từ mép trái và mép trên tờ giấy",
        f"đến tâm dấu chữ thập góc trên bên trái; đúng ra là {CROSS_MM} mm và {CROSS_MM} mm.",
        f"Nếu đo được a mm từ mép trái: độ lệch X mới = X hiện tại + ({CROSS_MM} − a).",
        f"Nếu đo được b mm từ mép trên: độ lệch Y mới = Y hiện tại + ({CROSS_MM} − b).",
        "Thước ở mép trên và mép trái chia từng milimét, đánh số mỗi 10 mm.",
    ]
    for number, line in enumerate(lines):
        canvas.drawString(text_x, height - (134 + 7 * number) * mm - dy, line)
    canvas.showPage()
    canvas.save()
    return output.getvalue()
