"""Reading a certificate PDF back: every planned line of text found, on its page, inside its box
moved by the calibration, at no less than the layout's minimum size, and nothing else printed."""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics

from danvankheo.certificates.models import Alignment
from danvankheo.certificates.render import Offsets, PagePlan
from tests.render import Page, Word

POINTS_PER_MM = 72 / 25.4
SLACK = 0.6  # points: rounding of poppler's coordinates


def box_points(placed, offsets: Offsets) -> tuple[float, float, float, float]:
    box = placed.box
    x0 = float(box.x + offsets.x) * POINTS_PER_MM
    y0 = float(box.y + offsets.y) * POINTS_PER_MM
    return x0, y0, x0 + float(box.w) * POINTS_PER_MM, y0 + float(box.h) * POINTS_PER_MM


def inside(word: Word, area: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = area
    return word.x0 >= x0 - SLACK and word.x1 <= x1 + SLACK and word.y0 >= y0 - SLACK and word.y1 <= y1 + SLACK


def occurrences(page: Page, phrase: str) -> list[list[Word]]:
    wanted = phrase.split()
    found = []
    for row in page.lines():
        texts = [w.text for w in row]
        for i in range(len(texts) - len(wanted) + 1):
            if texts[i : i + len(wanted)] == wanted:
                found.append(row[i : i + len(wanted)])
    return found


def aligned(words: list[Word], area: tuple[float, float, float, float], align: Alignment) -> bool:
    """The line stands where its alignment puts it in the (moved) box: so a box that the
    calibration did not move, or moved the wrong way, is found even when the text still fits."""
    x0, _, x1, _ = area
    left, right = words[0].x0, words[-1].x1
    if align is Alignment.LEFT:
        return abs(left - x0) <= SLACK
    if align is Alignment.RIGHT:
        return abs(right - x1) <= SLACK
    return abs((left + right) / 2 - (x0 + x1) / 2) <= SLACK


def word_box_per_point(font: str) -> float:
    """pdftotext's word box is the font descriptor's ascent + descent, per point of size."""
    ascent, descent = pdfmetrics.getAscentDescent(font, 1)
    return ascent - descent


def page_problems(plan: PagePlan, page: Page, offsets: Offsets) -> list[str]:
    """Empty when the page prints exactly the plan, each field inside its moved box."""
    found = []
    expected_words = 0
    width_mm, height_mm = plan.layout.page_mm
    if abs(page.width - width_mm * POINTS_PER_MM) > 1 or abs(page.height - height_mm * POINTS_PER_MM) > 1:
        found.append(f"page is {page.width:.0f} × {page.height:.0f} pt, not {width_mm} × {height_mm} mm")
    for placed in plan.placed:
        area = box_points(placed, offsets)
        minimum = float(placed.box.min_size) * word_box_per_point(placed.font)
        for line in placed.lines:
            expected_words += len(line.split())
            candidates = occurrences(page, line)
            if not candidates:
                found.append(f"{placed.box.field.value}: {line!r} is not printed")
                continue
            inside_box = [words for words in candidates if all(inside(w, area) for w in words)]
            if not inside_box:
                found.append(f"{placed.box.field.value}: {line!r} lies outside its box")
            elif not any(aligned(words, area, placed.box.align) for words in inside_box):
                found.append(f"{placed.box.field.value}: {line!r} is not aligned {placed.box.align.value} in its box")
            for words in candidates:
                for word in words:
                    if word.height < minimum - 0.05:
                        found.append(f"{placed.box.field.value}: {word.text!r} is smaller than the minimum size")
    if len(page.words) != expected_words:
        found.append(f"{len(page.words)} words printed, {expected_words} planned")
    return found
