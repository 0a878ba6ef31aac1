"""The Mặt trận Tổ quốc's journey in Chromium (issue 23, item 4), at vi-VN and en-US: `mttq`
finds an accepted model without its opinion, is refused an empty text in Vietnamese, records
a partly-agreeing opinion with a PDF, and the evaluator assigned to the model reads it on the
scoring page beside the dossier. axe: 0 serious or critical violations on every page visited.
Screenshots (vi-VN) go to the guides: mttq-danh-sach, mttq-y-kien, giam-khao-y-kien-giam-sat."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from danvankheo.demo import DEMO_PASSWORD, seed_demo
from danvankheo.extensions import db
from danvankheo.registry.models import Initiative
from danvankheo.scoring.models import Assignment
from danvankheo.supervision.models import Stance, SupervisionOpinion
from tests.browser.conftest import browser_login, browser_logout, screenshot
from tests.browser.test_accessibility_browser import _violations
from tests.evidence.samples import pdf_bytes

pytestmark = pytest.mark.browser

OPINION = ("Ủy ban MTTQ tỉnh giám sát tại 3 xã: người cao tuổi xác nhận được khám tại nhà văn hóa thôn; "
           "số lượt khám đơn vị nêu phù hợp với sổ theo dõi của Hội Người cao tuổi.")


@pytest.fixture(params=["vi-VN", "en-US"])
def localized_page(request, chromium, live_server, browser_app):
    context = chromium.new_context(base_url=live_server, locale=request.param,
                                   viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.locale = request.param
    page.problems = []
    page.on("console", lambda msg: page.problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()
    # The refused empty text answers 400 on purpose (the form comes back with its message).
    problems = [p for p in page.problems if "status of 400" not in p]
    assert not problems, f"browser console errors: {problems}"


def test_the_mttq_records_an_opinion_and_the_council_reads_it(localized_page, tmp_path):
    page = localized_page
    seed_demo()
    db.session.commit()
    axe = Axe()
    found: list[str] = []
    shots = page.locale == "vi-VN"

    browser_login(page, "mttq", DEMO_PASSWORD)
    expect(page.locator('[data-panel="supervision"]')).to_contain_text("Đã ghi ý kiến")
    page.get_by_role("link", name="Giám sát mô hình").first.click()
    page.wait_for_url("**/giam-sat")
    page.get_by_label("Ý kiến giám sát").select_option("chua")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url("**y_kien=chua**")
    found += _violations(page, axe, page.url.split(page.url.split("/giam-sat")[0])[1])
    if shots:
        screenshot(page, "mttq-danh-sach")
    row = page.get_by_test_id("supervision-list").locator("tbody tr").first
    name = row.locator("td").first.inner_text().strip()
    row.get_by_role("link", name="Ghi ý kiến").click()
    page.wait_for_url("**/giam-sat/mo-hinh/*")
    opinion_path = "/" + page.url.split("/", 3)[3]
    found += _violations(page, axe, opinion_path)

    # An empty text is refused in Vietnamese and nothing is saved.
    page.get_by_label("Đồng ý một phần").check()
    page.get_by_role("button", name="Gửi ý kiến giám sát").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("Vui lòng ghi nội dung ý kiến giám sát.")
    assert db.session.scalar(select(SupervisionOpinion).join(Initiative).where(Initiative.name == name)) is None

    page.get_by_label("Nội dung ý kiến giám sát").fill(OPINION)
    pdf = tmp_path / "Biên bản giám sát.pdf"
    pdf.write_bytes(pdf_bytes(text="biên bản"))
    page.get_by_label("Tệp đính kèm (không bắt buộc)").set_input_files(str(pdf))
    page.get_by_label("Đồng ý một phần").check()
    page.get_by_role("button", name="Gửi ý kiến giám sát").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi ý kiến giám sát")
    expect(page.get_by_test_id("supervision-opinion").first).to_contain_text("Biên bản giám sát.pdf")
    found += _violations(page, axe, opinion_path)
    if shots:
        screenshot(page, "mttq-y-kien")
    db.session.expire_all()
    opinion = db.session.scalar(select(SupervisionOpinion).join(Initiative).where(Initiative.name == name))
    assert opinion is not None and opinion.stance is Stance.PARTLY and opinion.file_name == "Biên bản giám sát.pdf"
    found += _violations(page, axe, f"/mo-hinh/{opinion.initiative_id}")
    found += _violations(page, axe, "/trang-chu")
    browser_logout(page)

    assignment = db.session.scalar(select(Assignment).where(Assignment.initiative_id == opinion.initiative_id)
                                   .order_by(Assignment.id))
    assert assignment is not None, "the demo round assigns every accepted 2026 model of the province"
    browser_login(page, assignment.evaluator.login, DEMO_PASSWORD)
    score_path = f"/cham-diem/{assignment.round_id}/{opinion.initiative_id}"
    found += _violations(page, axe, score_path)
    panel = page.get_by_test_id("supervision-panel")
    expect(panel).to_contain_text(OPINION)
    expect(panel).to_contain_text("Đồng ý một phần")
    expect(panel.get_by_role("link", name="Tệp đính kèm: Biên bản giám sát.pdf")).to_be_visible()
    if shots:
        panel.scroll_into_view_if_needed()
        screenshot(page, "giam-khao-y-kien-giam-sat")
    assert not found, "\n".join(found)
