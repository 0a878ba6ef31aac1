import pytest
from playwright.sync_api import expect

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from tests.browser.conftest import browser_login, browser_logout, screenshot
from tests.factories import PASSWORD, make_unit

pytestmark = pytest.mark.browser

ROLE_SHOTS = {
    Role.STAFF: "home-staff",
    Role.EVALUATOR: "home-evaluator",
    Role.SECRETARIAT: "home-secretariat",
    Role.OBSERVER: "home-observer",
    Role.ADMIN: "home-admin",
    Role.SUPERVISOR: "home-supervisor",
}


def test_login_page_in_vietnamese(page):
    page.goto("/")
    assert page.url.endswith("/dang-nhap")
    assert page.locator("html").get_attribute("lang") == "vi"
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    screenshot(page, "login")


def test_wrong_password_message(page, make_user):
    user = make_user(Role.STAFF)
    page.goto("/dang-nhap")
    page.get_by_label("Tên đăng nhập hoặc email").fill(user.login)
    page.get_by_label("Mật khẩu").fill("sai-mat-khau-9")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng")).to_be_visible()


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_logs_in_to_its_home(page, make_user, role):
    unit = make_unit("Sở Tư pháp")
    user = make_user(role, unit=unit, full_name="Lê Minh Đức")
    db.session.commit()
    browser_login(page, user.login, PASSWORD)
    expect(page.get_by_role("heading", name="Xin chào, Lê Minh Đức")).to_be_visible()
    assert page.get_by_test_id("roles").inner_text().find(role.label) >= 0
    screenshot(page, ROLE_SHOTS[role])
    browser_logout(page)


def test_admin_creates_a_unit_and_sees_field_errors(page, make_user):
    admin = make_user(Role.ADMIN)
    make_unit("UBND tỉnh Ninh Bình", code="NB")
    db.session.commit()
    browser_login(page, admin.login, PASSWORD)
    page.goto("/quan-tri/don-vi/moi")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".invalid-feedback", has_text="Vui lòng nhập trường này.").first).to_be_visible()
    page.get_by_label("Tên đơn vị").fill("UBND xã Đồng Thái")
    page.get_by_label("Mã đơn vị").fill("XDT")
    page.get_by_label("Loại đơn vị").select_option("commune")
    page.get_by_label("Đơn vị cấp trên").select_option(label="UBND tỉnh Ninh Bình")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/quan-tri/don-vi")
    expect(page.get_by_text("Đã thêm đơn vị “UBND xã Đồng Thái”.")).to_be_visible()
    screenshot(page, "admin-units")
    page.goto("/quan-tri/nguoi-dung")
    screenshot(page, "admin-users")
