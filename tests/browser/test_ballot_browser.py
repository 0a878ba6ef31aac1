"""The council's secret ballot in Chromium, from opening to the biên bản: the secretariat opens
it (a refused closing time first), two members vote, it closes by itself, the secretariat
reads the result and downloads the biên bản. Screenshots go to the user guides
(awards-ballot-open.png, awards-ballot-vote.png, awards-ballot-result.png)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from docx import Document
from playwright.sync_api import expect
from sqlalchemy import select

from danvankheo.awards import ballots, proposals
from danvankheo.awards.models import AwardForm, Ballot, BallotState
from danvankheo.core.roles import Role
from danvankheo.core.timeutil import to_local
from danvankheo.extensions import db
from danvankheo.scoring.models import PanelMember
from tests.awards.builders import build_finalised_round
from tests.browser.conftest import browser_login, browser_logout, screenshot
from tests.factories import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser


def test_the_council_votes_secretly_and_the_minutes_carry_the_result(page, tmp_path):
    council = make_unit("Sở Nội vụ", code="SNV")
    secretariat = make_user(Role.SECRETARIAT, unit=council, login="noivu", full_name="Trần Thị Thu Hà")
    built = build_finalised_round(secretariat=secretariat)
    built.round.finalised_at = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    second = make_user(Role.EVALUATOR, unit=council, login="giamkhao2", full_name="Vũ Thị Ánh")
    db.session.add(PanelMember(round_id=built.round.id, user_id=second.id))
    built.evaluators[0].login = "giamkhao1"
    form = db.session.scalar(select(AwardForm).where(AwardForm.name == "Bằng khen của Chủ tịch UBND tỉnh"))
    proposal = proposals.create_proposal(built.round, [built.models["justice"].id, built.models["commune"].id],
                                        form, actor=secretariat)
    db.session.commit()
    first_line, second_line = ballots.candidates(proposal)

    # The secretariat opens the ballot; a closing time in the past is refused first.
    browser_login(page, "noivu", PASSWORD)
    page.goto(f"/khen-thuong/de-nghi/{proposal.id}")
    page.get_by_test_id("open-ballot").click()
    expect(page.get_by_test_id("ballot-members")).to_contain_text("Vũ Thị Ánh")
    page.get_by_label("Kết thúc bỏ phiếu lúc").fill("01/01/2020 08:00")
    page.get_by_role("button", name="Mở bỏ phiếu").click()
    expect(page.get_by_text("Thời điểm kết thúc bỏ phiếu phải sau lúc này")).to_be_visible()
    page.problems[:] = [p for p in page.problems if "400" not in p]  # the refused form answers 400
    screenshot(page, "awards-ballot-open")
    closes = to_local(datetime.now(UTC) + timedelta(days=3))
    page.get_by_label("Kết thúc bỏ phiếu lúc").fill(f"{closes:%d/%m/%Y} 17:00")
    page.get_by_role("button", name="Mở bỏ phiếu").click()
    expect(page.get_by_text("Đã mở bỏ phiếu; các thành viên Hội đồng đã được thông báo.")).to_be_visible()
    expect(page.get_by_test_id("ballot-turnout")).to_have_text("0/2")
    ballot_url = page.url
    browser_logout(page)

    # Each member votes from the home page's panel; the second vote closes the ballot.
    for login, picks in (("giamkhao1", ("agree", "agree")), ("giamkhao2", ("agree", "disagree"))):
        browser_login(page, login, PASSWORD)
        page.locator('[data-panel="awards-ballots"] a').first.click()
        assert page.url == ballot_url
        for line, pick in zip((first_line, second_line), picks, strict=True):
            page.locator(f"#choice_{line.id}-{pick}").check()
        if login == "giamkhao1":
            screenshot(page, "awards-ballot-vote")
        page.get_by_role("button", name="Bỏ phiếu", exact=True).click()
        expect(page.get_by_text("Đã ghi nhận phiếu của bạn.")).to_be_visible()
        expect(page.get_by_test_id("ballot-vote-form")).to_have_count(0)
        if login == "giamkhao1":
            expect(page.get_by_test_id("ballot-voted")).to_contain_text("Bạn đã bỏ phiếu")
            expect(page.get_by_test_id("ballot-results")).to_have_count(0)  # secret until the close
        browser_logout(page)

    db.session.expire_all()
    assert db.session.scalar(select(Ballot)).state is BallotState.CLOSED

    # The secretariat reads the result, who voted (not how), and downloads the biên bản.
    browser_login(page, "noivu", PASSWORD)
    page.goto(ballot_url)
    results = page.get_by_test_id("ballot-results")
    expect(results.locator("tr", has_text=first_line.recipient_name)).to_contain_text("2/2")
    expect(results.locator("tr", has_text=second_line.recipient_name)).to_contain_text("Không đạt")
    roll = page.get_by_test_id("ballot-roll")
    expect(roll.locator("tr", has_text="Vũ Thị Ánh")).to_contain_text("Đã bỏ phiếu lúc")
    expect(roll).not_to_contain_text("Không đồng ý")
    screenshot(page, "awards-ballot-result")
    with page.expect_download() as info:
        page.get_by_test_id("ballot-minutes").click()
    path = tmp_path / "bien-ban.docx"
    info.value.save_as(path)
    document = Document(str(path))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert any(row[-2:] == ["2/2", "Đạt"] for row in rows), rows
    assert any(row[-2:] == ["1/2", "Không đạt"] for row in rows), rows
    text = "\n".join(p.text for p in document.paragraphs)
    assert "phiếu kín trên phần mềm" in text and "2/2 thành viên đã bỏ phiếu" in text
