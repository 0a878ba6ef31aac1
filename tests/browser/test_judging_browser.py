"""The judging aids as the secretariat meets them in the demo: the 2025 ranking with the panel's
agreement and the scores adjusted for each evaluator's severity, the warning on the 2026 model
that repeats its 2025 one, and the box shown when an awarded model is proposed again."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from danvankheo.demo import DEMO_PASSWORD, seed_demo
from danvankheo.extensions import db
from danvankheo.registry.models import Initiative, Status
from danvankheo.registry.similarity import SimilarityFlag
from danvankheo.scoring.models import Round, RoundState
from tests.browser.conftest import browser_login, screenshot


def test_secretariat_sees_agreement_adjusted_ranks_similarity_and_repeated_awards(page):
    seed_demo()
    db.session.commit()
    finalised = db.session.scalar(select(Round).where(Round.state == RoundState.FINALISED, Round.year == 2025))
    flagged = db.session.scalar(
        select(Initiative).join(SimilarityFlag, SimilarityFlag.initiative_id == Initiative.id)
        .where(Initiative.year == 2026, Initiative.status != Status.DRAFT).order_by(Initiative.id))
    assert finalised is not None and flagged is not None
    browser_login(page, "noivu", DEMO_PASSWORD)

    page.goto(f"/dot-danh-gia/{finalised.id}/xep-hang")
    agreement = page.get_by_test_id("agreement")
    expect(agreement).to_be_visible()
    expect(agreement.get_by_test_id("agreement-alpha")).to_contain_text(",")  # a Vietnamese decimal
    expect(page.get_by_text("Xếp loại đổi: Tốt → Xuất sắc")).to_be_visible()  # the harsh evaluator's effect
    screenshot(page, "scoring-agreement-adjustment")

    page.goto(f"/mo-hinh/{flagged.id}")
    similarity = page.get_by_test_id("similarity")
    expect(similarity).to_be_visible()
    expect(similarity.get_by_test_id("similarity-flag").first).to_contain_text("%")
    screenshot(page, "registry-similarity")

    page.goto(f"/khen-thuong/de-nghi/moi?dot={finalised.id}")
    form = page.get_by_test_id("new-proposal-form")
    for box in form.locator("input[name=initiative_ids]").all():
        box.check()
    form.get_by_role("button", name="Lập danh sách").click()
    expect(page.get_by_test_id("repeated-awards")).to_be_visible()
    screenshot(page, "awards-repeated")
