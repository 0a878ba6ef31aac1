"""The register in Chromium (vi-VN): the commune's secretariat enters an award of another body
for a unit, typing the date dd/mm/yyyy, is refused a date in the future, then sees the award
in the unit's history and on the proposal page, in the candidate's five-year history. Every new
page passes axe (no serious or critical violation). Screenshots: register-*.png."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from danvankheo.awards import proposals
from danvankheo.extensions import db
from tests.browser.conftest import SCREENSHOTS, browser_login, screenshot
from tests.browser.test_accessibility_browser import _blocking
from tests.factories import PASSWORD
from tests.register.builders import build_register, form
from tests.two_levels import COMMUNE_FORM

pytestmark = pytest.mark.browser


def test_an_outside_award_entered_for_a_unit_shows_on_the_proposal_page(page, chromium, live_server):
    world = build_register()
    school = world.commune.units["school"]
    draft = proposals.create_proposal(world.commune_round, [world.commune.models["school"].id], form(COMMUNE_FORM),
                                   actor=world.commune.secretariat, title="Đề nghị khen thưởng bổ sung 2026")
    db.session.commit()
    axe = Axe()
    found: list[str] = []

    browser_login(page, world.commune.secretariat.login, PASSWORD)
    page.goto("/so-khen-thuong")
    expect(page.get_by_test_id("register-table")).to_contain_text("12/QĐ-UBND")
    found += _blocking(page, axe, "register")
    screenshot(page, "register-book")

    page.get_by_role("link", name="Khen thưởng ngoài ứng dụng").click()
    page.get_by_test_id("new-outside-award").click()
    found += _blocking(page, axe, "outside award form")
    page.get_by_label("Đơn vị (tập thể được khen, hoặc nơi cá nhân công tác)").select_option(value=str(school.id))
    page.get_by_label("Số quyết định").fill("85/QĐ-BDVTU")
    page.get_by_label("Ngày quyết định").fill("12/06/2099")
    page.get_by_label("Cơ quan ban hành quyết định").fill("Ban Dân vận Tỉnh ủy Ninh Bình")
    page.get_by_label("Hình thức khen thưởng").fill("Giấy khen của Trưởng Ban Dân vận Tỉnh ủy")
    page.get_by_label("Cấp khen thưởng").select_option(label="Cấp tỉnh")
    page.get_by_label("Thành tích được khen").fill("Thực hiện tốt Quy chế dân chủ ở cơ sở năm 2023.")
    page.get_by_role("button", name="Lưu khen thưởng").click()
    expect(page.get_by_text("Ngày quyết định 12/06/2099 chưa đến")).to_be_visible()
    found += _blocking(page, axe, "outside award form with an error")
    screenshot(page, "register-outside-award-refused")

    page.get_by_label("Ngày quyết định").fill("12/06/2024")
    page.get_by_role("button", name="Lưu khen thưởng").click()
    expect(page.get_by_text("Đã ghi khen thưởng")).to_be_visible()
    history = page.get_by_test_id("history-table")
    expect(history).to_contain_text("85/QĐ-BDVTU")
    expect(history).to_contain_text("12/06/2024")
    expect(history).to_contain_text("Ngoài ứng dụng")
    found += _blocking(page, axe, "unit history")
    screenshot(page, "register-unit-history")

    page.goto(f"/khen-thuong/de-nghi/{draft.id}")
    section = page.get_by_test_id("candidate-history")
    expect(section).to_contain_text("Trường THCS Gia Viễn")
    expect(section).to_contain_text("85/QĐ-BDVTU")
    expect(section).to_contain_text("Ban Dân vận Tỉnh ủy Ninh Bình")
    # The app's own decision of 2026 for the school (revoked) is in the history as well.
    expect(section).to_contain_text("7/QĐ-UBND")
    found += _blocking(page, axe, "proposal page")
    shot = "register-candidate-history"  # the box alone, for the guide
    section.screenshot(path=str(SCREENSHOTS / f"{shot}.png"))

    for path, name in (("/so-khen-thuong/lich-su", None), ("/so-khen-thuong/ngoai-ung-dung", "register-outside-list"),
                       ("/so-khen-thuong/thong-ke", "register-statistics")):
        page.goto(path)
        found += _blocking(page, axe, path)
        if name:
            screenshot(page, name)
    expect(page.get_by_test_id("statistics-total")).to_have_text("3")
    assert not found, "\n".join(found)

    # The same form in an English browser still reads and takes dd/mm/yyyy.
    context = chromium.new_context(base_url=live_server, locale="en-US", viewport={"width": 1366, "height": 900})
    try:
        english = context.new_page()
        browser_login(english, world.commune.secretariat.login, PASSWORD)
        english.goto("/so-khen-thuong/ngoai-ung-dung/moi")
        assert english.get_by_label("Ngày quyết định").get_attribute("placeholder") == "dd/mm/yyyy"
        english.screenshot(path="/tmp/register-outside-form-en.png", full_page=True)
    finally:
        context.close()
