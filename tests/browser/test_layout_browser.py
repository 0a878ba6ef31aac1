"""Layout as people meet it: on a phone the dossier comes before the scoring form and chart
labels stay readable; a printed page names its organiser; each page's help link opens its
section of the guide."""

import subprocess

import pytest
from playwright.sync_api import expect

from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.scoring import assignments, rounds
from tests.browser.conftest import SCREENSHOTS, browser_login
from tests.factories import PASSWORD, make_user
from tests.reports.data import build_province as build_report_province
from tests.scoring.conftest import build_province as build_scoring_province

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_on_a_phone_the_dossier_and_evidence_come_before_the_scoring_form(page):
    p = build_scoring_province()
    assignments.auto_assign(p.round, 2)
    rounds.start_scoring(p.round)
    db.session.commit()
    page.set_viewport_size(PHONE)
    browser_login(page, p.evaluators["commune"].login, PASSWORD)
    page.goto(f"/cham-diem/{p.round.id}/{p.models['justice'].id}")
    dossier = page.get_by_test_id("dossier").bounding_box()
    form = page.get_by_test_id("score-form").bounding_box()
    assert dossier["y"] + dossier["height"] <= form["y"]


def test_chart_labels_are_at_least_12_px_on_a_phone_and_bars_are_not_all_red(page):
    build_report_province()
    observer = make_user(Role.OBSERVER)
    db.session.commit()
    page.set_viewport_size(PHONE)
    browser_login(page, observer.login, PASSWORD)
    page.goto("/thong-ke?nam=2026")
    sizes = page.locator("section.chart svg text").evaluate_all(
        "(texts) => texts.map((t) => t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize))")
    assert sizes and min(sizes) >= 12, min(sizes)
    fills = page.get_by_test_id("chart-status").locator("svg rect").evaluate_all(
        "(rects) => rects.map((r) => r.getAttribute('fill'))")
    assert len(set(fills)) >= 3


def test_a_printed_page_carries_the_organisers_header(page, tmp_path, browser_app):
    build_report_province()
    observer = make_user(Role.OBSERVER)
    db.session.commit()
    browser_login(page, observer.login, PASSWORD)
    page.goto("/thong-ke?nam=2026")
    expect(page.get_by_test_id("print-header")).to_be_hidden()  # not on screen
    page.emulate_media(media="print")
    expect(page.get_by_test_id("print-header")).to_be_visible()
    pdf = tmp_path / "thong-ke.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert browser_app.config["ISSUING_BODY_NAME"].upper() in text
    assert browser_app.config["PARENT_BODY_NAME"].upper() in text
    assert "Phong trào thi đua" in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    page.emulate_media(media="screen")


def test_the_help_link_opens_the_section_of_the_page(page):
    p = build_scoring_province()
    assignments.auto_assign(p.round, 2)
    rounds.start_scoring(p.round)
    db.session.commit()
    browser_login(page, p.evaluators["commune"].login, PASSWORD)
    page.goto(f"/cham-diem/{p.round.id}/{p.models['justice'].id}")
    page.get_by_test_id("help-link").click()
    page.wait_for_url("**/huong-dan/giam-khao#4-cham-tung-tieu-chi")
    expect(page.get_by_role("heading", name="4. Chấm từng tiêu chí")).to_be_in_viewport()
    page.screenshot(path=str(SCREENSHOTS / "help-guide.png"))  # the screen the reader lands on
