"""The compliance view and the public library paged by key, as people page them in Chromium
with a filter on: forward to the last page and back to the first, every row once in the
list's order, the filter kept on every link, and no accessibility problem on the paging links."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.deadlines import ComplianceStatus, compliance_rows
from danvankheo.registry.models import Field, Initiative, Status
from danvankheo.units.models import UnitKind
from tests import factories
from tests.browser.conftest import browser_login, follow, walk_pages
from tests.browser.test_accessibility_browser import _blocking
from tests.factories import PASSWORD, make_initiative, make_unit

pytestmark = pytest.mark.browser

COMMUNES = ["Gia Viễn", "Ánh Sơn", "An Hòa", "Bình Minh", "Đông Sơn", "Yên Thành", "Kim Sơn", "Hoa Lư", "Nho Quan"]


def _units_shown(page) -> list[str]:
    return page.get_by_test_id("compliance-table").locator("tbody tr[data-unit]").evaluate_all(
        "rows => rows.map(r => r.dataset.unit)")


def test_the_compliance_view_pages_forward_and_back_with_its_status_filter(page, browser_app, tmp_path):
    browser_app.config["PAGE_SIZE"] = 1  # four units to a page
    root = factories.ensure_organiser()
    for n in range(18):
        unit = make_unit(f"UBND xã {COMMUNES[n % len(COMMUNES)]}", kind=UnitKind.COMMUNE, parent=root, code=f"X{n:02d}")
        factories.make_user(Role.STAFF, unit=unit)  # someone to remind
        if n % 3 == 0:
            make_initiative(unit, year=2026, status=Status.SUBMITTED)
    for n in range(4):
        factories.make_user(Role.STAFF, unit=make_unit(f"Sở Thử nghiệm {n}", parent=root, code=f"S{n}"))
    secretariat = factories.make_user(Role.SECRETARIAT, login="noivu.tinhhinh")
    db.session.commit()
    expected = [r.unit.code for r in compliance_rows(2026) if r.status is ComplianceStatus.MISSING]
    axe, found = Axe(), []
    browser_login(page, secretariat.login, PASSWORD)
    page.goto("/mo-hinh/tinh-hinh-dang-ky?nam=2026&tinh_trang=missing")
    expect(page.get_by_test_id("compliance-filter")).to_contain_text(f"({len(expected)} đơn vị)")
    expect(page.locator('[data-total="units"]')).to_have_text("22")  # every unit, not the page
    found += _blocking(page, axe, "compliance first page")
    pages = walk_pages(page, _units_shown, r"tinh_trang=missing.*sau=|sau=.*tinh_trang=missing")
    page.screenshot(path=str(tmp_path / "compliance-last-page.png"), full_page=True)
    found += _blocking(page, axe, "compliance last page")
    assert [len(rows) for rows in pages] == [4, 4, 4, 4]
    assert [row for rows in pages for row in rows] == expected  # departments first, then by name

    paging = page.get_by_role("navigation", name="Phân trang")
    follow(page, paging.get_by_role("link", name="‹ Trước"))
    assert _units_shown(page) == pages[2]
    # A reminder sent from this page comes back to it.
    unit = pages[2][0]
    page.locator(f'tr[data-unit="{unit}"]').get_by_role("button", name="Nhắc đơn vị").click()
    expect(page.get_by_text(re.compile(r"Đã nhắc .*: 1 cán bộ"))).to_be_visible()
    expect(page.locator(f'tr[data-unit="{unit}"]').get_by_test_id("reminded-today")).to_be_visible()
    assert _units_shown(page) == pages[2] and "tinh_trang=missing" in page.url
    follow(page, paging.get_by_role("link", name="« Trang đầu"))
    assert _units_shown(page) == pages[0]
    assert "sau=" not in page.url and "truoc=" not in page.url and "tinh_trang=missing" in page.url
    assert found == []


def _library_shown(page) -> list[str]:
    return page.get_by_test_id("showcase-item").locator("h2 a").all_inner_texts()


def test_the_library_pages_forward_and_back_in_the_chosen_sort_and_field(page, browser_app, tmp_path):
    browser_app.config["PAGE_SIZE"] = 4
    root = factories.ensure_organiser()
    unit = make_unit("Sở Tư pháp", parent=root, code="STP")
    for n in range(10):
        for field in (Field.ECONOMY, Field.CULTURE_SOCIETY):
            make_initiative(unit, name=f"Mô hình {field.label.lower()} {COMMUNES[n % len(COMMUNES)]} {n}",
                            year=2024 + n % 3, status=Status.ACCEPTED, field=field)
    db.session.commit()
    expected = [m.name for m in sorted(db.session.scalars(db.select(Initiative).where(Initiative.field == Field.ECONOMY)),
                                       key=lambda m: (m.sort_name, m.id))]
    axe, found = Axe(), []
    page.goto("/thu-vien")
    page.get_by_label("Sắp xếp").select_option(label="Tên (A → Z)")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_test_id("field-counts").get_by_role("link", name="Kinh tế").click()
    expect(page.get_by_test_id("showcase-count")).to_contain_text("10 mô hình")
    found += _blocking(page, axe, "library first page")
    pages = walk_pages(page, _library_shown, r"linh_vuc=economy.*sau=|sau=.*linh_vuc=economy")
    page.screenshot(path=str(tmp_path / "library-last-page.png"), full_page=True)
    found += _blocking(page, axe, "library last page")
    assert [len(names) for names in pages] == [4, 4, 2]
    assert [name for names in pages for name in names] == expected
    expect(page.get_by_label("Sắp xếp")).to_have_value("ten")
    follow(page, page.get_by_role("navigation", name="Phân trang").get_by_role("link", name="‹ Trước"))
    assert _library_shown(page) == pages[1]
    assert found == []
