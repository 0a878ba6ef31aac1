"""Everyday flows in Chromium, with screenshots for the user guides: deadline banners, the
Vietnamese history, bulk review, second rounds, reminders, the account slip and the library."""

from __future__ import annotations

import re
import subprocess
from datetime import date, time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from danvankheo.auth.models import User
from danvankheo.awards.catalogue import create_award_form
from danvankheo.awards.decisions import approve_proposal
from danvankheo.awards.models import AwardLevel
from danvankheo.awards.proposals import (
    LineChange,
    ProposalDetails,
    create_proposal,
    submit_proposal,
    update_proposal,
)
from danvankheo.core.roles import Role
from danvankheo.core.timeutil import local_today
from danvankheo.core.types import utcnow
from danvankheo.extensions import db
from danvankheo.registry.deadlines import deadline_from_local, set_year_settings
from danvankheo.registry.models import Field, Initiative, Status
from danvankheo.scoring import assignments, rounds, scorecards
from danvankheo.scoring.models import Assignment
from danvankheo.units.models import UnitKind
from tests import factories
from tests.browser.conftest import SCREENSHOTS, browser_login, browser_logout, screenshot
from tests.factories import PASSWORD, make_initiative, make_unit
from tests.registry.conftest import add_evidence
from tests.scoring.conftest import build_province, full_marks

pytestmark = pytest.mark.browser


def _no_serious_axe_violations(page, context: str = "main") -> None:
    """axe-core (bundled by axe-playwright-python, never fetched) on the page's own content.

    Only <main> (or a part of it): the menu bar's contrast is another change's concern.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, serious


def _deadline(days: int) -> None:
    factories.ensure_organiser()
    set_year_settings(local_today().year, deadline_at=deadline_from_local(local_today() + timedelta(days=days),
                                                                          time(23, 59)),
                      kinds=[UnitKind.DEPARTMENT, UnitKind.COMMUNE])


@pytest.fixture
def office(app, make_user):
    year = local_today().year
    _deadline(-2)
    root = factories.ensure_organiser()
    justice = make_unit("Sở Tư pháp", parent=root, code="STP")
    health = make_unit("Sở Y tế", parent=root, code="SYT")
    make_unit("UBND phường Hoa Lư", kind=UnitKind.COMMUNE, parent=root, code="PHL")
    make_user(Role.STAFF, unit=make_unit("UBND xã Gia Viễn", kind=UnitKind.COMMUNE, parent=root, code="XGV"),
              login="canbo.giavien", full_name="Vũ Văn Hải")
    staff = make_user(Role.STAFF, unit=justice, login="canbo.stp", full_name="Lê Minh Đức")
    make_user(Role.STAFF, unit=health, login="canbo.syt", full_name="Phạm Thị Lan")
    make_user(Role.SECRETARIAT, login="noivu", full_name="Trần Thị Thu Hà")
    make_user(Role.ADMIN, login="quantri", full_name="Nguyễn Văn Quản")
    draft = make_initiative(justice, name="Một cửa thân thiện với người dân", year=year, created_by=staff)
    add_evidence(draft, name="bao-cao-so-ket.pdf")
    waiting = []
    for unit, name in ((justice, "Tư pháp gần dân"), (health, "Khám bệnh lưu động vùng cao"),
                       (health, "Bệnh viện không khói thuốc")):
        model = make_initiative(unit, name=name, year=year, status=Status.SUBMITTED)
        model.submitted_at = utcnow()
        waiting.append(model)
    db.session.commit()
    return {"year": year, "draft": draft, "waiting": waiting, "justice": justice}


def test_deadline_banners_and_the_refused_submission(page, office):
    browser_login(page, "canbo.stp", PASSWORD)
    banner = page.get_by_test_id("registration-banner")
    expect(banner).to_contain_text("Đã quá hạn nộp")
    screenshot(page, "flows-han-nop-trang-chu")
    _no_serious_axe_violations(page)
    page.goto(f"/mo-hinh/{office['draft'].id}/sua")
    expect(page.get_by_test_id("deadline-banner")).to_contain_text("không nộp được")
    screenshot(page, "flows-han-nop-ho-so")
    _no_serious_axe_violations(page)
    page.goto(f"/mo-hinh/{office['draft'].id}")
    page.get_by_role("button", name="Nộp mô hình").click()
    expect(page.get_by_text("Đơn vị cần được gia hạn mới nộp được")).to_be_visible()
    # An extension arrives: the unit is told, and the banner says so.
    browser_logout(page)
    browser_login(page, "noivu", PASSWORD)
    page.goto(f"/mo-hinh/han-nop?nam={office['year']}")
    page.locator("#gh-unit_id").select_option(label="Sở Tư pháp")
    page.locator("#gh-until_date").fill((local_today() + timedelta(days=3)).isoformat())
    page.locator("#gh-reason").fill("Đơn vị sáp nhập, cần thêm thời gian")
    page.get_by_role("button", name="Gia hạn").click()
    expect(page.get_by_text("Đã gia hạn cho Sở Tư pháp.")).to_be_visible()
    browser_logout(page)
    browser_login(page, "canbo.stp", PASSWORD)
    page.goto("/thong-bao")
    expect(page.get_by_text("Đơn vị được gia hạn nộp mô hình “Dân vận khéo”")).to_be_visible()
    page.goto(f"/mo-hinh/{office['draft'].id}")
    expect(page.get_by_test_id("deadline-banner")).to_contain_text("đơn vị được gia hạn")


def test_history_reads_in_vietnamese(page, office):
    _deadline(20)
    db.session.commit()
    browser_login(page, "canbo.stp", PASSWORD)
    page.goto(f"/mo-hinh/{office['draft'].id}/sua")
    page.get_by_label("Kết quả định lượng").fill("99% hồ sơ giải quyết đúng hạn; 1.500 lượt hướng dẫn.")
    page.get_by_role("button", name="Lưu bản nháp").click()
    history = page.get_by_test_id("audit-history")
    expect(history).to_contain_text("Kết quả định lượng")
    expect(history).to_contain_text("Minh chứng: thêm tệp")
    expect(history).not_to_contain_text("results_quantitative")
    history.scroll_into_view_if_needed()
    screenshot(page, "flows-lich-su-mo-hinh")
    _no_serious_axe_violations(page, '[data-testid="audit-history"]')


def test_bulk_review_with_one_reason(page, office):
    a, b, c = office["waiting"]
    browser_login(page, "noivu", PASSWORD)
    page.get_by_test_id("review-link").click()
    page.get_by_label(b.name).check()
    page.get_by_label(c.name).check()
    page.get_by_label("Lý do (bắt buộc khi trả lại; gửi tới từng đơn vị)").fill(
        "Bổ sung số liệu kết quả và xác nhận của địa phương.")
    screenshot(page, "flows-xet-duyet")
    _no_serious_axe_violations(page)
    # Meanwhile Sở Y tế withdraws one of them: nothing is applied and the page says which.
    db.session.get(Initiative, c.id).status = Status.WITHDRAWN
    db.session.commit()
    page.get_by_test_id("bulk-return").click()
    problems = page.get_by_test_id("bulk-problems")
    expect(problems).to_contain_text(f"{c.name}: đang ở trạng thái")
    screenshot(page, "flows-xet-duyet-loi")
    _no_serious_axe_violations(page)
    # The withdrawn model has left the list; the rest of the selection and the reason are kept.
    expect(page.get_by_label(c.name)).to_have_count(0)
    expect(page.get_by_label(b.name)).to_be_checked()
    page.get_by_test_id("bulk-return").click()
    expect(page.get_by_text("Đã trả lại để bổ sung 1 mô hình")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Initiative, b.id).status is Status.RETURNED
    assert db.session.get(Initiative, a.id).status is Status.SUBMITTED


def test_reminding_a_unit_from_the_compliance_view(page, office):
    browser_login(page, "noivu", PASSWORD)
    page.goto(f"/mo-hinh/tinh-hinh-dang-ky?nam={office['year']}&tinh_trang=missing")
    row = page.locator('tr[data-unit="XGV"]')
    row.get_by_role("button", name="Nhắc đơn vị").click()
    expect(page.get_by_text("Đã nhắc UBND xã Gia Viễn: 1 cán bộ nhận thông báo")).to_be_visible()
    expect(page.locator('tr[data-unit="XGV"]').get_by_test_id("reminded-today")).to_be_visible()
    screenshot(page, "flows-nhac-don-vi")
    _no_serious_axe_violations(page)


def test_the_account_slip_prints_on_one_page(page, office, tmp_path):
    browser_login(page, "quantri", PASSWORD)
    page.goto("/quan-tri/nguoi-dung/moi")
    page.get_by_label("Tên đăng nhập").fill("lan.phl")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Lan")
    page.get_by_label("Chức vụ").fill("Công chức Văn hóa - Xã hội")
    page.get_by_label("Đơn vị", exact=True).select_option(label="UBND phường Hoa Lư")
    page.get_by_role("button", name="Lưu").click()
    slip = page.get_by_test_id("account-slip")
    expect(slip).to_contain_text("PHIẾU CẤP TÀI KHOẢN")
    password = page.get_by_test_id("slip-password").inner_text()
    screenshot(page, "flows-phieu-tai-khoan")
    _no_serious_axe_violations(page)
    page.emulate_media(media="print")
    pdf = tmp_path / "phieu.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert password in text and "lan.phl" in text and "Nộp mô hình" not in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(SCREENSHOTS / "flows-phieu-tai-khoan-in")],
                   check=True)
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.M), pages
    user = db.session.scalar(select(User).where(User.login == "lan.phl"))
    assert user.check_password(password)


@pytest.fixture
def scored(app):
    p = build_province()
    round_ = p.round
    p.models["justice"].field = Field.POLITICAL_SYSTEM
    p.models["health"].field = Field.CULTURE_SOCIETY
    p.models["commune"].field = Field.ECONOMY
    assignments.auto_assign(round_, 2)
    rounds.start_scoring(round_)
    minus = {p.models["health"].id: 5, p.models["hospital"].id: 12, p.models["commune"].id: 18}
    for a in db.session.scalars(select(Assignment)):
        scorecards.save_scorecard(round_, a.initiative, a.evaluator, full_marks(round_, minus.get(a.initiative_id, 0)),
                                  submit=True)
    rounds.close_scoring(round_)
    rounds.finalise(round_, by=p.secretariat)
    form = create_award_form(name="Bằng khen của Chủ tịch UBND tỉnh", issuing_authority="Chủ tịch UBND tỉnh",
                             level=AwardLevel.PROVINCE)
    proposal = create_proposal(round_, [p.models["justice"].id], form, actor=p.secretariat, title="Đề nghị 2026")
    update_proposal(proposal, ProposalDetails(
        title="Đề nghị 2026", submission_number="125/TTr-SNV", submission_date=date(2026, 10, 20),
        signer_name="Nguyễn Văn An", signer_title="Phó Giám đốc", signer_authority="KT. Giám đốc"),
        [LineChange(line.id, line.recipient_key, line.award_form_id, "Thành tích xuất sắc", line.note)
         for line in proposal.lines], expected_version=proposal.version, actor=p.secretariat)
    submit_proposal(proposal, actor=p.secretariat)
    approve_proposal(proposal, "15/QĐ-UBND", date(2026, 11, 20), actor=p.secretariat)
    make_initiative(p.commune, name="Khám bệnh lưu động ở xã Gia Viễn", status=Status.ACCEPTED,
                    replicates_id=p.models["health"].id, field=Field.CULTURE_SOCIETY)
    p.secretariat.login = "thuongtruc"
    db.session.commit()
    return p


def test_second_round_asks_why_and_shows_where_a_model_stands(page, scored):
    second = rounds.create_round(rounds.RoundSettings(name="Đợt 2 - vòng cấp tỉnh năm 2026", year=2026),
                                 by=scored.secretariat)
    db.session.commit()
    browser_login(page, "thuongtruc", PASSWORD)
    page.goto(f"/dot-danh-gia/{second.id}/mo-hinh")
    expect(page.get_by_test_id("held-back")).to_be_visible()
    page.locator("#add-ids").select_option(value=[str(scored.models["justice"].id)])
    page.get_by_role("button", name="Thêm các mô hình đã chọn").click()
    table = page.get_by_test_id("standings-elsewhere")
    expect(table).to_contain_text("Đợt 2026")
    expect(table).to_contain_text("xếp hạng 1")
    expect(table).to_contain_text("được đề nghị khen thưởng")
    screenshot(page, "flows-danh-gia-lai")
    _no_serious_axe_violations(page)
    page.get_by_label("Lý do đánh giá lại").fill("Chọn mô hình tiêu biểu nhất để đề nghị Bằng khen cấp tỉnh")
    page.get_by_test_id("confirm-add").click()
    expect(page.get_by_text("Đã thêm 1 mô hình vào đợt.")).to_be_visible()


def test_the_library_counts_sorts_and_shows_badges(page, scored):
    page.goto("/thu-vien?sap_xep=diem")
    expect(page.get_by_test_id("showcase-count")).to_contain_text("6 mô hình")
    first = page.get_by_test_id("showcase-item").first
    expect(first).to_contain_text("Xuất sắc · hạng 1")
    expect(first).to_contain_text("Bằng khen của Chủ tịch UBND tỉnh")
    expect(page.get_by_text("Được nhân rộng 1 lần")).to_be_visible()
    screenshot(page, "flows-thu-vien")
    _no_serious_axe_violations(page)
    page.get_by_test_id("field-counts").get_by_role("link", name="Kinh tế").click()
    expect(page.get_by_test_id("showcase-count")).to_contain_text("1 mô hình")


def test_an_import_prints_one_slip_per_page(page, office, tmp_path):
    from tests.imports.test_imports import xlsx

    sheet = tmp_path / "nhap.xlsx"
    sheet.write_bytes(xlsx(units=[["PHL2", "UBND phường Nam Hoa Lư", "UBND xã/phường/đặc khu", "NB"]],
                           users=[["an.phl2", "Trần Văn An", None, None, None, "PHL2", "Cán bộ đơn vị"],
                                  ["binh.phl2", "Lê Thị Bình", None, None, None, "PHL2", "Cán bộ đơn vị"]]))
    browser_login(page, "quantri", PASSWORD)
    page.goto("/quan-tri/nhap-excel")
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(sheet))
    page.get_by_role("button", name="Kiểm tra và nhập").click()
    expect(page.get_by_test_id("print-slips")).to_be_visible()
    expect(page.get_by_test_id("account-slips")).to_be_hidden()
    page.emulate_media(media="print")
    pdf = tmp_path / "phieu.pdf"
    page.pdf(path=str(pdf), format="A4")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+2$", info, re.M), info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    first, second = text.split("\f")[:2]
    assert "an.phl2" in first and "binh.phl2" in second
    assert "Kiểm tra và nhập" not in text
