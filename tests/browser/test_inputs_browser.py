"""What officials type, in a Chromium running in English and in Vietnamese: "2,5" in a score box
is stored as 2.5 and dates typed as dd/mm/yyyy come back the same way."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from danvankheo.extensions import db
from danvankheo.scoring import assignments, rounds
from danvankheo.scoring.models import Score, Scorecard
from tests.browser.conftest import browser_login, screenshot
from tests.factories import PASSWORD
from tests.scoring.conftest import build_province

pytestmark = pytest.mark.browser

LOCALES = ["en-US", "vi-VN"]


@pytest.fixture(params=LOCALES)
def localized_page(request, chromium, live_server, browser_app):
    """A page in a browser whose language is `en-US` or `vi-VN`; dialogs are answered "OK"
    and their text kept in ``page.dialogs``."""
    context = chromium.new_context(base_url=live_server, locale=request.param,
                                   viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.locale = request.param
    page.problems, page.dialogs = [], []
    page.on("console", lambda msg: page.problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))

    def answer(dialog):
        page.dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    yield page
    context.close()
    assert not page.problems, f"browser console errors: {page.problems}"


def _scoring_round():
    p = build_province()
    assignments.auto_assign(p.round, 2)
    rounds.start_scoring(p.round)
    db.session.commit()
    return p


def test_a_decimal_comma_is_stored_as_a_half_point_in_any_browser_language(localized_page):
    page = localized_page
    p = _scoring_round()
    evaluator = p.evaluators["commune"]
    model = p.models["justice"]
    browser_login(page, evaluator.login, PASSWORD)
    page.goto(f"/cham-diem/{p.round.id}/{model.id}")
    boxes = page.locator("input[name^=score-]")
    for index, value in enumerate(["2,5", "30", "20", "10", "20"]):
        boxes.nth(index).click()
        boxes.nth(index).press_sequentially(value)
    expect(boxes.first).to_have_value("2,5")  # the browser kept the comma
    expect(page.get_by_test_id("live-total")).to_have_text("82,5")

    # Out of range and not a number: a message beside the box, the typed text kept.
    boxes.nth(1).fill("35")
    boxes.nth(2).fill("mười")
    boxes.nth(3).click()
    expect(page.get_by_text("Điểm phải từ 0 đến 30.")).to_be_visible()
    expect(page.get_by_text("Không phải là số. Hãy nhập số, ví dụ 7 hoặc 2,5.")).to_be_visible()
    expect(page.get_by_test_id("live-total")).to_have_text("32,5")  # the wrong boxes are left out
    expect(page.get_by_text("(chưa tính các ô đang sai)")).to_be_visible()
    if page.locale == "vi-VN":
        screenshot(page, "scoring-form-live-check")
    page.get_by_role("button", name="Nộp phiếu").click()
    expect(page.get_by_text("Điểm phải từ 0 đến 30.")).to_be_visible()  # the server says so too
    expect(boxes.nth(2)).to_have_value("mười")
    assert db.session.scalar(select(Scorecard.id)) is None

    boxes.nth(1).fill("30")
    boxes.nth(2).fill("19,5")
    expect(page.get_by_test_id("live-total")).to_have_text("82")
    page.get_by_role("button", name="Nộp phiếu").click()
    expect(page.get_by_text("Đã nộp phiếu chấm.")).to_be_visible()
    assert any("với tổng điểm 82/100" in text and model.name in text for text in page.dialogs), page.dialogs
    db.session.expire_all()
    first = p.round.criteria[0]
    assert db.session.scalar(select(Score.value).where(Score.criterion_id == first.id)) == Decimal("2.5")
    expect(boxes.first).to_have_value("2,5")
    if page.locale == "vi-VN":
        screenshot(page, "scoring-form-comma")


def test_dates_are_typed_and_read_back_as_day_month_year_in_any_browser_language(localized_page):
    from datetime import datetime

    from danvankheo.core.roles import Role
    from danvankheo.core.timeutil import to_local
    from danvankheo.registry import deadlines
    from danvankheo.registry.models import DeadlineExtension
    from tests.factories import make_unit, make_user

    page = localized_page
    make_unit("Sở Tư pháp", code="STP")
    secretariat = make_user(Role.SECRETARIAT, full_name="Trần Thị Thu Hà")
    db.session.commit()
    browser_login(page, secretariat.login, PASSWORD)
    page.goto("/mo-hinh/han-nop?nam=2026")
    day = page.get_by_label("Hạn nộp (ngày)")
    expect(day).to_have_attribute("type", "text")
    expect(day).to_have_value("15/10/2026")  # the default deadline, day first

    # A day that does not exist: a Vietnamese message, the text kept.
    day.fill("31/02/2026")
    page.get_by_test_id("deadline-form").get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Ngày không hợp lệ. Hãy nhập theo dạng ngày/tháng/năm")).to_be_visible()
    expect(day).to_have_value("31/02/2026")

    # 05/11 is the 5th of November, never the 11th of May.
    day.fill("05/11/2026")
    page.get_by_label("Giờ").fill("17:30")
    page.get_by_test_id("deadline-form").get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Đã lưu hạn nộp")).to_be_visible()
    expect(day).to_have_value("05/11/2026")
    expect(page.get_by_label("Giờ")).to_have_value("17:30")
    db.session.expire_all()
    saved = to_local(deadlines.general_deadline(2026)).replace(tzinfo=None)
    assert saved.replace(second=0) == datetime(2026, 11, 5, 17, 30)

    # The calendar of the app: it opens on the typed month and writes the chosen day.
    until = page.get_by_label("Gia hạn đến ngày")
    until.fill("10/11/2026")
    page.get_by_test_id("extension-form").get_by_role("button", name="Mở lịch chọn ngày").click()
    calendar = page.get_by_role("dialog", name="Chọn ngày")
    expect(calendar.get_by_text("Tháng 11 năm 2026")).to_be_visible()
    if page.locale == "vi-VN":
        screenshot(page, "deadlines-datepicker")
    calendar.get_by_role("button", name="Thứ Sáu, 20/11/2026").click()
    expect(until).to_have_value("20/11/2026")
    page.get_by_label("Đơn vị", exact=True).select_option(label="Sở Tư pháp")
    page.get_by_test_id("extension-form").get_by_role("button", name="Gia hạn").click()
    expect(page.get_by_test_id("extensions")).to_contain_text("20/11/2026 23:59")
    db.session.expire_all()
    extension = db.session.scalar(select(DeadlineExtension))
    assert to_local(extension.until).date().isoformat() == "2026-11-20"
