"""The poster (A4, A5) and the sheet of one-time codes print as they come out: one page, the
page size asked for, nothing cut off or overlapping, nothing under 11 pt; and the QR code on
the printed poster reads back as the survey's link (zbarimg, as a phone's camera would)."""

from __future__ import annotations

import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from danvankheo.extensions import db
from danvankheo.feedback import posters, services
from tests.render import first_page_png, pages, problems, require, to_pdf
from tests.scoring.conftest import build_province

# The first page of each poster, shown in the guides.
POSTER_PNG = {"a4": "y-kien-ap-phich-a4", "a5": "y-kien-ap-phich-a5"}

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES_PT = {"a4": (595, 842), "a5": (420, 595)}


def decode_qr(pdf: bytes, tmp_path: Path) -> str:
    zbarimg = require("zbarimg")
    image = first_page_png(pdf, tmp_path / "poster.png", resolution=150)
    out = subprocess.run([zbarimg, "--quiet", "--raw", str(image)], capture_output=True, timeout=60, check=True)
    return out.stdout.decode().strip()


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_poster_prints_clean_and_its_qr_reads_back(app, tmp_path, size):
    p = build_province()
    model = p.models["commune"]
    survey = services.open_survey(model)
    db.session.commit()
    link = f"https://dvk.ninhbinh.gov.vn/y-kien/{survey.public_code}"
    with app.test_request_context():
        pdf = to_pdf(posters.poster_docx(model, link, size), ".docx", tmp_path)
    doc = pages(pdf)
    assert len(doc) == 1
    assert (round(doc[0].width), round(doc[0].height)) == SIZES_PT[size]
    assert problems(doc) == []
    text = " ".join(w.text for w in doc[0].words)
    assert model.name in text and model.unit.name in text and link in text
    assert "không hỏi họ tên, số điện thoại hay email" in text
    assert decode_qr(pdf, tmp_path) == link
    first_page_png(pdf, SCREENSHOTS / f"{POSTER_PNG[size]}.png")
    assert len(PdfReader(BytesIO(pdf)).pages) == 1


def test_codes_sheet_prints_clean(app, tmp_path):
    p = build_province()
    model = p.models["commune"]
    survey = services.open_survey(model)
    codes = services.generate_codes(survey, 60, p.secretariat)
    db.session.commit()
    link = f"https://dvk.ninhbinh.gov.vn/y-kien/{survey.public_code}"
    pdf = to_pdf(posters.codes_docx(model, link, codes, 1), ".docx", tmp_path)
    doc = pages(pdf)
    assert problems(doc) == []
    text = " ".join(w.text for page in doc for w in page.words)
    assert all(services.format_code(c.code) in text for c in codes)
    assert all((round(page.width), round(page.height)) == SIZES_PT["a4"] for page in doc)
    first_page_png(pdf, SCREENSHOTS / "y-kien-ma-phieu.png")
