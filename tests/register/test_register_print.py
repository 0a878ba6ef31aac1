"""The register's and the statistics' workbooks printed through LibreOffice, as a reader of
the paper sees them (issue 13): A4, nothing clipped or overlapping, text at 11 pt or more.

Set SAVE_PRINT_SCREENSHOTS=1 to write the first pages to docs/screenshots/print-*.png."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from danvankheo.awards.models import AwardLevel
from danvankheo.extensions import db
from tests.register.builders import outside
from tests.render import first_page_png, pages, problems, to_pdf

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _print(client, url: str, name: str, tmp_path: Path):
    response = client.get(url)
    assert response.status_code == 200
    pdf = to_pdf(response.data, ".xlsx")
    first_page_png(pdf, tmp_path / f"print-{name}.png", resolution=100)
    if os.environ.get("SAVE_PRINT_SCREENSHOTS"):
        first_page_png(pdf, SCREENSHOTS / f"print-{name}.png")
    return pages(pdf)


def test_the_register_and_the_statistics_print_readably_on_a4(client, login_as, world, tmp_path):
    school = world.commune.units["school"]
    school.name = "Trường Trung học cơ sở Gia Viễn, xã Gia Viễn, tỉnh Ninh Bình (điểm trường chính và điểm lẻ)"
    outside(world.commune, school, number="85/QĐ-BDVTU", day=date(2024, 6, 12), body="Ban Dân vận Tỉnh ủy Ninh Bình",
            form_name="Giấy khen của Trưởng Ban Dân vận Tỉnh ủy", award_level=AwardLevel.PROVINCE)
    db.session.commit()
    login_as(world.commune.secretariat)
    register = _print(client, "/so-khen-thuong/excel", "so-theo-doi-khen-thuong", tmp_path)
    statistics = _print(client, "/so-khen-thuong/thong-ke/excel", "thong-ke-khen-thuong", tmp_path)
    for doc in (register, statistics):
        assert doc and all(abs(p.width - 595.3) < 2 or abs(p.width - 841.9) < 2 for p in doc)
        assert problems(doc) == []
    first = register[0]
    assert first.find("SỔ THEO DÕI KHEN THƯỞNG") is not None
    text = " ".join(p.text for p in register)
    for expected in ("12/QĐ-UBND", "7/QĐ-UBND", "Vũ Thị Mai", "Phạm Văn Hùng", "Quyết định số 9/QĐ-"):
        assert expected in text, expected
    stats_text = " ".join(p.text for p in statistics)
    assert statistics[0].find("THỐNG KÊ KHEN THƯỞNG") is not None and "2024" in stats_text
