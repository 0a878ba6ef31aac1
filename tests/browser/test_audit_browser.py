"""The audit trail paged by key, as a secretariat or admin pages it in Chromium: forward to the
last page and back to the first, the filter kept on every link, and no accessibility problem
on the paging links."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from danvankheo.audit.services import record
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from tests.browser.conftest import browser_login, follow, walk_pages
from tests.browser.test_accessibility_browser import _blocking
from tests.factories import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser


def _shown(page) -> list[str]:
    return page.get_by_test_id("audit-list").locator("tbody tr").evaluate_all(
        "(rows) => rows.map((r) => r.querySelector('td:nth-child(4)').innerText.split('\\n')[0])")


@pytest.mark.parametrize("page", ["vi-VN", "en-US"], indirect=True)
def test_the_trail_pages_forward_and_back_with_its_filter(page, browser_app, tmp_path):
    browser_app.config["PAGE_SIZE"] = 5
    admin = make_user(Role.ADMIN)
    for n in range(12):
        record("unit.update", make_unit(f"Phòng số {n:02d}"), actor=admin)
    db.session.commit()
    axe, found = Axe(), []
    browser_login(page, admin.login, PASSWORD)
    page.goto("/nhat-ky?thao_tac=unit.update")
    paging = page.get_by_role("navigation", name="Phân trang")
    expect(paging.get_by_text("‹ Trước")).to_have_attribute("aria-disabled", "true")
    found += _blocking(page, axe, "first page")
    pages = walk_pages(page, _shown, r"thao_tac=unit\.update.*sau=|sau=.*thao_tac=unit\.update")
    page.screenshot(path=str(tmp_path / "audit-last-page.png"), full_page=True)
    found += _blocking(page, axe, "last page")
    assert [len(rows) for rows in pages] == [5, 5, 2]
    shown = [row for rows in pages for row in rows]
    assert len(set(shown)) == 12 and all(row.startswith("Đơn vị") for row in shown)
    expect(page.get_by_test_id("audit-total")).to_have_text("12 sự kiện")

    follow(page, paging.get_by_role("link", name="‹ Trước"))
    assert _shown(page) == pages[1]
    follow(page, paging.get_by_role("link", name="« Trang đầu"))
    assert _shown(page) == pages[0]
    assert "sau=" not in page.url and "truoc=" not in page.url and "thao_tac=unit.update" in page.url
    assert found == []
