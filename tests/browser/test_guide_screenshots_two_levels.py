"""Screenshots of the two levels (province and commune organisers) for the user guides, taken
in the demo: the admin's list of organisers, the province's upward proposals with the commune's
model waiting, the commune's own view of what it sent, and the province's roll-up."""

from __future__ import annotations

from playwright.sync_api import expect

from danvankheo.demo import DEMO_PASSWORD, seed_demo
from danvankheo.extensions import db
from tests.browser.conftest import browser_login, browser_logout, screenshot


def test_guide_screenshots_of_the_two_levels(page):
    seed_demo()
    db.session.commit()

    browser_login(page, "admin", DEMO_PASSWORD)
    page.goto("/quan-tri/co-quan-to-chuc")
    organisers = page.get_by_test_id("organisers")
    expect(organisers).to_contain_text("UBND xã Gia Viễn")
    expect(organisers).to_contain_text("mặc định")
    screenshot(page, "organisers-admin")
    browser_logout(page)

    browser_login(page, "noivu", DEMO_PASSWORD)
    page.goto("/de-nghi-cap-tren")
    received = page.get_by_test_id("nominations-received")
    expect(received).to_contain_text("UBND xã Gia Viễn")
    expect(received.get_by_role("button", name="Nhận vào xét")).to_be_visible()
    screenshot(page, "organisers-nominations")

    page.goto("/tong-hop-cap-duoi?nam=2025")
    rollup = page.get_by_test_id("rollup")
    expect(rollup).to_contain_text("UBND xã Gia Viễn")
    screenshot(page, "organisers-rollup")
    browser_logout(page)

    browser_login(page, "thuky.giavien", DEMO_PASSWORD)
    page.goto("/de-nghi-cap-tren")
    expect(page.get_by_test_id("nominations-sent")).to_contain_text("Chờ")
    screenshot(page, "organisers-nominations-sent")
