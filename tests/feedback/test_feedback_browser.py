"""The whole path on a phone (360 × 740, vi-VN): the secretariat prints the poster, a phone
reads its QR code (zbarimg on the rendered poster), the person answers and is thanked, the
secretariat shows the comment, and the evaluator's scoring page shows the answer.
axe finds no serious or critical violation on the public page or the poster page."""

from __future__ import annotations

import subprocess

from axe_playwright_python.sync_playwright import Axe

from danvankheo.extensions import db
from danvankheo.feedback import services
from danvankheo.scoring import assignments, rounds
from tests.browser.conftest import SCREENSHOTS
from tests.factories import PASSWORD
from tests.render import first_page_png, require, to_pdf
from tests.scoring.conftest import build_province

PHONE = {"width": 360, "height": 740}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}


def blocking(page, label: str) -> list[str]:
    results = Axe().run(page, options=AXE_OPTIONS)
    return [f"{label} [{v['impact']}] {v['id']}: {n['target']}" for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"} for n in v["nodes"]]


def phone(chromium, live_server, *, desk: bool = False):
    """A phone (360 × 740), or with `desk` the secretariat's desktop screen."""
    size = {"viewport": {"width": 1366, "height": 900}} if desk else {"viewport": PHONE, "is_mobile": True,
                                                                      "has_touch": True}
    context = chromium.new_context(base_url=live_server, locale="vi-VN", accept_downloads=True, **size)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda msg: page.problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())
    return context, page


def login(page, user) -> None:
    page.goto("/dang-nhap")
    page.get_by_label("Tên đăng nhập hoặc email").fill(user.login)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/trang-chu")


def test_qr_to_thanks_to_the_council_on_a_phone(chromium, live_server, browser_app, tmp_path):
    p = build_province()
    model = p.models["commune"]
    assignments.assign(p.round, model, p.evaluators["justice"], by=p.secretariat)
    rounds.start_scoring(p.round, by=p.secretariat)
    services.open_survey(model)
    db.session.commit()
    found: list[str] = []

    # The secretariat, at its desk, opens the poster page and downloads the poster to print.
    context, page = phone(chromium, live_server, desk=True)
    login(page, p.secretariat)
    page.goto(f"/mo-hinh/{model.id}/y-kien/ap-phich/a4")
    page.get_by_test_id("poster").wait_for()
    found += blocking(page, "poster page")
    page.screenshot(path=str(SCREENSHOTS / "y-kien-ap-phich-trang.png"), full_page=True)
    # The QR code on the page reads back whole, as the printed one does.
    shown = page.get_by_test_id("poster-qr").screenshot(path=str(tmp_path / "page-qr.png"))
    assert shown
    on_page = subprocess.run([require("zbarimg"), "--quiet", "--raw", str(tmp_path / "page-qr.png")],
                             capture_output=True, timeout=60, check=True).stdout.decode().strip()
    with page.expect_download() as download:
        page.get_by_test_id("poster-docx").click()
    poster = download.value.path().read_bytes()
    image = first_page_png(to_pdf(poster, ".docx", tmp_path), tmp_path / "poster.png", resolution=150)
    link = subprocess.run([require("zbarimg"), "--quiet", "--raw", str(image)], capture_output=True,
                          timeout=60, check=True).stdout.decode().strip()
    assert link.startswith(live_server + "/y-kien/") and on_page == link

    # A browser in English shows the same Vietnamese page (nothing depends on the browser's language).
    english = chromium.new_context(base_url=live_server, locale="en-US", viewport=PHONE, is_mobile=True)
    foreign = english.new_page()
    foreign.goto(link)
    assert foreign.get_by_role("button", name="Gửi ý kiến").is_visible()
    foreign.screenshot(path=str(SCREENSHOTS / "y-kien-trang-cong-khai-en-us.png"), full_page=True)
    english.close()

    # A person's phone follows the link, answers, and is thanked.
    person, citizen = phone(chromium, live_server)
    citizen.goto(link)
    assert citizen.get_by_test_id("model-name").inner_text() == model.name
    found += blocking(citizen, "public page")
    citizen.screenshot(path=str(SCREENSHOTS / "y-kien-trang-cong-khai.png"), full_page=True)
    citizen.get_by_label("4").check()
    citizen.get_by_label("Có", exact=True).check()
    citizen.get_by_label("Bạn sống ở xã, phường nào?").select_option(label="UBND xã Gia Viễn")
    citizen.get_by_label("Góp ý của bạn").fill("Cán bộ xã đến tận nhà hướng dẫn, rất chu đáo.")
    citizen.get_by_role("button", name="Gửi ý kiến").click()
    citizen.get_by_test_id("thanks").wait_for()
    found += blocking(citizen, "thanks page")
    citizen.screenshot(path=str(SCREENSHOTS / "y-kien-cam-on.png"), full_page=True)
    assert not citizen.problems, citizen.problems
    person.close()

    # The secretariat shows the comment to the council.
    page.goto(f"/mo-hinh/{model.id}/y-kien")
    page.get_by_role("button", name="Hiển thị cho Hội đồng").click()
    page.get_by_text("Đã duyệt góp ý").first.wait_for()
    page.screenshot(path=str(SCREENSHOTS / "y-kien-thuong-truc.png"), full_page=True)
    found += blocking(page, "secretariat's survey page")
    page.goto("/y-kien-nhan-dan")
    found += blocking(page, "secretariat's list of surveys")
    assert not page.problems, page.problems
    context.close()

    # The evaluator's scoring page shows the answer beside the dossier.
    context, page = phone(chromium, live_server)
    login(page, p.evaluators["justice"])
    page.goto(f"/cham-diem/{p.round.id}/{model.id}")
    assert page.get_by_test_id("open-count").inner_text() == "1"
    assert page.get_by_test_id("verified-count").inner_text() == "0"
    assert "rất chu đáo" in page.get_by_test_id("council-comment").inner_text()
    page.get_by_test_id("people-voice").screenshot(path=str(SCREENSHOTS / "y-kien-hoi-dong.png"))
    found += blocking(page, "scoring page with the people's voice")
    assert not page.problems, page.problems
    context.close()
    assert not found, "\n".join(found)


def test_demo_secretariat_pages_with_a_burst_are_accessible(page):
    from sqlalchemy import select

    from danvankheo.demo import DEMO_PASSWORD, seed_demo
    from danvankheo.feedback.models import Survey, SurveyResponse

    seed_demo()
    db.session.commit()
    survey = db.session.scalar(select(Survey).where(Survey.id.in_(select(SurveyResponse.survey_id)))
                               .order_by(Survey.id))
    page.goto("/dang-nhap")
    page.get_by_label("Tên đăng nhập hoặc email").fill("noivu")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/trang-chu")
    page.goto(f"/mo-hinh/{survey.initiative_id}/y-kien")
    page.get_by_test_id("burst-flag").wait_for()
    found = blocking(page, "demo survey page with a burst")
    page.screenshot(path=str(SCREENSHOTS / "y-kien-dong-dap.png"), full_page=True)
    page.goto("/y-kien-nhan-dan")
    assert page.get_by_test_id("overview-burst").count() == 1
    found += blocking(page, "demo list of surveys")
    page.screenshot(path=str(SCREENSHOTS / "y-kien-danh-sach.png"), full_page=True)
    assert not found, "\n".join(found)
