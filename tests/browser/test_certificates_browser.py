"""In phôi in Chromium: the secretariat opens the certificates of the demo's approved decision
from the proposal page, downloads them, edits a layout with its live preview (an error shows
while typing, nothing is saved until "Lưu mẫu") and calibrates its printer. axe-core finds no
serious or critical violation. Screenshots go to the secretariat's guide (certificates-*.png)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import func, select

from danvankheo.awards.models import AwardForm, Proposal, ProposalState
from danvankheo.certificates.models import CertificateLayout, CertificateSettings
from danvankheo.demo import DEMO_PASSWORD, seed_demo
from danvankheo.extensions import db
from tests.browser.conftest import CHROMIUM, browser_login, screenshot
from tests.browser.test_accessibility_browser import AXE_OPTIONS, BLOCKING
from tests.render import pages

pytestmark = pytest.mark.browser


def _blocking(page, axe: Axe, label: str) -> list[str]:
    results = axe.run(page, options=AXE_OPTIONS)
    return [f"{label} [{v['impact']}] {v['id']}: {node['target']}" for v in results.response["violations"]
            if v["impact"] in BLOCKING for node in v["nodes"]]


def test_secretariat_prints_the_certificates_of_a_decision(page, tmp_path):
    seed_demo()
    db.session.commit()
    proposal = db.session.scalar(select(Proposal).where(Proposal.state == ProposalState.APPROVED)
                                 .order_by(Proposal.id))
    axe = Axe()
    found = []

    browser_login(page, "noivu", DEMO_PASSWORD)
    page.goto(f"/khen-thuong/de-nghi/{proposal.id}")
    page.get_by_role("link", name="In phôi Giấy khen, Bằng khen").click()
    expect(page.get_by_role("heading", name="In phôi Giấy khen, Bằng khen")).to_be_visible()
    expect(page.get_by_test_id("decision-number")).to_have_text(proposal.decision_number)
    expect(page.get_by_test_id("all-fit")).to_be_visible()
    rows = page.get_by_test_id("certificate-lines").locator("tbody tr")
    assert rows.count() == len(proposal.lines)
    found += _blocking(page, axe, "download page")
    screenshot(page, "certificates-download")

    with page.expect_download() as info:
        page.get_by_test_id("pdf-framed").click()
    path = tmp_path / "phoi.pdf"
    info.value.save_as(path)
    assert info.value.suggested_filename.endswith("-co-khung.pdf")
    doc = pages(path.read_bytes())
    assert len(doc) == len(proposal.lines) and doc[0].find(proposal.collective_lines[0].recipient_name)

    # The layout of the Bằng khen: typing redraws the preview; a box off the paper is shown at once.
    form = db.session.scalar(select(AwardForm).where(AwardForm.name == "Bằng khen của Chủ tịch UBND tỉnh"))
    page.goto(f"/khen-thuong/hinh-thuc/{form.id}/mau-phoi")
    image = page.get_by_test_id("preview-image")
    first = image.get_attribute("src")
    assert first.startswith("data:image/png;base64,")
    page.get_by_label("Tên tập thể / Họ và tên: Cỡ chữ (pt)").fill("34,5")
    expect(image).not_to_have_attribute("src", first)
    page.get_by_label("Thành tích: Rộng (mm)").fill("400")
    error = page.locator('[data-error-for="achievement-w_mm"]')
    expect(error).to_contain_text("nằm ngoài khổ giấy A3 khổ ngang (420 × 297 mm)")
    expect(page.locator("#achievement-w_mm")).to_have_class("form-control form-control-sm mm-input is-invalid")
    page.get_by_role("button", name="Lưu mẫu").click()
    expect(page.get_by_test_id("form-errors")).to_be_visible()
    page.problems[:] = [p for p in page.problems if "400" not in p]  # the refused form answers 400
    assert db.session.scalar(select(func.count()).select_from(CertificateLayout)) == 0
    page.get_by_label("Thành tích: Rộng (mm)").fill("320")
    page.get_by_label("Tên tập thể / Họ và tên: Cỡ chữ (pt)").fill("34,5")
    expect(error).to_have_text("")
    page.get_by_role("button", name="Lưu mẫu").click()
    expect(page.get_by_text("Đã lưu mẫu in phôi của “Bằng khen của Chủ tịch UBND tỉnh”.")).to_be_visible()
    expect(page.get_by_label("Tên tập thể / Họ và tên: Cỡ chữ (pt)")).to_have_value("34,5")
    found += _blocking(page, axe, "layout editor")
    screenshot(page, "certificates-layout")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(CertificateLayout)) == 1

    # Calibration: 25 mm is refused, 2,5 mm saved.
    page.goto("/khen-thuong/in-phoi/can-chinh")
    page.get_by_label("Độ lệch ngang X (mm)").fill("25")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("quá lớn: chỉ được từ −20 đến 20 mm")).to_be_visible()
    page.problems[:] = [p for p in page.problems if "400" not in p]
    found += _blocking(page, axe, "calibration refused")
    page.get_by_label("Độ lệch ngang X (mm)").fill("2,5")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu căn chỉnh máy in và người ký phôi.")).to_be_visible()
    screenshot(page, "certificates-calibration")
    db.session.expire_all()
    assert any(str(s.offset_x_mm) == "2.5" for s in db.session.scalars(select(CertificateSettings)))
    page.goto("/khen-thuong/in-phoi/mau-phoi")
    found += _blocking(page, axe, "layouts")
    assert found == []


def test_an_english_browser_types_millimetres_with_a_point(chromium, live_server, browser_app):
    """The boxes are text, read the Vietnamese way or with a point: 12.5 in an en-US browser."""
    assert CHROMIUM
    seed_demo()
    db.session.commit()
    form = db.session.scalar(select(AwardForm).where(AwardForm.name == "Giấy khen của Chủ tịch UBND xã"))
    context = chromium.new_context(base_url=live_server, locale="en-US", viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        browser_login(page, "thuky.giavien", DEMO_PASSWORD)
        page.goto(f"/khen-thuong/hinh-thuc/{form.id}/mau-phoi")
        page.get_by_label("Số, ngày Quyết định: Lề trái x (mm)").fill("22.5")
        page.get_by_role("button", name="Lưu mẫu").click()
        expect(page.get_by_text("Đã lưu mẫu in phôi")).to_be_visible()
        expect(page.get_by_label("Số, ngày Quyết định: Lề trái x (mm)")).to_have_value("22,5")
        screenshot(page, "certificates-layout-en")
    finally:
        context.close()
