"""Charts drawn on the server as SVG: pure functions from data to markup.

No script and no style attribute (the Content-Security-Policy allows neither inline):
colours are presentation attributes. Every chart is a group named by its <title> and <desc>
(not an image: an image may not hold the links of its bars, WCAG "nested-interactive"), each
bar's link is named "label: value", and the page puts a table with the same figures under it,
which is what screen readers and printouts rely on. Text is 14 px in a 640-wide drawing that
the page never shrinks below 560 px (app.css), so labels stay at least 12 px on a phone.
Dark fills and black text keep the bars readable in greyscale print.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..core.formatting import format_number

PALETTE = ("#a50e0e", "#1f4e79", "#2e7d32", "#b26a00", "#5e35b1", "#00695c", "#6d4c41", "#455a64")
TEXT = "#212529"
GRID = "#ced4da"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


@dataclass(frozen=True)
class ChartItem:
    """One bar: its label, its value and where its number links to."""

    label: str
    value: float
    href: str | None = None
    color: str | None = None


FONT_SIZE = 14


def _number(value: float) -> str:
    return format_number(round(value, 1))


def _link(href: str | None, inner: str, name: str) -> str:
    if not href:
        return inner
    return f'<a href="{escape(href)}" aria-label="{escape(name)}">{inner}</a>'


def _truncate(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _open(width: int, height: int, title: str, desc: str, css_class: str) -> tuple[str, str]:
    # Ids from the content, so the same data always gives the same markup.
    n = hashlib.sha1(f"{css_class}|{title}|{desc}".encode()).hexdigest()[:10]
    title_id, desc_id = f"chart-title-{n}", f"chart-desc-{n}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" role="group" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="{FONT}" font-size="{FONT_SIZE}" fill="{TEXT}">'
        f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(desc)}</desc>'
    )
    return head, "</svg>"


def _describe(items: Sequence[ChartItem], unit: str) -> str:
    return "; ".join(f"{item.label}: {_number(item.value)}{unit}" for item in items) or "Không có dữ liệu"


def bar_chart(
    items: Sequence[ChartItem],
    *,
    title: str,
    width: int = 640,
    unit: str = "",
    max_value: float | None = None,
    label_width: int = 230,
) -> Markup:
    """Horizontal bars, one per item, labelled on the left with the value at the bar's end."""
    row, top, bottom = 30, 8, 8
    height = top + bottom + row * max(len(items), 1)
    head, tail = _open(width, height, title, _describe(items, unit), "chart chart-bar")
    parts = [head]
    if not items:
        parts.append(f'<text x="{width / 2}" y="{height / 2 + 4}" text-anchor="middle">Không có dữ liệu</text>')
        return Markup("".join(parts) + tail)
    scale_max = max_value if max_value is not None else max((i.value for i in items), default=0)
    bar_area = width - label_width - 70
    parts.append(
        f'<line x1="{label_width}" y1="{top}" x2="{label_width}" y2="{height - bottom}" stroke="{GRID}"/>'
    )
    for n, item in enumerate(items):
        name = f"{item.label}: {_number(item.value)}{unit}"
        y = top + n * row
        length = 0 if scale_max <= 0 else max(item.value / scale_max * bar_area, 0)
        fill = item.color or PALETTE[0]
        label = escape(_truncate(item.label, 30))
        parts.append(
            f'<text x="{label_width - 8}" y="{y + row / 2 + 4:.1f}" text-anchor="end">'
            f"<title>{escape(item.label)}</title>{label}</text>"
        )
        parts.append(
            _link(
                item.href,
                f'<rect x="{label_width}" y="{y + 5}" width="{length:.1f}" height="{row - 10}" '
                f'fill="{fill}"><title>{escape(item.label)}: {_number(item.value)}{escape(unit)}</title></rect>',
                name,
            )
        )
        parts.append(
            _link(
                item.href,
                f'<text x="{label_width + length + 6:.1f}" y="{y + row / 2 + 4:.1f}" font-weight="600">'
                f"{_number(item.value)}{escape(unit)}</text>",
                name,
            )
        )
    return Markup("".join(parts) + tail)


def column_chart(
    items: Sequence[ChartItem],
    *,
    title: str,
    width: int = 640,
    height: int = 260,
    unit: str = "",
) -> Markup:
    """Vertical columns, for a series over years; the labels go under the columns."""
    top, bottom, left, right = 24, 36, 16, 16
    head, tail = _open(width, height, title, _describe(items, unit), "chart chart-column")
    parts = [head]
    if not items:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">Không có dữ liệu</text>')
        return Markup("".join(parts) + tail)
    scale_max = max((i.value for i in items), default=0)
    plot_h = height - top - bottom
    slot = (width - left - right) / len(items)
    bar_w = min(slot * 0.6, 80)
    base_y = top + plot_h
    parts.append(f'<line x1="{left}" y1="{base_y}" x2="{width - right}" y2="{base_y}" stroke="{GRID}"/>')
    for n, item in enumerate(items):
        name = f"{item.label}: {_number(item.value)}{unit}"
        x = left + n * slot + (slot - bar_w) / 2
        h = 0 if scale_max <= 0 else item.value / scale_max * plot_h
        fill = item.color or PALETTE[1]
        cx = x + bar_w / 2
        parts.append(
            _link(
                item.href,
                f'<rect x="{x:.1f}" y="{base_y - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{fill}">'
                f"<title>{escape(item.label)}: {_number(item.value)}{escape(unit)}</title></rect>",
                name,
            )
        )
        parts.append(
            _link(
                item.href,
                f'<text x="{cx:.1f}" y="{base_y - h - 6:.1f}" text-anchor="middle" font-weight="600">'
                f"{_number(item.value)}{escape(unit)}</text>",
                name,
            )
        )
        parts.append(
            f'<text x="{cx:.1f}" y="{base_y + 20}" text-anchor="middle">{escape(_truncate(item.label, 12))}</text>'
        )
    return Markup("".join(parts) + tail)


def progress_chart(value: float, total: float, *, title: str, width: int = 640, href: str | None = None) -> Markup:
    """One bar showing a share of a whole (e.g. units with at least one model)."""
    height = 44
    share = 0 if total <= 0 else value / total
    desc = f"{_number(value)}/{_number(total)} ({format_number(round(share * 100))}%)"
    head, tail = _open(width, height, title, desc, "chart chart-progress")
    length = share * (width - 2)
    parts = [
        head,
        f'<rect x="1" y="6" width="{width - 2}" height="24" fill="#f1f3f5" stroke="{GRID}"/>',
        _link(href, f'<rect x="1" y="6" width="{length:.1f}" height="24" fill="{PALETTE[2]}"/>', f"{title}: {desc}"),
        f'<text x="{width / 2}" y="23" text-anchor="middle" font-weight="600" fill="{TEXT}" '
        f'stroke="#ffffff" stroke-width="3" paint-order="stroke">{escape(desc)}</text>',
    ]
    return Markup("".join(parts) + tail)
