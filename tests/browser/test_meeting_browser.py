"""The council meeting and the proposal's documents in Chromium: the secretariat records the
meeting (a refused vote count first), then downloads the Tờ trình and the biên bản.
Screenshots go to the user guide (awards-meeting-refused.png, awards-documents.png)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from docx import Document
from playwright.sync_api import expect
from sqlalchemy import select

from danvankheo.awards import proposals
from danvankheo.awards.models import AwardForm
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from tests.awards.builders import build_finalised_round
from tests.browser.conftest import browser_login, screenshot
from tests.factories import PASSWORD, make_unit, make_user

pytestmark = pytest.mark.browser


def test_secretariat_records_the_meeting_and_downloads_the_documents(page, tmp_path):
    council = make_unit("Sở Nội vụ", code="SNV")
    secretariat = make_user(Role.SECRETARIAT, unit=council, login="noivu", full_name="Trần Thị Thu Hà")
    built = build_finalised_round(secretariat=secretariat)
    built.round.finalised_at = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    form = db.session.scalar(select(AwardForm).where(AwardForm.name == "Bằng khen của Chủ tịch UBND tỉnh"))
    proposal = proposals.create_proposal(built.round, [built.models["justice"].id, built.models["commune"].id],
                                        form, actor=secretariat)
    proposals.add_line(proposal, built.models["justice"], None, form, actor=secretariat)
    db.session.commit()

    browser_login(page, "noivu", PASSWORD)
    page.goto(f"/khen-thuong/de-nghi/{proposal.id}")
    missing = page.get_by_test_id("documents-missing")
    expect(missing).to_contain_text("biên bản họp Hội đồng")
    page.get_by_test_id("record-meeting").click()

    page.get_by_label("Ngày họp").fill("2026-11-25")
    page.get_by_label("Địa điểm họp").fill("Phòng họp số 1, Sở Nội vụ")
    page.get_by_label("Người chủ trì", exact=True).fill("Trần Văn Bình")
    page.get_by_label("Chức vụ người chủ trì").fill("Phó Chủ tịch Thường trực Hội đồng")
    page.get_by_label("Thư ký cuộc họp").fill("Lê Thị Mai")
    page.get_by_label("Tổng số thành viên Hội đồng").fill("9")
    page.get_by_label("Số thành viên có mặt").fill("7")
    votes = page.get_by_test_id("vote-table").locator("input")
    assert votes.count() == 3
    for index, value in enumerate(("8", "6", "4")):
        votes.nth(index).fill(value)
    page.get_by_role("button", name="Lưu biên bản họp").click()
    expect(page.get_by_text("Số phiếu đồng ý (8) không được nhiều hơn số thành viên có mặt (7).")).to_be_visible()
    screenshot(page, "awards-meeting-refused")
    # The refused form answers 400, which Chromium reports on its console.
    page.problems[:] = [p for p in page.problems if "400" not in p]

    page.get_by_test_id("vote-table").locator("input").nth(0).fill("7")
    page.get_by_role("button", name="Lưu biên bản họp").click()
    expect(page.get_by_text("Đã lưu biên bản họp Hội đồng và kết quả bỏ phiếu.")).to_be_visible()
    expect(page.get_by_test_id("meeting-summary")).to_contain_text("7/9 thành viên có mặt; đạt khi có từ 5 phiếu")
    page.get_by_test_id("documents").scroll_into_view_if_needed()
    page.get_by_test_id("documents").screenshot(path=str(screenshot_path("awards-documents")))

    with page.expect_download() as info:
        page.get_by_test_id("doc-bien-ban").click()
    assert info.value.suggested_filename.endswith(".docx")
    path = tmp_path / "bien-ban.docx"
    info.value.save_as(path)
    tables = Document(str(path)).tables
    rows = [[cell.text for cell in row.cells] for table in tables for row in table.rows]
    assert any(row[-2:] == ["7/9", "Đạt"] for row in rows)
    assert any(row[-2:] == ["4/9", "Không đạt"] for row in rows)

    page.goto(f"/khen-thuong/de-nghi/{proposal.id}/hop-hoi-dong")
    with page.expect_download() as info:
        page.goto(f"/khen-thuong/de-nghi/{proposal.id}")
        page.get_by_test_id("doc-to-trinh").click()
    text = "\n".join(p.text for p in Document(str(info.value.path())).paragraphs)
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh." in text


def screenshot_path(name: str):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
