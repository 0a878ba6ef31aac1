"""The demo's decisions print their certificates: read back from the PDF with pdftotext -bbox,
every field lies inside its box moved by the calibration, no smaller than the layout allows,
nothing clipped, and the names and decision numbers exactly as in the data."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import select

from danvankheo.awards.models import Proposal, ProposalState
from danvankheo.certificates import render, services
from danvankheo.certificates.models import CertificateField
from danvankheo.demo import DEMO_PASSWORD, seed_demo
from danvankheo.extensions import db
from tests.certificates.checks import page_problems
from tests.render import first_page_png, pages

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def demo(app):
    seed_demo()
    db.session.commit()
    return list(db.session.scalars(select(Proposal).where(Proposal.state == ProposalState.APPROVED)
                                   .order_by(Proposal.id)))


def _login(client, login: str) -> None:
    response = client.post("/dang-nhap", data={"login": login, "password": DEMO_PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("framed", [False, True], ids=["text-only", "framed"])
def test_every_demo_certificate_prints_inside_its_boxes(demo, app, framed):
    forms = set()
    assert len(demo) == 2  # the province's Bằng khen and the commune's Giấy khen
    for proposal in demo:
        certificates = services.proposal_certificates(proposal, app.config)
        assert certificates.offsets == services.offsets_for(proposal.round.organiser)
        assert not certificates.overflows and not certificates.missing
        doc = pages(certificates.pdf(framed=framed))
        assert len(doc) == len(certificates.pages) == len(proposal.lines)
        for plan, page in zip(certificates.pages, doc, strict=True):
            assert page_problems(plan, page, certificates.offsets) == [], plan.certificate.label
        forms |= {line.award_form.name for line in proposal.lines}
    assert forms == {"Bằng khen của Chủ tịch UBND tỉnh", "Giấy khen của Chủ tịch UBND xã"}


def test_the_province_calibration_moves_every_box(demo, app):
    province = demo[0]
    offsets = services.offsets_for(province.round.organiser)
    assert (offsets.x, offsets.y) != (0, 0)  # the demo's printer is calibrated
    certificates = services.proposal_certificates(province, app.config)
    page = pages(certificates.pdf(framed=False))[0]
    plan = certificates.pages[0]
    recipient = next(p for p in plan.placed if p.box.field is CertificateField.RECIPIENT)
    words = page.find(recipient.lines[0])
    # Centred in a box moved right by x mm: the name's centre moves by as much.
    centre = (words[0].x0 + words[-1].x1) / 2
    expected = float(recipient.box.x + offsets.x + recipient.box.w / 2) * 72 / 25.4
    assert abs(centre - expected) < 1


def test_names_and_decision_numbers_print_exactly_as_in_the_data(demo, app):
    for proposal in demo:
        doc = pages(services.proposal_certificates(proposal, app.config).pdf(framed=False))
        lines = [*proposal.collective_lines, *proposal.individual_lines]  # the list's order
        for line, page in zip(lines, doc, strict=True):
            assert page.find(line.recipient_name) is not None, line.recipient_name
            assert proposal.decision_number in [w.text for w in page.words]
            if not line.is_collective:
                assert page.find(f"{line.recipient_position}, {line.unit_name}") is not None
            assert page.find(line.award_form.name) is not None


def test_a_collective_achievement_wraps_onto_two_lines(demo, app):
    wrapped = [page for proposal in demo for page in services.proposal_certificates(proposal, app.config).pages
               if page.certificate.line_id in {line.id for line in proposal.collective_lines}
               and len(next(p for p in page.placed if p.box.field is CertificateField.ACHIEVEMENT).lines) == 2]
    assert wrapped


def test_the_signer_and_place_come_from_the_organisers_settings(demo, app):
    commune = demo[1]
    page = pages(services.proposal_certificates(commune, app.config).pdf(framed=False))[0]
    assert page.find("Đinh Văn Hòa") and page.find("CHỦ TỊCH")
    assert page.find("Gia Viễn, ngày 01 tháng 12 năm 2025")
    province = pages(services.proposal_certificates(demo[0], app.config).pdf(framed=False))[0]
    assert province.find("KT. CHỦ TỊCH") and province.find("PHÓ CHỦ TỊCH") and province.find("Trần Minh Quang")


def test_fonts_are_embedded(demo, app):
    pdf = services.proposal_certificates(demo[0], app.config).pdf(framed=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.pdf"
        path.write_bytes(pdf)
        listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = listing.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), listing  # the "emb" column


def test_the_download_links_answer_pdfs_in_list_order(demo, client):
    _login(client, "noivu")
    proposal = demo[0]
    detail = client.get(f"/khen-thuong/de-nghi/{proposal.id}").get_data(as_text=True)
    assert f"/khen-thuong/de-nghi/{proposal.id}/in-phoi.pdf" in detail
    assert f"/khen-thuong/de-nghi/{proposal.id}/in-phoi.pdf?khung=1" in detail
    whole = client.get(f"/khen-thuong/de-nghi/{proposal.id}/in-phoi.pdf")
    assert whole.status_code == 200 and whole.mimetype == "application/pdf"
    doc = pages(whole.data)
    ordered = [*proposal.collective_lines, *proposal.individual_lines]
    assert [bool(page.find(line.recipient_name)) for line, page in zip(ordered, doc, strict=True)] == \
        [True] * len(ordered)
    framed = client.get(f"/khen-thuong/de-nghi/{proposal.id}/in-phoi.pdf?khung=1")
    assert framed.status_code == 200 and framed.data != whole.data
    single = ordered[-1]
    alone = client.get(f"/khen-thuong/de-nghi/{proposal.id}/in-phoi/dong-{single.id}.pdf")
    one = pages(alone.data)
    assert len(one) == 1 and one[0].find(single.recipient_name)
    page = client.get(f"/khen-thuong/de-nghi/{proposal.id}/in-phoi").get_data(as_text=True)
    assert "Mọi nội dung đều nằm trong ô in" in page and single.recipient_name in page


def test_a_certificate_rendered_for_the_guide(demo, app):
    """The secretariat's guide shows the province's first certificate on its frame."""
    pdf = services.proposal_certificates(demo[1], app.config).pdf(framed=True)
    target = first_page_png(pdf, SCREENSHOTS / "phoi-giay-khen.png", resolution=60)
    assert target.stat().st_size > 10_000


def test_the_check_finds_a_page_printed_without_the_calibration(demo, app):
    """The word-box check is not blind: the province's page drawn without its offsets fails it."""
    certificates = services.proposal_certificates(demo[0], app.config)
    uncalibrated = pages(render.draw(certificates.pages, render.Offsets(), framed=False, title="x"))[0]
    problems = page_problems(certificates.pages[0], uncalibrated, certificates.offsets)
    assert problems and all("is not aligned" in problem or "lies outside its box" in problem for problem in problems)
