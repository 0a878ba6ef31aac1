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


@pytest.fixture(scope="module")
def built(_app, tmp_path_factory):
    """The demo proposal with an evidence file, its zip, and the files inside it."""
    render.require("soffice")
    render.require("pdftotext")
    saved = _app.config["UPLOAD_FOLDER"]
    _app.config["UPLOAD_FOLDER"] = str(tmp_path_factory.mktemp("evidence"))
    try:
        with _app.app_context():
            try:
                seed_demo()
                db.session.commit()
                proposal = db.session.scalar(select(Proposal))
                missing = documents.missing_for_documents(proposal, documents.Settings.from_config(_app.config))
                votes = {line.recipient_name: proposal.meeting.vote_for(line).votes_for for line in proposal.lines}
                evidence_bytes = samples.pdf_bytes(text="Biên bản hòa giải")
                evidence.attach(proposal.lines[0].initiative, io.BytesIO(evidence_bytes), EVIDENCE_NAME, actor=None)
                db.session.commit()
                target = io.BytesIO()
                entries = dossier.write_dossier(proposal, target, config=_app.config, today=date(2025, 12, 5),
                                                storage=get_storage())
                models = {line.initiative_id: line.initiative for line in proposal.lines}
                evidence_names = [e.original_name for model in models.values() for e in model.evidence]
            finally:
                db.session.rollback()
                db.session.remove()
                _clear_tables()
    finally:
        _app.config["UPLOAD_FOLDER"] = saved
    archive = zipfile.ZipFile(io.BytesIO(target.getvalue()))
    files = {name: archive.read(name) for name in archive.namelist()}
    pages = {name: render.pages(files[name]) for name in DOCUMENTS if name in files}
    return {"entries": entries, "files": files, "pages": pages, "evidence": evidence_bytes,
            "evidence_names": evidence_names, "missing": missing, "votes": votes}


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
