"""The whole journey of a model in Chromium, with screenshots for the user guide:
staff register and submit with a Vietnamese-named PDF, the secretariat returns it, staff fix
and resubmit, the secretariat accepts, and it appears in the public showcase."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from danvankheo.core.roles import Role
from danvankheo.core.timeutil import local_today
from danvankheo.evidence.models import Evidence
from danvankheo.extensions import db
from danvankheo.registry.deadlines import deadline_from_local, set_year_settings
from danvankheo.registry.models import Initiative, Status
from danvankheo.units.models import Unit, UnitKind
from tests import factories
from tests.browser.conftest import browser_login, browser_logout, screenshot
from tests.evidence.samples import VIETNAMESE_PDF_NAME, pdf_bytes, png_bytes
from tests.factories import PASSWORD, make_initiative, make_unit

pytestmark = pytest.mark.browser

MODEL_NAME = "Dân vận khéo trong giải phóng mặt bằng đường vành đai"


@pytest.fixture
def province(app, make_user):
    year = local_today().year
    # Five days ahead: near enough for the staff banner (within 7 days), far enough to submit.
    deadline = deadline_from_local(local_today() + timedelta(days=5), time(23, 59))
    factories.ensure_organiser()
    set_year_settings(year, deadline_at=deadline, kinds=[UnitKind.DEPARTMENT, UnitKind.COMMUNE])
    root = factories.ensure_organiser()
    commune = make_unit("UBND phường Hoa Lư", kind=UnitKind.COMMUNE, parent=root, code="PHL")
    justice = make_unit("Sở Tư pháp", parent=root, code="STP")
    make_unit("Sở Y tế", parent=root, code="SYT")
    make_initiative(justice, name="Tổ hòa giải “Ba cùng” ở khu dân cư", year=year, status=Status.ACCEPTED)
    staff = make_user(Role.STAFF, unit=commune, login="canbo.hoalu", full_name="Đinh Công Tráng")
    secretariat = make_user(Role.SECRETARIAT, login="noivu", full_name="Trần Thị Thu Hà")
    db.session.commit()
    return {"year": year, "staff": staff, "secretariat": secretariat}


def _status(page) -> str:
    return page.get_by_test_id("initiative-status").inner_text()


def test_register_return_resubmit_accept_and_publish(page, province):
    year = province["year"]
    # 1. Staff register a model, upload a Vietnamese-named PDF and submit.
    browser_login(page, "canbo.hoalu", PASSWORD)
    expect(page.get_by_test_id("registration-banner")).to_be_visible()
    screenshot(page, "registry-01-trang-chu-can-bo")
    page.get_by_role("link", name="Đăng ký mô hình").first.click()
    page.get_by_label("Tên mô hình").fill(MODEL_NAME)
    page.get_by_label("Lĩnh vực").select_option(label="Kinh tế")
    page.get_by_label("Chủ đề").fill("giải phóng mặt bằng, đối thoại")
    page.get_by_label("Thực trạng, lý do xây dựng mô hình").fill("Nhiều hộ chưa đồng thuận với phương án bồi thường.")
    page.get_by_label("Mục tiêu").fill("Bàn giao mặt bằng đúng tiến độ, không khiếu kiện.")
    page.get_by_label("Nội dung, cách thức thực hiện").fill("Tổ công tác đến từng hộ, đối thoại công khai.")
    page.get_by_label("Địa bàn thực hiện").fill("Phường Hoa Lư")
    page.get_by_label("Đối tượng").fill("Hộ dân bị thu hồi đất")
    page.get_by_label("Họ tên người phụ trách").fill("Đinh Công Tráng")
    page.get_by_label("Chức vụ").fill("Phó Chủ tịch UBND phường")
    page.get_by_label("Số điện thoại liên hệ").fill("0912 345 678")
    page.get_by_label("Thành viên tham gia").fill("Nguyễn Thị Hoa - Công chức địa chính\nTrần Văn Nam - Trưởng khu phố")
    page.get_by_label("Kinh phí ngân sách (đồng)").fill("50.000.000")
    page.get_by_label("Thời gian bắt đầu").fill(f"01/02/{year}")
    page.get_by_label("Kết quả định lượng").fill("100% hộ bàn giao mặt bằng; 35 buổi đối thoại.")
    page.get_by_label("Số người hưởng lợi").fill("420")
    page.get_by_label("Khả năng duy trì, nhân rộng").fill("Áp dụng cho các dự án tiếp theo.")
    screenshot(page, "registry-02-dang-ky")
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp.")).to_be_visible()
    # The dossier is still incomplete: the page lists what is missing, and submitting says so too.
    expect(page.get_by_test_id("missing-fields")).to_be_visible()
    page.get_by_role("button", name="Nộp mô hình").click()
    expect(page.get_by_text("Hồ sơ chưa đủ để nộp. Còn thiếu: Kết quả định tính; Ít nhất một tệp minh chứng.")).to_be_visible()
    page.get_by_label("Tải lên minh chứng").set_input_files([
        {"name": VIETNAMESE_PDF_NAME, "mimeType": "application/pdf", "buffer": pdf_bytes(text="Báo cáo")},
        {"name": "Ảnh đối thoại với người dân.png", "mimeType": "image/png", "buffer": png_bytes()},
    ])
    page.get_by_role("button", name="Tải lên", exact=True).click()
    expect(page.get_by_text("Đã tải lên 2 tệp minh chứng")).to_be_visible()
    expect(page.get_by_role("link", name=VIETNAMESE_PDF_NAME)).to_be_visible()
    assert page.locator("img.evidence-thumb").count() == 1
    page.get_by_role("link", name="Sửa hồ sơ").click()
    page.get_by_label("Kết quả định tính").fill("Người dân đồng thuận cao, không phát sinh khiếu nại.")
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.get_by_text("Đã lưu hồ sơ mô hình.")).to_be_visible()
    screenshot(page, "registry-03-minh-chung")
    page.get_by_role("button", name="Nộp mô hình").click()
    expect(page.get_by_text("Đã nộp mô hình.")).to_be_visible()
    assert "Đã nộp" in _status(page)
    assert page.get_by_label("Tải lên minh chứng").count() == 0  # read-only now
    with page.expect_download() as download:
        page.locator("a", has_text="Tải về").first.click()
    # Chromium swaps characters that file systems dislike (the quotes) for "_" when saving.
    assert download.value.suggested_filename == VIETNAMESE_PDF_NAME.replace('"', "_")
    screenshot(page, "registry-04-da-nop")
    browser_logout(page)

    # 2. The secretariat returns it with a reason.
    browser_login(page, "noivu", PASSWORD)
    expect(page.get_by_test_id("waiting-list").get_by_text(MODEL_NAME)).to_be_visible()
    screenshot(page, "registry-05-trang-chu-thuong-truc")
    page.get_by_test_id("waiting-list").get_by_role("link", name=MODEL_NAME).click()
    page.get_by_label("Lý do trả lại để bổ sung").fill("Đề nghị bổ sung biên bản các buổi đối thoại.")
    screenshot(page, "registry-06-xem-xet")
    page.get_by_role("button", name="Trả lại để bổ sung").click()
    expect(page.get_by_text("Đã trả lại mô hình cho đơn vị.")).to_be_visible()
    assert "Trả lại để bổ sung" in _status(page)
    browser_logout(page)

    # 3. Staff see the reason, fix the dossier and resubmit.
    browser_login(page, "canbo.hoalu", PASSWORD)
    page.goto("/mo-hinh")
    page.get_by_role("link", name=MODEL_NAME).click()
    expect(page.get_by_test_id("last-reason").get_by_text("Đề nghị bổ sung biên bản các buổi đối thoại.")).to_be_visible()
    screenshot(page, "registry-07-bi-tra-lai")
    page.get_by_label("Tải lên minh chứng").set_input_files([
        {"name": "Biên bản đối thoại.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(pages=2)},
    ])
    page.get_by_role("button", name="Tải lên", exact=True).click()
    expect(page.get_by_text("Đã tải lên 1 tệp minh chứng")).to_be_visible()
    page.get_by_role("button", name="Nộp mô hình").click()
    expect(page.get_by_text("Đã nộp mô hình.")).to_be_visible()
    browser_logout(page)

    # 4. The secretariat accepts it and sees the unit in the compliance view.
    browser_login(page, "noivu", PASSWORD)
    page.get_by_test_id("waiting-list").get_by_role("link", name=MODEL_NAME).click()
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.get_by_text("Đã tiếp nhận mô hình.")).to_be_visible()
    assert "Đã tiếp nhận" in _status(page)
    history = page.get_by_test_id("transition-history").inner_text()
    assert history.count("Đã nộp") == 2 and "Đề nghị bổ sung biên bản" in history
    screenshot(page, "registry-08-tiep-nhan")
    page.goto(f"/mo-hinh/tinh-hinh-dang-ky?nam={year}")
    table = page.get_by_test_id("compliance-table")
    assert "Đạt" in table.locator("tr[data-unit=PHL]").inner_text()
    assert "Chưa nộp" in table.locator("tr[data-unit=SYT]").inner_text()
    screenshot(page, "registry-09-tinh-hinh-dang-ky")
    browser_logout(page)

    # 5. Anyone finds it in the public showcase, without the phone number.
    evidence = db.session.scalars(select(Evidence).join(Initiative).where(Initiative.name == MODEL_NAME)).all()
    photo = next(e for e in evidence if e.content_type == "image/png")
    photo.is_public = True
    db.session.commit()
    page.goto("/thu-vien")
    page.get_by_label("Tìm mô hình").fill("giai phong mat bang")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name=MODEL_NAME).click()
    assert page.get_by_test_id("showcase-name").inner_text() == MODEL_NAME
    body = page.locator("main").inner_text()
    assert "0912 345 678" not in body and "Nguyễn Thị Hoa" not in body
    assert VIETNAMESE_PDF_NAME not in body and "Ảnh đối thoại với người dân.png" in body
    screenshot(page, "registry-10-thu-vien")


def test_two_tabs_editing_the_same_dossier(page, province, browser_app):
    staff = province["staff"]
    item = make_initiative(staff.unit, name="Mô hình sửa ở hai tab")
    db.session.commit()
    browser_login(page, "canbo.hoalu", PASSWORD)
    second = page.context.new_page()
    page.goto(f"/mo-hinh/{item.id}/sua")
    second.goto(f"/mo-hinh/{item.id}/sua")
    page.get_by_label("Mục tiêu").fill("Bản của tab thứ nhất")
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.get_by_text("Đã lưu hồ sơ mô hình.")).to_be_visible()
    second.get_by_label("Mục tiêu").fill("Bản của tab thứ hai")
    second.get_by_role("button", name="Lưu bản nháp").click()
    expect(second.get_by_text("Hồ sơ đã được người khác thay đổi").first).to_be_visible()
    expect(second.get_by_test_id("stale-warning")).to_be_visible()
    second.close()
    db.session.expire_all()
    assert db.session.get(Initiative, item.id).goals == "Bản của tab thứ nhất"


def test_secretariat_narrows_the_list_by_typing_a_unit(page, province):
    hoa_lu = db.session.scalar(select(Unit).where(Unit.code == "PHL"))
    make_initiative(hoa_lu, name="Phường Hoa Lư lắng nghe dân", year=province["year"], status=Status.ACCEPTED)
    db.session.commit()
    browser_login(page, "noivu", PASSWORD)
    page.goto("/mo-hinh")
    table = page.get_by_test_id("initiative-list")
    expect(table.get_by_text("Tổ hòa giải “Ba cùng” ở khu dân cư")).to_be_visible()
    # Typed without diacritics; the app suggests units as the user types, and a click applies one.
    box = page.get_by_label("Đơn vị (tên hoặc mã")
    box.fill("hoa lu")
    suggestions = page.get_by_test_id("unit-suggestions")
    suggestions.get_by_role("option", name="UBND phường Hoa Lư (UBND tỉnh Ninh Bình)").click()
    page.wait_for_url("**ten_don_vi=*")
    expect(table.get_by_text("Phường Hoa Lư lắng nghe dân")).to_be_visible()
    assert table.get_by_text("Tổ hòa giải “Ba cùng” ở khu dân cư").count() == 0
    assert "UBND phường Hoa Lư (UBND tỉnh Ninh Bình)" in page.get_by_test_id("unit-match").inner_text()
    assert page.get_by_test_id("result-count").inner_text() == "Có 1 mô hình phù hợp."
    # The keyboard works too: down to the first suggestion, Enter.
    box.fill("tu phap")
    suggestions.get_by_role("option", name="Sở Tư pháp (UBND tỉnh Ninh Bình)").wait_for()
    box.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**ten_don_vi=S*")
    expect(table.get_by_text("Tổ hòa giải “Ba cùng” ở khu dân cư")).to_be_visible()
    assert table.get_by_text("Phường Hoa Lư lắng nghe dân").count() == 0
