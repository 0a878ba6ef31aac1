"""Commendation in Chromium: the secretariat builds a proposal from a finalised round, fills
in the Tờ trình, downloads the list and records the decision; the downloaded workbook is
opened and checked. An admin imports units and users from a spreadsheet. Screenshots go
to the user guide (awards-*.png, imports-*.png)."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from tests.awards.builders import INJECTION_NAME, build_finalised_round
from tests.browser.conftest import browser_login, screenshot
from tests.factories import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser


def test_secretariat_builds_a_proposal_and_downloads_the_list(page, tmp_path):
    council = make_unit("Sở Nội vụ", code="SNV")
    secretariat = make_user(Role.SECRETARIAT, unit=council, login="noivu", full_name="Trần Thị Thu Hà")
    built = build_finalised_round(secretariat=secretariat)
    db.session.commit()

    browser_login(page, "noivu", PASSWORD)
    page.get_by_role("link", name="Khen thưởng").first.click()
    page.get_by_role("link", name="Lập danh sách từ đợt này").click()
    # The two models graded Xuất sắc are ticked, the model graded Tốt is not.
    assert page.get_by_label("Chọn Tư pháp gần dân, vì dân").is_checked()
    assert page.get_by_label(f"Chọn {INJECTION_NAME}").is_checked()
    assert not page.get_by_label("Chọn Dân vận ở thôn bản").is_checked()
    page.get_by_label("Hình thức khen thưởng đề nghị").select_option(label="Bằng khen của Chủ tịch UBND tỉnh")
    page.get_by_role("button", name="Lập danh sách").click()
    expect(page.get_by_text("Đã lập danh sách đề nghị khen thưởng")).to_be_visible()

    # An individual from the team of the first model, with a Giấy khen.
    add = page.get_by_test_id("add-line-form")
    add.get_by_label("Mô hình", exact=True).select_option(label="Tư pháp gần dân, vì dân — Sở Tư pháp")
    add.get_by_label("Hình thức khen thưởng").select_option(label="Giấy khen của Trưởng Ban Dân vận Tỉnh ủy")
    add.get_by_role("button", name="Thêm dòng").click()
    expect(page.get_by_text("Đã thêm một dòng")).to_be_visible()
    lines = page.get_by_test_id("proposal-lines").locator("tbody[data-line]")
    assert lines.count() == 3
    person = lines.nth(2)
    assert person.locator("select").first.input_value().startswith("member:")
    person.get_by_label("Tóm tắt thành tích").fill("Chủ trì xây dựng mô hình; trực tiếp hướng dẫn 300 lượt người dân.")

    page.get_by_label("Số Tờ trình").fill("125/TTr-SNV")
    page.get_by_label("Ngày Tờ trình").fill("15/10/2026")
    page.get_by_label("Ký thay (nếu có)").fill("KT. Giám đốc")
    page.get_by_label("Chức vụ người ký").fill("Phó Giám đốc")
    page.get_by_label("Họ và tên người ký").fill("Nguyễn Văn An")
    page.get_by_role("button", name="Lưu danh sách").click()
    expect(page.get_by_text("Đã lưu danh sách đề nghị.")).to_be_visible()
    screenshot(page, "awards-proposal")

    with page.expect_download() as info:
        page.get_by_test_id("download-list").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / "danh-sach.xlsx"
    download.save_as(path)
    ws = load_workbook(path).active
    assert ws["A1"].value == "UBND TỈNH NINH BÌNH" and ws["A2"].value == "SỞ NỘI VỤ"
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Số: 125/TTr-SNV" in values
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in values
    assert "Ninh Bình, ngày 15 tháng 10 năm 2026" in values
    assert "(Kèm theo Tờ trình số 125/TTr-SNV ngày 15/10/2026 của Sở Nội vụ)" in values
    rows = [list(row) for row in ws.iter_rows()]
    part = next(i for i, row in enumerate(rows) if row[0].value == "I. TẬP THỂ")
    assert "Sở Tư pháp" in [c.value for c in rows[part + 1]]
    injected = next(c for row in rows for c in row if c.value == INJECTION_NAME)
    assert injected.data_type == "s"  # kept as text, never a formula
    assert "Nguyễn Thị Hằng" in values and "Phó Giám đốc Sở, Sở Tư pháp" in values
    assert "Chủ trì xây dựng mô hình; trực tiếp hướng dẫn 300 lượt người dân." in values
    assert "Tổng cộng: 2 tập thể và 1 cá nhân." in values and values[-1] == "Nguyễn Văn An"
    header = next(i for i, row in enumerate(rows) if row[0].value == "STT") + 1
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows.startswith(f"${header}:")

    # Submit, then record the decision that comes back.
    page.get_by_role("button", name="Lưu và trình").click()
    assert page.get_by_test_id("proposal-state").inner_text() == "Đã trình"
    page.get_by_label("Số Quyết định").fill("2150/QĐ-UBND")
    page.get_by_label("Ngày Quyết định").fill("02/11/2026")
    page.get_by_role("button", name="Ghi nhận quyết định").click()
    expect(page.get_by_test_id("decision")).to_be_visible()
    screenshot(page, "awards-decision")
    page.goto(f"/mo-hinh/{built.models['justice'].id}")
    expect(page.get_by_test_id("award-history").get_by_text("Quyết định số 2150/QĐ-UBND").first).to_be_visible()


def test_admin_imports_units_and_users(page, tmp_path):
    make_user(Role.ADMIN, login="quantri", full_name="Nguyễn Văn Quản")
    db.session.commit()
    wb = Workbook()
    wb.active.title = "Đơn vị"
    wb.active.append(["Mã đơn vị *", "Tên đơn vị *", "Loại đơn vị *", "Mã đơn vị cấp trên"])
    wb.active.append(["NB", "UBND tỉnh Ninh Bình", "Tỉnh/thành phố", None])
    wb.active.append(["SYT", "Sở Y tế", "Sở, ban, ngành", "NB"])
    users = wb.create_sheet("Người dùng")
    users.append(["Tên đăng nhập *", "Họ và tên *", "Email", "Chức vụ", "Số điện thoại", "Mã đơn vị", "Vai trò *"])
    users.append(["canbo.yte", "Phạm Thị Lan", None, "Chuyên viên", None, "SYT", "Cán bộ đơn vị"])
    users.append(["canbo.sai", "Thiếu đơn vị", None, None, None, None, "Cán bộ đơn vị"])
    bad, good = tmp_path / "loi.xlsx", tmp_path / "don-vi-nguoi-dung.xlsx"
    wb.save(bad)
    users.delete_rows(3)
    wb.save(good)

    browser_login(page, "quantri", PASSWORD)
    page.get_by_role("link", name="Nhập đơn vị và người dùng").click()
    with page.expect_download() as info:
        page.get_by_test_id("template-link").click()
    with open(info.value.path(), "rb") as handle:  # the download has no .xlsx name on disk
        template = load_workbook(handle)
    assert template.sheetnames == ["Đơn vị", "Người dùng", "Hướng dẫn"]

    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    report = page.get_by_test_id("error-report")
    expect(report.get_by_text("Cán bộ đơn vị và thành viên hội đồng chấm phải có mã đơn vị.")).to_be_visible()
    screenshot(page, "imports-errors")

    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(good))
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    expect(page.get_by_test_id("import-result")).to_be_visible()
    expect(page.get_by_test_id("new-accounts").get_by_text("canbo.yte")).to_be_visible()
    screenshot(page, "imports-result")
