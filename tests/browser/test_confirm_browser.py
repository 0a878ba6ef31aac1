"""An irreversible step asks first: answering "Hủy" (cancel) changes nothing, "OK" goes on."""

import pytest
from playwright.sync_api import expect

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Initiative, Status
from tests.browser.conftest import browser_login
from tests.factories import PASSWORD, make_initiative, make_unit, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def asking_page(chromium, live_server, browser_app):
    """A page whose dialogs are answered by ``page.answer`` (True: OK) and kept in ``page.asked``."""
    context = chromium.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.asked, page.answer, problems = [], False, []

    def answer(dialog):
        page.asked.append(dialog.message)
        dialog.accept() if page.answer else dialog.dismiss()

    page.on("dialog", answer)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    yield page
    context.close()
    assert not problems


def test_accepting_a_model_asks_first_and_cancel_changes_nothing(asking_page):
    page = asking_page
    unit = make_unit("UBND xã Gia Viễn")
    model = make_initiative(unit, name="Dân vận ở thôn bản", status=Status.SUBMITTED)
    secretariat = make_user(Role.SECRETARIAT)
    db.session.commit()
    browser_login(page, secretariat.login, PASSWORD)
    page.goto(f"/mo-hinh/{model.id}")
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.get_by_test_id("workflow-actions")).to_be_visible()
    assert page.asked and "Tiếp nhận mô hình “Dân vận ở thôn bản” của UBND xã Gia Viễn?" in page.asked[0]
    db.session.expire_all()
    assert db.session.get(Initiative, model.id).status is Status.SUBMITTED
    expect(page.get_by_role("button", name="Tiếp nhận", exact=True)).to_be_enabled()  # not left disabled

    page.answer = True
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.get_by_text("Đã tiếp nhận mô hình.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Initiative, model.id).status is Status.ACCEPTED
