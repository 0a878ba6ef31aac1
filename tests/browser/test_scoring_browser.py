"""Scoring in Chromium: the secretariat sets a round up; two evaluators score (one is refused
a model of their own unit); the secretariat closes, sees a disagreement and finalises; a
unit's staff member reads the result. Screenshots go to the user guide (scoring-*.png)."""

import pytest
from playwright.sync_api import expect

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Status
from danvankheo.scoring import assignments, rounds
from danvankheo.units.models import UnitKind
from tests.browser.conftest import browser_login, browser_logout, screenshot
from tests.factories import PASSWORD, make_initiative, make_unit, make_user

pytestmark = pytest.mark.browser


def _province():
    province = make_unit("UBND tỉnh Ninh Bình", code="NB", kind=UnitKind.PROVINCE)
    justice = make_unit("Sở Tư pháp", code="STP", parent=province)
    health = make_unit("Sở Y tế", code="SYT", parent=province)
    commune = make_unit("UBND xã Gia Viễn", code="XGV", parent=province, kind=UnitKind.COMMUNE)
    models = {
        "justice": make_initiative(justice, name="Tư pháp gần dân, vì dân", status=Status.ACCEPTED),
        "health": make_initiative(health, name="Khám bệnh lưu động vùng cao", status=Status.ACCEPTED),
        "commune": make_initiative(commune, name="Dân vận khéo trong xây dựng nông thôn mới",
                                   status=Status.ACCEPTED),
    }
    people = {
        "ganh": make_user(Role.EVALUATOR, unit=justice, login="giamkhao.anh", full_name="Vũ Thị Ánh",
                          position="Phó Giám đốc Sở Tư pháp"),
        "vinh": make_user(Role.EVALUATOR, unit=health, login="giamkhao.vinh", full_name="Đỗ Quang Vinh",
                          position="Phó Giám đốc Sở Y tế"),
        "noivu": make_user(Role.SECRETARIAT, unit=justice, login="noivu", full_name="Trần Thị Thu Hà"),
        "canbo": make_user(Role.STAFF, unit=commune, login="canbo.giavien", full_name="Đinh Công Tráng"),
        "admin": make_user(Role.ADMIN, login="quantri", full_name="Nguyễn Văn Quản"),
    }
    return models, people


def _fill_scores(page, values):
    for index, value in enumerate(values):
        page.locator("input[name^=score-]").nth(index).fill(str(value))


def test_secretariat_sets_up_a_round(page):
    models, people = _province()
    db.session.commit()
    browser_login(page, "noivu", PASSWORD)
    page.get_by_role("link", name="Đợt đánh giá").first.click()
    page.get_by_role("link", name="Tạo đợt đánh giá").click()
    page.get_by_label("Số phiếu tối thiểu mỗi mô hình").fill("2")
    screenshot(page, "scoring-round-new")
    page.get_by_role("button", name="Tạo đợt đánh giá").click()
    expect(page.get_by_text("với 3 mô hình")).to_be_visible()
    assert page.get_by_test_id("entry-count").inner_text() == "3"

    page.get_by_role("link", name="Tiêu chí").click()
    expect(page.get_by_text("Hiệu quả thiết thực, giải quyết vấn đề bức xúc")).to_be_visible()
    screenshot(page, "scoring-rubric")

    page.get_by_role("link", name="Hội đồng và phân công").click()
    page.get_by_label("Chọn Vũ Thị Ánh").check()
    page.get_by_label("Chọn Đỗ Quang Vinh").check()
    page.get_by_role("button", name="Lưu hội đồng").click()
    expect(page.get_by_text("Đã lưu hội đồng chấm.")).to_be_visible()
    page.get_by_label("Số thành viên chấm mỗi mô hình").fill("2")
    page.get_by_role("button", name="Phân công", exact=True).click()
    # Each evaluator is kept off their own unit's model: 4 assignments, not 6.
    expect(page.get_by_text("thêm 4 lượt chấm")).to_be_visible()
    screenshot(page, "scoring-panel")

    page.locator("#noi-dung").get_by_role("link", name="Mô hình", exact=True).click()
    page.get_by_role("link", name="Tư pháp gần dân, vì dân").click()
    assert "Vũ Thị Ánh" not in page.get_by_test_id("assignment-list").inner_text()
    page.get_by_role("link", name="Tổng quan").click()
    page.get_by_role("button", name="Bắt đầu chấm").click()
    assert page.get_by_test_id("round-state").inner_text() == "Đang chấm"
    screenshot(page, "scoring-round")


def test_evaluators_score_secretariat_finalises_staff_reads_result(page):
    models, people = _province()
    round_ = rounds.create_round(rounds.RoundSettings(name="Đánh giá mô hình năm 2026", year=2026,
                                                      min_scorecards=2))
    assignments.set_panel(round_, [people["ganh"], people["vinh"]])
    assignments.auto_assign(round_, 2)
    rounds.start_scoring(round_)
    db.session.commit()
    commune_model = models["commune"]

    # 1. The first evaluator: her queue, a refused model of her own unit, a wrong score, a submission.
    browser_login(page, "giamkhao.anh", PASSWORD)
    assert page.get_by_test_id("to-score").inner_text() == "2"
    page.get_by_role("link", name="Chấm điểm").first.click()
    assert page.get_by_test_id("queue").get_by_text("Tư pháp gần dân").count() == 0
    screenshot(page, "scoring-queue")

    page.goto(f"/cham-diem/{round_.id}/{models['justice'].id}")
    expect(page.get_by_text("Bạn không được chấm mô hình của đơn vị mình")).to_be_visible()
    screenshot(page, "scoring-refused")
    # The refusal is an HTTP 403, which Chromium logs; that one is expected.
    page.problems[:] = [p for p in page.problems if "403" not in p]

    page.goto("/cham-diem/")
    page.get_by_role("link", name="Dân vận khéo trong xây dựng nông thôn mới").click()
    expect(page.get_by_test_id("dossier").get_by_text("Người dân phải đi lại nhiều lần")).to_be_visible()
    _fill_scores(page, [25, 28, 19, 9, 19])
    page.get_by_role("button", name="Nộp phiếu").click()
    expect(page.get_by_text("Điểm phải từ 0 đến 20.")).to_be_visible()
    screenshot(page, "scoring-form-error")
    page.locator("input[name^=score-]").first.fill("19.5")
    page.get_by_role("button", name="Lưu nháp").click()
    assert page.get_by_test_id("card-state").inner_text() == "Bản nháp"
    page.get_by_label("Nhận xét").fill("Mô hình thiết thực, người dân đồng thuận cao.")
    page.get_by_role("button", name="Nộp phiếu").click()
    expect(page.get_by_text("Đã nộp phiếu chấm.")).to_be_visible()
    assert page.get_by_test_id("card-total").inner_text() == "94,5"
    screenshot(page, "scoring-form")
    page.get_by_test_id("next-model").click()
    expect(page.get_by_role("heading", name="Khám bệnh lưu động vùng cao")).to_be_visible()
    _fill_scores(page, [15, 25, 15, 8, 15])
    page.get_by_role("button", name="Nộp phiếu").click()
    expect(page.get_by_text("Đã nộp phiếu chấm.")).to_be_visible()
    browser_logout(page)

    # 2. The second evaluator sees nobody's scores, neither before nor after submitting: the
    # submitted card is locked, so submitting to peek and then revising is impossible.
    browser_login(page, "giamkhao.vinh", PASSWORD)
    page.goto(f"/cham-diem/{round_.id}/{commune_model.id}")
    expect(page.get_by_test_id("others-hidden")).to_be_visible()
    _fill_scores(page, [10, 15, 12, 5, 10])
    page.get_by_label("Nhận xét").fill("Cần bổ sung số liệu kiểm chứng.")
    page.get_by_role("button", name="Nộp phiếu").click()
    expect(page.get_by_test_id("card-locked")).to_be_visible()
    expect(page.get_by_test_id("others-hidden")).to_be_visible()
    page.goto(f"/cham-diem/{round_.id}/{models['justice'].id}")
    _fill_scores(page, [18, 27, 18, 9, 18])
    page.get_by_role("button", name="Nộp phiếu").click()
    expect(page.get_by_text("Đã nộp phiếu chấm.")).to_be_visible()
    browser_logout(page)

    # 2a. The secretariat reopens a card with a reason and reads its versions, then opens the
    # discussion; the evaluator then sees the anonymous table.
    browser_login(page, "noivu", PASSWORD)
    page.goto(f"/dot-danh-gia/{round_.id}/mo-hinh/{commune_model.id}")
    page.get_by_text("Mở lại phiếu").first.click()
    page.get_by_test_id("reopen-form").first.get_by_label("Lý do").fill("Nhập nhầm điểm tiêu chí 2")
    screenshot(page, "scoring-reopen")
    page.get_by_test_id("reopen-form").first.get_by_role("button", name="Mở lại phiếu").click()
    expect(page.get_by_text("Đã mở lại phiếu chấm")).to_be_visible()
    page.get_by_test_id("versions-link").first.click()
    expect(page.get_by_test_id("version-table")).to_be_visible()
    screenshot(page, "scoring-versions")
    page.goto(f"/dot-danh-gia/{round_.id}")
    page.get_by_role("button", name="Mở thảo luận").click()
    expect(page.get_by_text("Đã mở thảo luận")).to_be_visible()
    browser_logout(page)
    browser_login(page, "giamkhao.vinh", PASSWORD)
    page.goto(f"/cham-diem/{round_.id}/{commune_model.id}")
    others = page.get_by_test_id("others").inner_text()
    assert "Phiếu 1" in others and "94,5" in others and "Vũ Thị Ánh" not in others
    screenshot(page, "scoring-form-others")
    browser_logout(page)

    # 3. The secretariat: progress, close, the disagreement flag, finalise.
    browser_login(page, "noivu", PASSWORD)
    page.goto(f"/dot-danh-gia/{round_.id}/tien-do")
    assert "Mọi thành viên đã nộp đủ phiếu" in page.get_by_test_id("behind").inner_text()
    screenshot(page, "scoring-progress")
    page.get_by_role("link", name="Tổng quan").click()
    page.get_by_role("button", name="Khóa chấm").click()
    assert page.get_by_test_id("round-state").inner_text() == "Đã khóa chấm"
    page.get_by_role("link", name="Xếp hạng", exact=True).click()
    row = page.locator(f"tr[data-initiative='{commune_model.id}']")
    expect(row.get_by_test_id("flag-disagreement")).to_be_visible()  # 94.5 against 52: spread 42.5
    assert page.get_by_test_id("flag-incomplete").count() == 2  # one scorecard each, two required
    screenshot(page, "scoring-ranking")
    page.get_by_role("button", name="Công bố kết quả").click()
    expect(page.get_by_text("Đã công bố kết quả").first).to_be_visible()
    page.get_by_role("link", name="Xếp hạng", exact=True).click()
    expect(page.get_by_test_id("ranking-frozen")).to_be_visible()
    screenshot(page, "scoring-ranking-final")
    browser_logout(page)

    # 4. The unit's staff member reads the result, grade and anonymous comments.
    browser_login(page, "canbo.giavien", PASSWORD)
    page.get_by_role("link", name="Xem kết quả và nhận xét").click()
    result = page.get_by_test_id("result")
    assert result.get_by_test_id("result-score").inner_text() == "73,25"  # (94.5 + 52) / 2
    assert result.get_by_test_id("result-grade").inner_text() == "Khá"
    comments = result.get_by_test_id("result-comments").inner_text()
    assert "người dân đồng thuận cao" in comments and "Vũ Thị Ánh" not in comments
    screenshot(page, "scoring-result")
