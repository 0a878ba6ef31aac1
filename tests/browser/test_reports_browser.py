"""The dashboard, the periodic report and the notifications in Chromium, with screenshots
for the user guide."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from openpyxl import load_workbook
from playwright.sync_api import expect

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.notifications.services import notify
from tests.browser.conftest import browser_login, screenshot
from tests.browser.test_accessibility_browser import AXE_OPTIONS, BLOCKING
from tests.factories import PASSWORD, make_user
from tests.reports.country import build_country
from tests.reports.data import build_province

pytestmark = pytest.mark.browser


def test_dashboard_charts_render_with_tables(page):
    build_province()
    observer = make_user(Role.OBSERVER, full_name="Bùi Thị Hạnh")
    db.session.commit()
    browser_login(page, observer.login, PASSWORD)
    page.get_by_role("button", name="Báo cáo").click()
    page.get_by_role("link", name="Thống kê", exact=True).click()
    page.wait_for_url("**/thong-ke")
    page.get_by_label("Năm", exact=True).select_option("2026")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**/thong-ke?nam=2026")

    charts = page.locator("section.chart svg[role=group]")
    assert charts.count() >= 6
    for testid in ("chart-field", "chart-unit-kind", "chart-status", "chart-grades", "chart-trend"):
        section = page.get_by_test_id(testid)
        svg = section.locator("svg")
        assert svg.is_visible(), testid
        box = svg.bounding_box()
        assert box["width"] > 200 and box["height"] > 30, testid
        assert svg.locator("rect").count() >= 1, testid
        table = section.locator("table")
        expect(table).to_be_visible()
        assert table.bounding_box()["y"] > box["y"]  # the text alternative sits under the chart
    assert page.get_by_test_id("kpi-total").inner_text() == "6"
    screenshot(page, "reports-dashboard")

    # A number is a link to the list behind it.
    page.get_by_test_id("chart-field").locator("table a").first.click()
    page.wait_for_url("**/mo-hinh?nam=2026&linh_vuc=*")
    expect(page.get_by_test_id("initiative-list")).to_be_visible()


def test_periodic_report_page_and_workbook(page):
    build_province()
    secretariat = make_user(Role.SECRETARIAT, full_name="Trần Thị Thu Hà")
    db.session.commit()
    browser_login(page, secretariat.login, PASSWORD)
    page.goto("/bao-cao")
    page.get_by_role("link", name="Cả năm 2026").click()
    page.wait_for_url("**/bao-cao?tu_ngay=2026-01-01&den_ngay=2026-12-31")
    report = page.get_by_test_id("periodic-report")
    expect(report.get_by_text("Tổng kết năm 2026 phong trào thi đua")).to_be_visible()
    assert page.get_by_test_id("total-registered").inner_text() == "7"
    screenshot(page, "reports-periodic")

    page.emulate_media(media="print")
    assert not page.get_by_test_id("presets").is_visible()  # controls are not printed
    expect(report).to_be_visible()
    page.emulate_media(media="screen")

    with page.expect_download() as download_info:
        page.get_by_test_id("download-xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:  # a temporary name without the .xlsx suffix
        workbook = load_workbook(handle)
    assert workbook.sheetnames[0] == "Tổng hợp"


def test_national_periodic_report_by_province(page):
    """The national observer reads one line per province; a province's line opens that
    province's own report, by unit. Both pass axe (WCAG 2.1 AA)."""
    country = build_country()
    db.session.commit()
    axe = Axe()
    browser_login(page, country.users["national_observer"].login, PASSWORD)
    page.goto("/bao-cao?tu_ngay=2026-01-01&den_ngay=2026-12-31")
    section = page.get_by_test_id("section-provinces")
    expect(section).to_be_visible()
    rows = section.locator("tbody tr[data-province]")
    assert rows.count() == 2
    assert rows.first.locator("td").nth(1).inner_text() == "UBND tỉnh Ninh Bình"
    assert page.get_by_test_id("provinces-total").locator("td").nth(1).inner_text() == "9"
    expect(page.get_by_test_id("section-units")).to_have_count(0)
    assert _blocking_violations(page, axe) == []
    screenshot(page, "reports-periodic-national")

    section.get_by_role("link", name="UBND thành phố Hà Nội").click()
    page.wait_for_url(f"**/bao-cao?*tinh={country.provinces['Hà Nội'].id}*")
    expect(page.get_by_test_id("province-scope")).to_contain_text("UBND thành phố Hà Nội")
    units = page.get_by_test_id("section-units").locator("tbody tr[data-unit]")
    assert units.count() == 2 and page.get_by_test_id("total-registered").inner_text() == "3"
    assert _blocking_violations(page, axe) == []
    # Another period keeps the province.
    page.get_by_role("link", name="Cả năm 2025").click()
    page.wait_for_url(f"**/bao-cao?*tinh={country.provinces['Hà Nội'].id}*")
    assert page.get_by_test_id("total-registered").inner_text() == "1"


def _blocking_violations(page, axe: Axe) -> list[str]:
    results = axe.run(page, options=AXE_OPTIONS)
    return [f"[{v['impact']}] {v['id']}: {node['target']}" for v in results.response["violations"]
            if v["impact"] in BLOCKING for node in v["nodes"]]


def test_notifications_list_and_mark_all_read(page):
    staff = make_user(Role.STAFF, full_name="Lê Minh Đức")
    notify([staff], kind="initiative_returned", title="Mô hình “Tư pháp gần dân” được trả lại để bổ sung",
           body="Lý do: bổ sung số liệu người hưởng lợi.", link="/mo-hinh")
    notify([staff], kind="deadline_7_days", title="Sắp hết hạn nộp mô hình “Dân vận khéo” năm 2026 (còn 7 ngày)",
           body="Đơn vị Sở Tư pháp chưa nộp mô hình nào cho năm 2026.")
    notify([staff], kind="scoring.finalised", title="Đã công bố kết quả chấm điểm — Đợt đánh giá năm 2026")
    db.session.commit()
    browser_login(page, staff.login, PASSWORD)
    assert page.get_by_test_id("unread-count").inner_text() == "3"
    page.get_by_test_id("notifications-link").click()
    page.wait_for_url("**/thong-bao")
    assert page.get_by_test_id("notification-list").locator("li").count() == 3
    screenshot(page, "notifications")
    page.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
    page.wait_for_url("**/thong-bao")
    expect(page.get_by_text("Đã đánh dấu 3 thông báo là đã đọc.")).to_be_visible()
    assert page.get_by_test_id("unread-count").count() == 0
