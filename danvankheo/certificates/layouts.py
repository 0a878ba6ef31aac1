"""A certificate layout as plain values (`Layout`, `Box`): read from the database, from the
unsaved editor form (the live preview) or from the defaults, and checked in one place."""

from __future__ import annotations

import string
from dataclasses import dataclass, replace
from decimal import Decimal

from ..core.errors import DomainError
from ..core.formatting import format_number
from .models import Alignment, CertificateField, CertificateLayout, FontFace, Orientation, PaperSize

DEFAULT_WORDING = ("Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” năm {nam} "
                   "với mô hình “{mo_hinh}”.")
WORDING_KEYS = {"mo_hinh", "nam"}
# Below this the text is hard to read as printed (DOMAIN.md: ≥ 11 pt); above, it is a poster.
SMALLEST_PT = Decimal(11)
LARGEST_PT = Decimal(72)


class LayoutError(DomainError):
    """A layout that cannot print: `field` is the editor's input ("recipient-w_mm", "paper")."""


@dataclass(frozen=True)
class Box:
    field: CertificateField
    x: Decimal
    y: Decimal
    w: Decimal
    h: Decimal
    font: FontFace
    size: Decimal
    min_size: Decimal
    align: Alignment
    printed: bool = True


@dataclass(frozen=True)
class Layout:
    paper: PaperSize
    orientation: Orientation
    wording: str
    boxes: tuple[Box, ...]
    is_default: bool = False

    @property
    def page_mm(self) -> tuple[int, int]:
        """(width, height) in millimetres."""
        short, long = self.paper.millimetres
        return (long, short) if self.orientation is Orientation.LANDSCAPE else (short, long)

    @property
    def paper_label(self) -> str:
        width, height = self.page_mm
        return f"{self.paper.label} {self.orientation.label.lower()} ({width} × {height} mm)"

    def box(self, field: CertificateField) -> Box | None:
        return next((box for box in self.boxes if box.field is field), None)


def _d(value) -> Decimal:
    return Decimal(str(value))


# The A4 landscape Giấy khen (NĐ 98/2023 Art. 104 described it so): the title, recipient and
# achievement in the middle, the decision bottom left, place, date and signer bottom right.
_A4_LANDSCAPE = (
    (CertificateField.AWARD_FORM, 30, 58, 237, 12, FontFace.SERIF_BOLD, 16, 12, Alignment.CENTER),
    (CertificateField.RECIPIENT, 30, 74, 237, 20, FontFace.SERIF_BOLD, 24, 14, Alignment.CENTER),
    (CertificateField.RECIPIENT_DETAIL, 30, 95, 237, 10, FontFace.SERIF_ITALIC, 15, 11, Alignment.CENTER),
    (CertificateField.ACHIEVEMENT, 35, 107, 227, 28, FontFace.SERIF, 16, 12, Alignment.CENTER),
    (CertificateField.DECISION, 20, 170, 110, 16, FontFace.SERIF_ITALIC, 13, 11, Alignment.LEFT),
    (CertificateField.PLACE_DATE, 150, 140, 130, 8, FontFace.SERIF_ITALIC, 14, 11, Alignment.CENTER),
    (CertificateField.SIGNER_TITLE, 150, 149, 130, 14, FontFace.SERIF_BOLD, 14, 11, Alignment.CENTER),
    (CertificateField.SIGNER_NAME, 150, 187, 130, 9, FontFace.SERIF_BOLD, 15, 11, Alignment.CENTER),
)


def default_layout(award_form_name: str) -> Layout:
    """What a form prints with until the secretariat saves its own layout: a Bằng khen on A3
    landscape, anything else (Giấy khen) on A4 landscape."""
    boxes = tuple(Box(field, _d(x), _d(y), _d(w), _d(h), font, _d(size), _d(low), align)
                  for field, x, y, w, h, font, size, low, align in _A4_LANDSCAPE)
    if "bằng khen" in award_form_name.lower():
        ratio = Decimal("1.414")  # A4 → A3: every length × √2, type a little less
        type_ratio = Decimal("1.25")
        boxes = tuple(replace(box, x=_round(box.x * ratio), y=_round(box.y * ratio), w=_round(box.w * ratio),
                              h=_round(box.h * ratio), size=_round(box.size * type_ratio),
                              min_size=_round(box.min_size * type_ratio)) for box in boxes)
        return Layout(PaperSize.A3, Orientation.LANDSCAPE, DEFAULT_WORDING, boxes, is_default=True)
    return Layout(PaperSize.A4, Orientation.LANDSCAPE, DEFAULT_WORDING, boxes, is_default=True)


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"))


def from_model(layout: CertificateLayout) -> Layout:
    stored = {row.field: row for row in layout.fields}
    boxes = []
    fallback = default_layout(layout.award_form.name)
    for field in CertificateField:
        row = stored.get(field)
        if row is None:  # a field added after the layout was saved prints where the default puts it
            boxes.append(fallback.box(field))
            continue
        boxes.append(Box(field, row.x_mm, row.y_mm, row.w_mm, row.h_mm, row.font, row.size_pt, row.min_size_pt,
                         row.align, row.is_printed))
    return Layout(layout.paper, layout.orientation, layout.achievement_wording, tuple(boxes))


def check_layout(layout: Layout) -> list[LayoutError]:
    """Every reason the layout cannot print, each naming the editor's input; empty when fine."""
    errors = []
    width, height = layout.page_mm
    for box in layout.boxes:
        name = box.field.label
        key = box.field.value
        if box.w <= 0:
            errors.append(LayoutError(f"Ô “{name}”: chiều rộng phải lớn hơn 0 mm.", field=f"{key}-w_mm"))
        if box.h <= 0:
            errors.append(LayoutError(f"Ô “{name}”: chiều cao phải lớn hơn 0 mm.", field=f"{key}-h_mm"))
        if box.x < 0:
            errors.append(LayoutError(f"Ô “{name}” nằm ngoài khổ giấy: lề trái (x) không được âm.",
                                      field=f"{key}-x_mm"))
        if box.y < 0:
            errors.append(LayoutError(f"Ô “{name}” nằm ngoài khổ giấy: lề trên (y) không được âm.",
                                      field=f"{key}-y_mm"))
        if box.x + box.w > width:
            errors.append(LayoutError(
                f"Ô “{name}” nằm ngoài khổ giấy {layout.paper_label}: lề trái + chiều rộng = "
                f"{format_number(box.x + box.w)} mm, vượt quá {width} mm.", field=f"{key}-w_mm"))
        if box.y + box.h > height:
            errors.append(LayoutError(
                f"Ô “{name}” nằm ngoài khổ giấy {layout.paper_label}: lề trên + chiều cao = "
                f"{format_number(box.y + box.h)} mm, vượt quá {height} mm.", field=f"{key}-h_mm"))
        if not SMALLEST_PT <= box.min_size <= LARGEST_PT:
            errors.append(LayoutError(
                f"Ô “{name}”: cỡ chữ nhỏ nhất phải từ {format_number(SMALLEST_PT)} đến {format_number(LARGEST_PT)} pt "
                f"(chữ nhỏ hơn 11 pt khó đọc khi in).", field=f"{key}-min_size_pt"))
        if not SMALLEST_PT <= box.size <= LARGEST_PT:
            errors.append(LayoutError(
                f"Ô “{name}”: cỡ chữ phải từ {format_number(SMALLEST_PT)} đến {format_number(LARGEST_PT)} pt.",
                field=f"{key}-size_pt"))
        elif box.min_size > box.size:
            errors.append(LayoutError(f"Ô “{name}”: cỡ chữ nhỏ nhất không được lớn hơn cỡ chữ.",
                                      field=f"{key}-min_size_pt"))
    errors.extend(check_wording(layout.wording))
    return errors


def check_wording(wording: str) -> list[LayoutError]:
    if not wording.strip():
        return [LayoutError("Vui lòng nhập câu thành tích.", field="achievement_wording")]
    try:
        keys = {name for _, name, spec, conversion in string.Formatter().parse(wording) if name is not None}
    except ValueError:
        keys = {"?"}
    unknown = keys - WORDING_KEYS
    if unknown:
        return [LayoutError("Câu thành tích chỉ được dùng {mo_hinh} (tên mô hình) và {nam} (năm); "
                            "dấu ngoặc nhọn phải đi theo cặp.", field="achievement_wording")]
    return []


def fill_wording(wording: str, *, initiative: str, year: int) -> str:
    return wording.format(mo_hinh=initiative, nam=year)
