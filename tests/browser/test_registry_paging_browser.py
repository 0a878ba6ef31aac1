"""The registry list paged by key, as the secretariat pages it in Chromium with a filter on:
forward to the last page and back to the first, every model once in the list's order, the
filter kept on every link, and no accessibility problem on the paging links."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Status
from tests import factories
from tests.browser.conftest import browser_login, follow, walk_pages
from tests.browser.test_accessibility_browser import _blocking
from tests.factories import PASSWORD, make_initiative, make_unit

pytestmark = pytest.mark.browser

NAMES = ["Ánh sáng đường quê", "An toàn giao thông", "Bình yên xóm nhỏ", "Chợ văn minh", "Dân vui",
         "Đường hoa nông thôn", "Em đến trường", "Góp đất làm đường", "Hòa giải ở cơ sở", "Ý Đảng lòng dân",
         "Ước mơ xanh", "Xóa nhà tạm"]
IN_ORDER = ["An toàn giao thông", "Ánh sáng đường quê", "Bình yên xóm nhỏ", "Chợ văn minh", "Dân vui",
            "Đường hoa nông thôn", "Em đến trường", "Góp đất làm đường", "Hòa giải ở cơ sở", "Ước mơ xanh",
            "Xóa nhà tạm", "Ý Đảng lòng dân"]


def _shown(page) -> list[str]:
    return page.get_by_test_id("initiative-list").locator("tbody tr td:first-child a").all_inner_texts()


def test_the_registry_list_pages_forward_and_back_with_its_filter(page, browser_app, tmp_path):
    browser_app.config["PAGE_SIZE"] = 5
    root = factories.ensure_organiser()
    justice = make_unit("Sở Tư pháp", parent=root, code="STP")
    for n, name in enumerate(NAMES):
        make_initiative(justice, name=name, year=2026, status=Status.SUBMITTED)
        make_initiative(justice, name=f"Đã tiếp nhận {n:02d}", year=2026, status=Status.ACCEPTED)
    secretariat = factories.make_user(Role.SECRETARIAT, login="noivu.trang")
    db.session.commit()
    axe, found = Axe(), []
    browser_login(page, secretariat.login, PASSWORD)
    page.goto("/mo-hinh")
    page.get_by_label("Trạng thái").select_option(label=Status.SUBMITTED.label)
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"trang_thai=submitted"))
    expect(page.get_by_test_id("result-count")).to_have_text(re.compile(r"Có 12 mô hình phù hợp"))
    paging = page.get_by_role("navigation", name="Phân trang")
    found += _blocking(page, axe, "first page")
    pages = walk_pages(page, _shown, r"trang_thai=submitted.*sau=|sau=.*trang_thai=submitted")
    page.screenshot(path=str(tmp_path / "registry-last-page.png"), full_page=True)
    found += _blocking(page, axe, "last page")
    assert [len(rows) for rows in pages] == [5, 5, 2]
    assert [row for rows in pages for row in rows] == IN_ORDER
    expect(page.get_by_label("Trạng thái")).to_have_value("submitted")  # the filter is still shown as chosen

    follow(page, paging.get_by_role("link", name="‹ Trước"))
    assert _shown(page) == pages[1]
    page.screenshot(path=str(tmp_path / "registry-middle-page.png"), full_page=True)
    follow(page, paging.get_by_role("link", name="« Trang đầu"))
    assert _shown(page) == pages[0]
    assert "sau=" not in page.url and "truoc=" not in page.url and "trang_thai=submitted" in page.url
    assert found == []
