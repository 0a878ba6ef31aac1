"""WCAG 2.1 AA: axe-core (bundled by axe-playwright-python, never fetched) on every page of the
menu of every demo role, on the key detail pages behind them, and on the public pages.
No serious or critical violation is allowed."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from danvankheo.auth.models import User
from danvankheo.awards.models import AwardForm, Ballot, Proposal
from danvankheo.demo import DEMO_PASSWORD, seed_demo
from danvankheo.extensions import db
from danvankheo.registry.models import Initiative, Status
from danvankheo.scoring.models import Assignment, Round, RoundEntry
from danvankheo.units.models import Unit
from tests.browser.conftest import browser_login

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}


def _first(statement):
    return db.session.scalars(statement.limit(1)).first()


def _detail_pages(login: str) -> list[str]:
    """The pages behind the menu that a person of this demo account opens most."""
    user = db.session.scalar(select(User).where(User.login == login))
    model = _first(select(Initiative).where(Initiative.status == Status.ACCEPTED).order_by(Initiative.id))
    round_ = _first(select(Round).order_by(Round.id))
    proposal = _first(select(Proposal).order_by(Proposal.id))
    common = ["/doi-mat-khau", "/thong-bao"]
    if login.startswith("canbo"):
        own = _first(select(Initiative).where(Initiative.unit_id == user.unit_id).order_by(Initiative.id))
        draft = _first(select(Initiative).where(Initiative.unit_id == user.unit_id,
                                                Initiative.status.in_([Status.DRAFT, Status.RETURNED])))
        pages = ["/mo-hinh/dang-ky", f"/mo-hinh/{own.id}", "/cham-diem/ket-qua", "/khen-thuong/don-vi"]
        if draft is not None:
            pages.append(f"/mo-hinh/{draft.id}/sua")
        return pages + common
    if login.startswith("mttq"):
        from danvankheo.registry.permissions import supervised_clause
        from danvankheo.supervision.models import SupervisionOpinion

        # The accepted model it has given an opinion on, and one it has not.
        given = _first(select(SupervisionOpinion.initiative_id).where(SupervisionOpinion.author_id == user.id))
        other = _first(select(Initiative.id).where(supervised_clause(user), Initiative.id != given))
        pages = [f"/mo-hinh/{given}", f"/giam-sat/mo-hinh/{given}", "/giam-sat?y_kien=da", "/huong-dan/mttq"]
        if other is not None:
            pages.append(f"/giam-sat/mo-hinh/{other}")
        return pages + common
    ballot = _first(select(Ballot).order_by(Ballot.id))
    if login.startswith("giamkhao"):
        assignment = _first(select(Assignment).where(Assignment.evaluator_id == user.id))
        pages = [] if assignment is None else [f"/cham-diem/{assignment.round_id}/{assignment.initiative_id}"]
        if ballot is not None and ballot.voter_for(user) is not None:
            pages.append(f"/khen-thuong/bo-phieu/{ballot.id}")  # the demo's closed ballot, with its result
        return pages + common
    pages = [f"/mo-hinh/{model.id}"]
    if round_ is not None:
        base = f"/dot-danh-gia/{round_.id}"
        entry = _first(select(RoundEntry.initiative_id).where(RoundEntry.round_id == round_.id)
                       .order_by(RoundEntry.initiative_id))
        pages += [base, f"{base}/mo-hinh", f"{base}/tien-do", f"{base}/xep-hang"]
        if entry is not None:  # a model of that round: any other answers 404 there
            pages.append(f"{base}/mo-hinh/{entry}")
    if proposal is not None:
        pages.append(f"/khen-thuong/de-nghi/{proposal.id}")
    if ballot is not None:
        pages.append(f"/khen-thuong/bo-phieu/{ballot.id}")
    if login == "noivu":
        # Each of its rounds' progress: a round still being scored marks its short rows in yellow.
        own = select(Round.id).where(Round.organiser_id == user.acting_organiser_id).order_by(Round.id)
        pages += [f"/dot-danh-gia/{rid}/tien-do" for rid in db.session.scalars(own)]
        form = _first(select(AwardForm).order_by(AwardForm.id))
        pages += ["/dot-danh-gia/moi", "/khen-thuong/de-nghi/moi", "/khen-thuong/hinh-thuc/moi"]
        if round_ is not None:
            pages += [f"/dot-danh-gia/{round_.id}/tieu-chi", f"/dot-danh-gia/{round_.id}/hoi-dong",
                      f"/dot-danh-gia/{round_.id}/cai-dat"]
        if form is not None:
            pages += [f"/khen-thuong/hinh-thuc/{form.id}", f"/khen-thuong/hinh-thuc/{form.id}/mau-phoi"]
        pages += ["/khen-thuong/in-phoi/mau-phoi", "/khen-thuong/in-phoi/can-chinh"]
        if proposal is not None and proposal.decision_number:
            pages.append(f"/khen-thuong/de-nghi/{proposal.id}/in-phoi")
    if login == "admin":
        unit = _first(select(Unit).order_by(Unit.id))
        pages = [f"/quan-tri/don-vi/{unit.id}", "/quan-tri/don-vi/moi", f"/quan-tri/nguoi-dung/{user.id}",
                 "/quan-tri/nguoi-dung/moi", "/quan-tri/nhap-excel"]
    return pages + common


def _menu_pages(page) -> list[str]:
    links = page.locator("#menu a[href]").evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")
    return [href for href in links if href.startswith("/") and href != "#"]


def _violations(page, axe: Axe, path: str) -> list[str]:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
    results = axe.run(page, options=AXE_OPTIONS)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            found.append(f"{path} [{violation['impact']}] {violation['id']}: {node['target']} "
                         f"{node.get('failureSummary', '')[:300].replace(chr(10), ' ')}")
    return found


@pytest.mark.parametrize("login", ["canbo.tuphap", "giamkhao1", "noivu", "theodoi", "admin", "mttq", None])
def test_no_serious_or_critical_accessibility_violation_on_any_page(page, login):
    seed_demo()
    db.session.commit()
    axe = Axe()
    if login is None:
        paths = ["/dang-nhap", "/thu-vien"]
        model = _first(select(Initiative).where(Initiative.status == Status.ACCEPTED).order_by(Initiative.id))
        paths.append(f"/thu-vien/{model.id}")
    else:
        browser_login(page, login, DEMO_PASSWORD)
        paths = list(dict.fromkeys(_menu_pages(page) + _detail_pages(login)))
    found: list[str] = []
    for path in paths:
        found += _violations(page, axe, path)
    assert not found, f"{len(found)} serious or critical accessibility problems:\n" + "\n".join(found)


def _blocking(page, axe: Axe, label: str) -> list[str]:
    page.wait_for_load_state("load")  # the styles are applied before the colours are judged
    results = axe.run(page, options=AXE_OPTIONS)
    return [f"{label} [{v['impact']}] {v['id']}: {n['target']}" for v in results.response["violations"]
            if v["impact"] in BLOCKING for n in v["nodes"]]


def test_open_menus_the_date_picker_and_a_phone_screen_are_accessible_too(page):
    seed_demo()
    db.session.commit()
    axe = Axe()
    browser_login(page, "noivu", DEMO_PASSWORD)
    page.goto("/mo-hinh/han-nop")
    found = []
    page.get_by_role("button", name="Báo cáo").click()
    found += _blocking(page, axe, "menu Báo cáo open")
    page.keyboard.press("Escape")
    page.get_by_test_id("deadline-form").get_by_role("button", name="Mở lịch chọn ngày").click()
    found += _blocking(page, axe, "date picker open")
    page.keyboard.press("Escape")
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/trang-chu", "/thong-ke", "/mo-hinh"):
        page.goto(path)
        found += _blocking(page, axe, f"{path} on a phone")
    page.get_by_role("button", name="Mở menu").click()
    found += _blocking(page, axe, "phone menu open")
    assert not found, "\n".join(found)


def test_the_ballot_pages_are_accessible_while_the_vote_is_open(page):
    """The demo's ballot is closed; here one is open: the forms to open it, to vote and to
    enter paper ballots, with a refusal on each."""
    from datetime import timedelta

    from danvankheo.awards import ballots, proposals
    from danvankheo.core.roles import Role
    from danvankheo.core.types import utcnow
    from danvankheo.scoring.models import PanelMember
    from tests.awards.builders import build_finalised_round
    from tests.factories import PASSWORD, make_user

    built = build_finalised_round()
    built.secretariat.login, built.evaluators[0].login = "noivu", "giamkhao1"
    second = make_user(Role.EVALUATOR, login="giamkhao2", full_name="Vũ Thị Ánh")
    db.session.add(PanelMember(round_id=built.round.id, user_id=second.id))
    form = _first(select(AwardForm).where(AwardForm.name == "Bằng khen của Chủ tịch UBND tỉnh"))
    opened = proposals.create_proposal(built.round, [built.models["justice"].id], form, actor=built.secretariat)
    waiting = proposals.create_proposal(built.round, [built.models["commune"].id], form, actor=built.secretariat)
    ballot = ballots.open_ballot(opened, utcnow() + timedelta(days=2), actor=built.secretariat)
    db.session.commit()
    axe = Axe()
    found: list[str] = []

    browser_login(page, "noivu", PASSWORD)
    for path in (f"/khen-thuong/de-nghi/{waiting.id}/bo-phieu/mo", f"/khen-thuong/bo-phieu/{ballot.id}",
                 f"/khen-thuong/bo-phieu/{ballot.id}/phieu-giay"):
        found += _violations(page, axe, path)
    with page.expect_navigation():
        page.get_by_role("button", name="Ghi nhận phiếu giấy").click()  # nothing chosen: refused
    found += _blocking(page, axe, "paper ballots refused")
    page.goto(f"/khen-thuong/de-nghi/{waiting.id}/bo-phieu/mo")
    page.get_by_label("Kết thúc bỏ phiếu lúc").fill("32/13/2026 17:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Mở bỏ phiếu").click()
    found += _blocking(page, axe, "opening refused")
    page.problems[:] = [p for p in page.problems if "400" not in p]  # the refused forms answer 400

    page.goto("/trang-chu")
    page.locator(".navbar .dropdown-toggle").last.click()
    page.get_by_test_id("logout").click()
    browser_login(page, "giamkhao1", PASSWORD)
    found += _violations(page, axe, "/trang-chu")  # the panel of ballots waiting for a vote
    found += _violations(page, axe, f"/khen-thuong/bo-phieu/{ballot.id}")
    with page.expect_navigation():
        page.get_by_role("button", name="Bỏ phiếu", exact=True).click()  # no choice made: refused
    found += _blocking(page, axe, "vote refused")
    page.problems[:] = [p for p in page.problems if "400" not in p]
    assert not found, "\n".join(found)
