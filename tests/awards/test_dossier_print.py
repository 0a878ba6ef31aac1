"""The demo's dossier as a user downloads it: the zip, its manifest, and every document
printed by LibreOffice and read back word by word (tests/render.py).

The zip is built once per module (LibreOffice is slow) and its PDFs are the ones checked.
These tests fail, never skip, when LibreOffice or poppler is missing.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from danvankheo.awards import documents, dossier
from danvankheo.awards.models import Proposal
from danvankheo.demo import seed_demo
from danvankheo.evidence import services as evidence
from danvankheo.evidence.storage import get_storage
from danvankheo.extensions import db
from tests import render
from tests.conftest import _clear_tables
from tests.evidence import samples

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# Printed name in the zip → the PNG of its first page in the user guide.
DOCUMENTS = {
    "02 Tờ trình 2025.pdf": "doc-to-trinh",
    "03 Biên bản họp Hội đồng 2025.pdf": "doc-bien-ban",
    "04 Dự thảo Quyết định khen thưởng 2025.pdf": "doc-du-thao-quyet-dinh",
    "05 Báo cáo thành tích/01 tập thể - Sở Tư pháp.pdf": "doc-bao-cao-thanh-tich-tap-the",
    "05 Báo cáo thành tích/02 cá nhân - Lê Minh Đức.pdf": "doc-bao-cao-thanh-tich-ca-nhan",
}
# The signer's name (or its dotted place) and the line above it, per document.
SIGNERS = {
    "02 Tờ trình 2025.pdf": [("PHÓ GIÁM ĐỐC", "Nguyễn Văn An")],
    "03 Biên bản họp Hội đồng 2025.pdf": [("THƯ KÝ", "Lê Thị Mai"), ("HỘI ĐỒNG", "Trần Văn Bình")],
    "04 Dự thảo Quyết định khen thưởng 2025.pdf": [("CHỦ TỊCH", "……………")],
    "05 Báo cáo thành tích/01 tập thể - Sở Tư pháp.pdf": [("đóng dấu)", "……………")],
    "05 Báo cáo thành tích/02 cá nhân - Lê Minh Đức.pdf": [("họ tên)", "Lê Minh Đức")],
}
EVIDENCE_NAME = "Ảnh buổi hòa giải.pdf"


# The commune's papers (xã Gia Viễn, its Giấy khen): the same layout with its own names.
COMMUNE_DOCUMENTS = {
    "02 Tờ trình 2025.pdf": "VĂN PHÒNG HĐND VÀ UBND",
    "03 Biên bản họp Hội đồng 2025.pdf": "HỘI ĐỒNG THI ĐUA -",
    "04 Dự thảo Quyết định khen thưởng 2025.pdf": "UBND XÃ GIA VIỄN",
}
COMMUNE_SIGNERS = {
    "02 Tờ trình 2025.pdf": [("CHÁNH VĂN PHÒNG", "Phạm Văn Hùng")],
    "03 Biên bản họp Hội đồng 2025.pdf": [("THƯ KÝ", "Đinh Thị Lan"), ("HỘI ĐỒNG", "Phạm Văn Hùng")],
    "04 Dự thảo Quyết định khen thưởng 2025.pdf": [("CHỦ TỊCH", "……………")],
}


def _build(app, tmp_path_factory, organiser_code: str | None) -> dict:
    """The demo proposal of the organiser whose unit has `organiser_code` (None: the province),
    with an evidence file, its zip, and the files inside it."""
    from danvankheo.organisers.models import Organiser
    from danvankheo.scoring.models import Round
    from danvankheo.units.models import Unit

    render.require("soffice")
    render.require("pdftotext")
    saved = app.config["UPLOAD_FOLDER"]
    app.config["UPLOAD_FOLDER"] = str(tmp_path_factory.mktemp("evidence"))
    try:
        with app.app_context():
            try:
                seed_demo()
                db.session.commit()
                query = select(Proposal).join(Round, Round.id == Proposal.round_id).order_by(Proposal.id)
                if organiser_code:
                    query = query.join(Organiser, Organiser.id == Round.organiser_id).join(
                        Unit, Unit.id == Organiser.unit_id).where(Unit.code == organiser_code)
                proposal = db.session.scalars(query).first()
                missing = documents.missing_for_documents(proposal, documents.Settings.from_config(app.config))
                votes = {line.recipient_name: proposal.meeting.vote_for(line).votes_for for line in proposal.lines}
                evidence_bytes = samples.pdf_bytes(text="Biên bản hòa giải")
                evidence.attach(proposal.lines[0].initiative, io.BytesIO(evidence_bytes), EVIDENCE_NAME, actor=None)
                db.session.commit()
                target = io.BytesIO()
                entries = dossier.write_dossier(proposal, target, config=app.config, today=date(2025, 12, 5),
                                                storage=get_storage())
                models = {line.initiative_id: line.initiative for line in proposal.lines}
                evidence_names = [e.original_name for model in models.values() for e in model.evidence]
            finally:
                db.session.rollback()
                db.session.remove()
                _clear_tables()
    finally:
        app.config["UPLOAD_FOLDER"] = saved
    archive = zipfile.ZipFile(io.BytesIO(target.getvalue()))
    files = {name: archive.read(name) for name in archive.namelist()}
    printed = DOCUMENTS if organiser_code is None else COMMUNE_DOCUMENTS
    pages = {name: render.pages(files[name]) for name in printed if name in files}
    return {"entries": entries, "files": files, "pages": pages, "evidence": evidence_bytes,
            "evidence_names": evidence_names, "missing": missing, "votes": votes}


@pytest.fixture(scope="module")
def built(_app, tmp_path_factory):
    return _build(_app, tmp_path_factory, None)


@pytest.fixture(scope="module")
def commune(_app, tmp_path_factory):
    return _build(_app, tmp_path_factory, "XGV")


def test_the_demo_proposal_has_its_meeting_and_nothing_missing(built):
    assert built["missing"] == []
    # The demo council (3 members) voted by secret ballot; more than half is 2 votes.
    assert built["votes"] and all(votes >= 2 for votes in built["votes"].values())
    for name in DOCUMENTS:
        assert "……/……" not in " ".join(page.text for page in built["pages"][name])


def test_the_zip_holds_every_paper_in_word_and_pdf(built):
    names = set(built["files"])
    assert "01 Danh sách đề nghị khen thưởng 2025.xlsx" in names
    assert "01 Danh sách đề nghị khen thưởng 2025.pdf" in names
    for pdf in DOCUMENTS:
        assert pdf in names and pdf.removesuffix(".pdf") + ".docx" in names
    assert dossier.NOTES_NAME not in names  # nothing missing: PDFs made, evidence found


def test_the_zip_carries_the_evidence_of_the_proposed_models(built):
    evidence_files = {n: d for n, d in built["files"].items() if n.startswith("06 Minh chứng/")}
    assert len(evidence_files) == len(built["evidence_names"]) >= 1
    assert built["evidence"] in evidence_files.values()
    assert any(name.endswith("/" + EVIDENCE_NAME) for name in evidence_files)


def test_the_manifest_matches_the_files(built):
    files = built["files"]
    lines = files[dossier.MANIFEST_NAME].decode("utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    assert set(listed) == set(files) - {dossier.MANIFEST_NAME}
    for name, digest in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
    assert [e.name for e in built["entries"]] == list(listed)


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_every_document_prints_without_clipped_overlapping_or_small_text(built, name):
    pages = built["pages"][name]
    assert pages and pages[0].words
    assert render.problems(pages) == []


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_the_motto_and_the_issuing_body_stand_on_one_line_each(built, name):
    first = built["pages"][name][0]
    assert first.find("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") is not None, first.line_texts()[:6]
    assert first.find("Độc lập - Tự do - Hạnh phúc") is not None
    motto = first.find("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert motto[0].x0 > first.width / 2 - 40  # top right


def _gap(pages: list[render.Page], above: str, name: str) -> float:
    """Points between the last line `above` and the signer's `name` printed under it."""
    for page in reversed(pages):
        head = None
        for row in page.lines():
            texts = " ".join(w.text for w in row)
            if above in texts:
                head = row
        if head is None:
            continue
        bottom = max(w.y1 for w in head)
        below = [w for w in page.words if w.y0 > bottom and w.text == name.split()[0]
                 and w.x0 > head[0].x0 - 120 and w.x1 < head[-1].x1 + 120]
        if below:
            return min(w.y0 for w in below) - bottom
    raise AssertionError(f"{above!r} / {name!r} not found")


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_the_signer_block_leaves_room_for_signature_and_seal(built, name):
    for above, signer in SIGNERS[name]:
        assert _gap(built["pages"][name], above, signer) >= 71, (above, signer)


def test_first_pages_are_saved_for_the_guide(built):
    for name, png in DOCUMENTS.items():
        path = render.first_page_png(built["files"][name], SCREENSHOTS / f"{png}.png")
        assert path.stat().st_size > 5000


# --- The commune's papers ------------------------------------------------------------------------


def test_the_commune_proposal_has_its_meeting_and_nothing_missing(commune):
    assert commune["missing"] == []
    assert commune["votes"] and all(votes == 2 for votes in commune["votes"].values())


@pytest.mark.parametrize("name", list(COMMUNE_DOCUMENTS))
def test_the_commune_papers_print_without_clipped_overlapping_or_small_text(commune, name):
    pages = commune["pages"][name]
    assert pages and pages[0].words
    assert render.problems(pages) == []


@pytest.mark.parametrize(("name", "body"), list(COMMUNE_DOCUMENTS.items()))
def test_the_commune_header_keeps_the_motto_and_its_office_on_one_line_each(commune, name, body):
    first = commune["pages"][name][0]
    assert first.find("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") is not None, first.line_texts()[:6]
    assert first.find(body) is not None, first.line_texts()[:6]
    assert first.find("UBND XÃ GIA VIỄN") is not None
    assert first.find("Gia Viễn, ngày") is not None


def test_the_commune_decision_names_its_own_authority_and_no_empty_count(commune):
    text = " ".join(page.text for page in commune["pages"]["04 Dự thảo Quyết định khen thưởng 2025.pdf"])
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ" in text and "đặc khu" not in text.lower()
    assert "cho 2 tập thể (có danh sách kèm theo)" in text and "0 cá nhân" not in text
    assert "Chánh Văn phòng HĐND và UBND, thủ trưởng" in text and "Giám đốc Văn phòng" not in text
    assert "Số: 312/QĐ-UBND" in text
    submission = " ".join(page.text for page in commune["pages"]["02 Tờ trình 2025.pdf"])
    assert "Kính gửi: Chủ tịch UBND xã Gia Viễn." in submission and "Số: 25/TTr-VP" in submission


@pytest.mark.parametrize("name", list(COMMUNE_DOCUMENTS))
def test_the_commune_signer_block_leaves_room_for_signature_and_seal(commune, name):
    for above, signer in COMMUNE_SIGNERS[name]:
        assert _gap(commune["pages"][name], above, signer) >= 71, (above, signer)
