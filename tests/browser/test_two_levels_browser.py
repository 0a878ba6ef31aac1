"""The two-level year in Chromium (issue 14): UBND xã Gia Viễn runs its round, awards a Giấy khen
of the Chủ tịch UBND xã and proposes its best model up to the province; the province accepts it
into its own round, ranks it and awards a Bằng khen of the Chủ tịch UBND tỉnh; the audit trail
tells the story. The world (units, accounts, models, councils, the scores) is built on the
server; the steps people take are played in the browser, dates typed as dd/mm/yyyy.
Screenshots go to the user guide (two-levels-*.png); the new pages are checked with axe."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from danvankheo.awards.catalogue import seed_default_award_forms
from danvankheo.awards.models import Proposal, ProposalState
from danvankheo.core.roles import Role
from danvankheo.core.timeutil import local_today
from danvankheo.extensions import db
from danvankheo.organisers.models import Nomination, NominationState, Organiser, OrganiserLevel
from danvankheo.organisers.services import default_organiser, make_organiser
from danvankheo.registry.models import Status
from danvankheo.scoring import assignments, rounds, scorecards
from danvankheo.scoring.models import Round
from danvankheo.units.models import UnitKind
from tests.browser.conftest import browser_login, browser_logout, screenshot
from tests.browser.test_accessibility_browser import _violations
from tests.factories import PASSWORD, make_initiative, make_unit, make_user

pytestmark = pytest.mark.browser

YEAR = 2026
EXCELLENT = ["19", "28.5", "19", "9", "19"]  # 94,5: Xuất sắc
GOOD = ["16", "24", "16", "8", "16"]  # 80: Tốt
BEST = "Dân vận khéo ở thôn bản"
CLINIC = "Khám bệnh tại nhà cho người cao tuổi"
JUSTICE = "Tư pháp gần dân"
COMMUNE_ROUND = "Đợt đánh giá xã Gia Viễn năm 2026"
PROVINCE_ROUND = "Đợt đánh giá cấp tỉnh năm 2026"
REPEAT = "Mô hình được UBND xã Gia Viễn đề nghị lên tỉnh; tỉnh xét ở phạm vi toàn tỉnh."
NOTE = "Mô hình được Hội đồng xã xếp loại Xuất sắc, đề nghị tỉnh xem xét tặng Bằng khen."


def _world() -> dict:
    seed_default_award_forms()
    province_unit = make_unit("UBND tỉnh Ninh Bình", kind=UnitKind.PROVINCE, code="NB")
    province = default_organiser()
    province.level = OrganiserLevel.PROVINCE
    justice = make_unit("Sở Tư pháp", code="STP", parent=province_unit)
    council = make_unit("Ban Dân vận Tỉnh ủy", code="BDV", kind=UnitKind.OTHER, parent=province_unit)
    commune = make_unit("UBND xã Gia Viễn", code="XGV", kind=UnitKind.COMMUNE, parent=province_unit)
    culture = make_unit("Phòng Văn hóa - Xã hội", code="XGV-VH", kind=UnitKind.DIVISION, parent=commune)
    clinic = make_unit("Trạm Y tế xã", code="XGV-YT", kind=UnitKind.PUBLIC_SERVICE, parent=commune)
    economy = make_unit("Phòng Kinh tế", code="XGV-KT", kind=UnitKind.DIVISION, parent=commune)
    gia_vien = make_organiser(commune, level=OrganiserLevel.COMMUNE,
                              secretariat_name="Văn phòng HĐND và UBND xã Gia Viễn")
    users = {
        "thuky.giavien": make_user(Role.SECRETARIAT, unit=commune, login="thuky.giavien",
                                   full_name="Đinh Thị Xuân", organiser_id=gia_vien.id),
        "giamkhao.giavien": make_user(Role.EVALUATOR, unit=economy, login="giamkhao.giavien",
                                      full_name="Hoàng Văn Bình", organiser_id=gia_vien.id),
        "noivu": make_user(Role.SECRETARIAT, unit=council, login="noivu", full_name="Trần Thị Thu Hà",
                           organiser_id=province.id),
        "giamkhao.tinh": make_user(Role.EVALUATOR, unit=council, login="giamkhao.tinh", full_name="Lê Thị Chấm",
                                   organiser_id=province.id),
        "quantri": make_user(Role.ADMIN, login="quantri", full_name="Nguyễn Văn Quản"),
    }
    models = {
        "best": make_initiative(culture, name=BEST, status=Status.ACCEPTED, year=YEAR,
                                members=[("Phạm Thị Hoa", "Trưởng phòng Văn hóa - Xã hội")]),
        "clinic": make_initiative(clinic, name=CLINIC, status=Status.ACCEPTED, year=YEAR),
        "justice": make_initiative(justice, name=JUSTICE, status=Status.ACCEPTED, year=YEAR),
    }
    return {"province": province, "gia_vien": gia_vien, "users": users, "models": models}


def _score(round_name: str, secretariat, evaluator, marks: dict) -> Round:
    """The council's work, on the server: panel, assignments, one submitted scorecard each."""
    db.session.expire_all()
    round_ = db.session.scalar(select(Round).where(Round.name == round_name))
    assignments.set_panel(round_, [evaluator])
    for initiative in marks:
        assignments.assign(round_, initiative, evaluator, by=secretariat, notify_evaluator=False)
    rounds.start_scoring(round_, by=secretariat)
    criteria = list(round_.criteria)
    for initiative, values in marks.items():
        scorecards.save_scorecard(round_, initiative, evaluator,
                                  {c.id: Decimal(v) for c, v in zip(criteria, values, strict=True)},
                                  comment="Mô hình thiết thực", submit=True)
    db.session.commit()
    return round_


def _create_round(page, name: str, closes: str, expected_entries: int) -> None:
    page.goto("/trang-chu")
    page.get_by_role("link", name="Đợt đánh giá").first.click()
    page.get_by_role("link", name="Tạo đợt đánh giá").click()
    page.get_by_label("Tên đợt đánh giá").fill(name)
    page.get_by_label("Năm", exact=True).fill(str(YEAR))
    page.get_by_label("Hạn chấm").fill(closes)
    page.get_by_label("Số phiếu tối thiểu mỗi mô hình").fill("1")
    page.get_by_role("button", name="Tạo đợt đánh giá").click()
    expect(page.get_by_test_id("entry-count")).to_have_text(str(expected_entries))


def _finalise(page, round_id: int) -> None:
    page.goto(f"/dot-danh-gia/{round_id}")
    page.get_by_role("button", name="Khóa chấm").click()
    expect(page.get_by_test_id("round-state")).to_have_text("Đã khóa chấm")
    page.get_by_role("link", name="Xếp hạng", exact=True).click()
    page.get_by_role("button", name="Công bố kết quả").click()
    expect(page.get_by_text("Đã công bố kết quả").first).to_be_visible()
    page.get_by_role("link", name="Xếp hạng", exact=True).click()
    expect(page.get_by_test_id("ranking-frozen")).to_be_visible()


def _award(page, model_name: str, form_name: str, other_level_form: str, submission: tuple[str, str],
           decision: tuple[str, str], signer: str, repeat_reason: str | None = None) -> None:
    """From the finalised round's overview: the list with one model, the Tờ trình, submitted,
    then the decision recorded. A model already awarded below asks why it is proposed again."""
    page.get_by_role("link", name="Khen thưởng").first.click()
    page.get_by_role("link", name="Lập danh sách từ đợt này").click()
    expect(page.get_by_label(f"Chọn {model_name}")).to_be_checked()
    forms = page.get_by_label("Hình thức khen thưởng đề nghị")
    options = forms.locator("option").all_inner_texts()
    assert any(form_name in o for o in options) and not any(other_level_form in o for o in options), options
    forms.select_option(label=form_name)
    page.get_by_role("button", name="Lập danh sách").click()
    if repeat_reason is not None:
        expect(page.get_by_text("Một thành tích chỉ được đề nghị khen thưởng một lần")).to_be_visible()
        page.problems[:] = [p for p in page.problems if "400" not in p]
        page.get_by_label("Lý do đề nghị lại").fill(repeat_reason)
        page.get_by_role("button", name="Lập danh sách").click()
    expect(page.get_by_text("Đã lập danh sách đề nghị khen thưởng")).to_be_visible()
    page.get_by_label("Số Tờ trình").fill(submission[0])
    page.get_by_label("Ngày Tờ trình").fill(submission[1])
    page.get_by_label("Chức vụ người ký").fill("Chủ tịch")
    page.get_by_label("Họ và tên người ký").fill(signer)
    page.get_by_role("button", name="Lưu danh sách").click()
    expect(page.get_by_text("Đã lưu danh sách đề nghị.")).to_be_visible()
    page.get_by_role("button", name="Lưu và trình").click()
    expect(page.get_by_test_id("proposal-state")).to_have_text("Đã trình")
    page.get_by_label("Số Quyết định").fill(decision[0])
    page.get_by_label("Ngày Quyết định").fill(decision[1])
    page.get_by_role("button", name="Ghi nhận quyết định").click()
    expect(page.get_by_test_id("decision")).to_be_visible()


@pytest.mark.parametrize("page", ["vi-VN", "en-US"], indirect=True)
def test_a_commune_and_the_province_play_their_year(page):
    world = _world()
    db.session.commit()
    users, models = world["users"], world["models"]
    closes = (local_today() + timedelta(days=30)).strftime("%d/%m/%Y")

    # 1. The commune's secretariat creates its round: only Gia Viễn's two models are in it.
    browser_login(page, "thuky.giavien", PASSWORD)
    _create_round(page, COMMUNE_ROUND, closes, expected_entries=2)
    commune_round = _score(COMMUNE_ROUND, users["thuky.giavien"], users["giamkhao.giavien"],
                           {models["best"]: EXCELLENT, models["clinic"]: GOOD})
    assert commune_round.organiser_id == world["gia_vien"].id
    _finalise(page, commune_round.id)
    row = page.locator(f"tr[data-initiative='{models['best'].id}']")
    expect(row).to_contain_text("Xuất sắc")
    screenshot(page, "two-levels-commune-ranking")

    # 2. Giấy khen của Chủ tịch UBND xã: the commune's forms only, no Bằng khen of the province.
    page.goto(f"/dot-danh-gia/{commune_round.id}")
    _award(page, BEST, "Giấy khen của Chủ tịch UBND xã", "Bằng khen của Chủ tịch UBND tỉnh",
           ("12/TTr-VP", "20/11/2026"), ("45/QĐ-UBND", "25/11/2026"), "Nguyễn Văn Xã")
    screenshot(page, "two-levels-commune-giay-khen")

    # 3. The best model goes up to the province from the ranking page.
    page.goto(f"/dot-danh-gia/{commune_round.id}/xep-hang")
    row = page.locator(f"tr[data-initiative='{models['best'].id}']")
    row.get_by_test_id("nominate-link").click()
    expect(page.get_by_role("heading", name="Đề nghị lên cấp trên")).to_be_visible()
    expect(page.locator("dl")).to_contain_text("UBND tỉnh Ninh Bình")
    page.get_by_role("button", name="Gửi đề nghị").click()  # no note: refused, nothing written
    expect(page.get_by_text("Vui lòng ghi lý do đề nghị lên cấp trên.")).to_be_visible()
    page.problems[:] = [p for p in page.problems if "400" not in p]
    page.get_by_label("Ý kiến đề nghị của cấp dưới").fill(NOTE)
    screenshot(page, "two-levels-nominate")
    page.get_by_role("button", name="Gửi đề nghị").click()
    expect(page.get_by_text(f"Đã gửi đề nghị mô hình “{BEST}” lên UBND tỉnh Ninh Bình.")).to_be_visible()
    expect(page.get_by_test_id("nominations-sent")).to_contain_text("Chờ cấp trên xem xét")
    browser_logout(page)

    # 4. The province's secretariat accepts it and creates its own round: the province's own
    # model and the accepted one, none of Gia Viễn's other models.
    browser_login(page, "noivu", PASSWORD)
    page.goto("/de-nghi-cap-tren")
    received = page.get_by_test_id("nominations-received")
    expect(received).to_contain_text(BEST)
    expect(received).to_contain_text(NOTE)
    screenshot(page, "two-levels-received")
    received.get_by_role("button", name="Nhận vào xét").click()
    expect(page.get_by_text(f"Đã nhận mô hình “{BEST}” vào xét.")).to_be_visible()
    expect(page.get_by_test_id("nominations-received")).to_contain_text("Cấp trên đã nhận vào xét")
    _create_round(page, PROVINCE_ROUND, closes, expected_entries=2)
    page.locator("#noi-dung").get_by_role("link", name="Mô hình", exact=True).click()
    expect(page.get_by_role("link", name=BEST)).to_be_visible()
    expect(page.get_by_role("link", name=CLINIC)).to_have_count(0)
    province_round = _score(PROVINCE_ROUND, users["noivu"], users["giamkhao.tinh"],
                            {models["best"]: EXCELLENT, models["justice"]: GOOD})
    assert province_round.organiser_id == world["province"].id

    # 5. It ranks first and gets the Bằng khen của Chủ tịch UBND tỉnh.
    _finalise(page, province_round.id)
    row = page.locator(f"tr[data-initiative='{models['best'].id}']")
    expect(row).to_contain_text("Xuất sắc")
    expect(page.locator("tbody tr[data-initiative]").first).to_have_attribute("data-initiative",
                                                                               str(models["best"].id))
    screenshot(page, "two-levels-province-ranking")
    page.goto(f"/dot-danh-gia/{province_round.id}")
    _award(page, BEST, "Bằng khen của Chủ tịch UBND tỉnh", "Giấy khen của Chủ tịch UBND xã",
           ("125/TTr-SNV", "01/12/2026"), ("2150/QĐ-UBND", "05/12/2026"), "Nguyễn Văn An",
           repeat_reason=REPEAT)
    screenshot(page, "two-levels-province-bang-khen")
    # The roll-up of the level below: Gia Viễn's published round, its award, its proposal.
    page.goto(f"/tong-hop-cap-duoi?nam={YEAR}")
    line = page.locator(f"[data-testid='rollup'] tr[data-organiser='{world['gia_vien'].id}']")
    expect(line.locator("[data-cell='rounds']")).to_have_text("1")  # a count: the secretariat reads its own level
    expect(line.locator("[data-cell='awards']")).to_have_text("1")
    expect(line.locator("[data-cell='nominations']")).to_contain_text("1")
    screenshot(page, "two-levels-rollup")
    browser_logout(page)

    db.session.expire_all()
    nomination = db.session.scalar(select(Nomination))
    assert nomination.state is NominationState.ACCEPTED
    proposals = db.session.scalars(select(Proposal).order_by(Proposal.id)).all()
    assert [p.state for p in proposals] == [ProposalState.APPROVED, ProposalState.APPROVED]

    # 6. The audit trail tells the story: read by the admin.
    browser_login(page, "quantri", PASSWORD)
    page.goto(f"/mo-hinh/{models['best'].id}")
    history = page.get_by_test_id("award-history")
    expect(history.get_by_text("Quyết định số 45/QĐ-UBND").first).to_be_visible()
    expect(history.get_by_text("Quyết định số 2150/QĐ-UBND").first).to_be_visible()
    page.goto("/nhat-ky?thao_tac=nomination")
    trail = page.get_by_test_id("audit-list")
    create = trail.locator("tr[data-action='nomination.create']")
    accept = trail.locator("tr[data-action='nomination.accept']")
    expect(create).to_contain_text("Đề nghị mô hình lên cấp trên")
    expect(create).to_contain_text("Đinh Thị Xuân")
    expect(accept).to_contain_text("Cấp trên nhận mô hình vào xét")
    expect(accept).to_contain_text("Trần Thị Thu Hà")
    expect(accept).to_contain_text("Chờ cấp trên xem xét → Cấp trên đã nhận vào xét")  # not the stored codes
    expect(trail).not_to_contain_text("pending")
    screenshot(page, "two-levels-audit-nominations")
    page.goto("/nhat-ky?thao_tac=proposal.approve")
    approvals = page.get_by_test_id("audit-list").locator("tr[data-action='proposal.approve']")
    expect(approvals).to_have_count(2)
    expect(approvals.filter(has_text="Đinh Thị Xuân")).to_contain_text("45/QĐ-UBND")
    expect(approvals.filter(has_text="Trần Thị Thu Hà")).to_contain_text("2150/QĐ-UBND")
    screenshot(page, "two-levels-audit-awards")
    page.goto("/nhat-ky?thao_tac=proposal.create")
    created = page.get_by_test_id("audit-list").locator("tr[data-action='proposal.create']")
    expect(created).to_have_count(2)
    expect(created.filter(has_text="Trần Thị Thu Hà")).to_contain_text(REPEAT)  # why it is awarded again
    browser_logout(page)

    # Each secretariat reads its own part of the story.
    browser_login(page, "thuky.giavien", PASSWORD)
    page.goto("/nhat-ky")
    trail = page.get_by_test_id("audit-list")
    expect(trail.locator("tr[data-action='nomination.create']")).to_have_count(1)
    expect(trail.locator("tr[data-action='proposal.approve']")).to_contain_text("45/QĐ-UBND")
    expect(trail).not_to_contain_text("2150/QĐ-UBND")
    page.goto("/de-nghi-cap-tren")
    expect(page.get_by_test_id("nominations-sent")).to_contain_text("Cấp trên đã nhận vào xét")


def test_the_pages_of_the_two_levels_are_accessible(page):
    world = _world()
    db.session.commit()
    users, models = world["users"], world["models"]
    secretariat = users["thuky.giavien"]
    assert secretariat.act_for(world["gia_vien"].id)
    round_ = rounds.create_round(rounds.RoundSettings(name=COMMUNE_ROUND, year=YEAR, min_scorecards=1),
                                 by=secretariat, organiser_id=world["gia_vien"].id)
    db.session.commit()
    _score(COMMUNE_ROUND, secretariat, users["giamkhao.giavien"], {models["best"]: EXCELLENT,
                                                                  models["clinic"]: GOOD})
    rounds.close_scoring(round_, by=secretariat)
    rounds.finalise(round_, by=secretariat)
    db.session.commit()
    axe = Axe()
    found: list[str] = []

    browser_login(page, "thuky.giavien", PASSWORD)
    found += _violations(page, axe, f"/de-nghi-cap-tren/moi?mo_hinh={models['clinic'].id}")
    with page.expect_navigation():  # refused: the page with the message is checked too
        page.get_by_role("button", name="Gửi đề nghị").click()
    found += _violations_here(page, axe, "nominate refused")
    page.problems[:] = [p for p in page.problems if "400" not in p]
    page.get_by_label("Ý kiến đề nghị của cấp dưới").fill(NOTE)
    page.get_by_role("button", name="Gửi đề nghị").click()
    expect(page.get_by_test_id("nominations-sent")).to_contain_text(CLINIC)
    found += _violations(page, axe, "/de-nghi-cap-tren")
    found += _violations(page, axe, f"/de-nghi-cap-tren/moi?mo_hinh={models['clinic'].id}")  # sent twice
    browser_logout(page)

    browser_login(page, "noivu", PASSWORD)
    found += _violations(page, axe, "/de-nghi-cap-tren")  # the accept and return forms
    found += _violations(page, axe, "/tong-hop-cap-duoi")
    browser_logout(page)

    browser_login(page, "quantri", PASSWORD)
    found += _violations(page, axe, "/quan-tri/co-quan-to-chuc")
    screenshot(page, "two-levels-organisers")
    found += _violations(page, axe, "/quan-tri/co-quan-to-chuc/moi")
    found += _violations(page, axe, f"/quan-tri/co-quan-to-chuc/{world['gia_vien'].id}")
    organiser = db.session.get(Organiser, world["gia_vien"].id)
    assert organiser is not None
    assert not found, f"{len(found)} serious or critical accessibility problems:\n" + "\n".join(found)


def _violations_here(page, axe: Axe, label: str) -> list[str]:
    from tests.browser.test_accessibility_browser import _blocking

    return _blocking(page, axe, label)
