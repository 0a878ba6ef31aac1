"""Issue 23 item 4 and 5: a supervisor reads the accepted models of its own organiser only;
the council sees the opinions on the scoring page, the secretariat on the model's page; the
role has its menu, home panel and guide, and the admin grants it."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from danvankheo.auth.models import User
from danvankheo.core.roles import Role
from danvankheo.extensions import db
from danvankheo.registry.models import Status
from danvankheo.scoring import assignments, rounds, scorecards
from danvankheo.supervision.models import Stance
from danvankheo.supervision.services import record_opinion
from tests.factories import make_initiative, make_user
from tests.keyset_walk import walk

TEXT = "Người dân ở thôn Đông xác nhận được hướng dẫn thủ tục tận nhà."


def _opinion(sv, initiative=None, author=None, text=TEXT):
    opinion = record_opinion(initiative or sv.accepted, author or sv.mttq, stance=Stance.PARTLY, text=text)
    db.session.commit()
    return opinion


def test_the_list_holds_the_accepted_models_of_the_own_organiser_only(client, login_as, sv):
    login_as(sv.mttq)
    page = client.get("/giam-sat").get_data(as_text=True)
    assert "Tư pháp gần dân" in page
    for hidden in ("Bản nháp của Sở Tư pháp", "Đã nộp chờ tiếp nhận", "Dân vận ở thôn bản",
                   "Trường học thân thiện với dân"):
        assert hidden not in page
    commune_page = client.get("/giam-sat?q=thon+ban").get_data(as_text=True)
    assert "Dân vận ở thôn bản" not in commune_page


def test_the_list_filters_by_search_and_by_my_opinion(client, login_as, sv):
    _opinion(sv)
    login_as(sv.mttq)
    assert "Tư pháp gần dân" in client.get("/giam-sat?q=tu+phap").get_data(as_text=True)
    assert "Tư pháp gần dân" not in client.get("/giam-sat?q=benh+vien").get_data(as_text=True)
    assert "Tư pháp gần dân" in client.get("/giam-sat?y_kien=da").get_data(as_text=True)
    assert "Tư pháp gần dân" not in client.get("/giam-sat?y_kien=chua").get_data(as_text=True)


def test_the_list_pages_by_key_with_its_filters(client, login_as, sv, app):
    """Five more accepted models, two to a page: with "not yet given my opinion" on, every one
    comes once in the list's order, forward and back, and the filter stays on every link."""
    justice = sv.accepted.unit
    for n in range(5):
        make_initiative(justice, name=f"Mô hình giám sát {n}", status=Status.ACCEPTED, year=sv.accepted.year)
    db.session.commit()
    _opinion(sv)
    app.config["PAGE_SIZE"] = 2
    login_as(sv.mttq)
    forward, backward = walk(client, "/giam-sat?y_kien=chua", _supervised_names, "y_kien=chua")
    assert [n for names in forward for n in names] == [f"Mô hình giám sát {n}" for n in range(5)]
    assert [len(names) for names in forward] == [2, 2, 1]
    assert backward == forward[::-1]
    assert "5 mô hình" in client.get("/giam-sat?y_kien=chua").get_data(as_text=True)


def _supervised_names(page: str) -> list[str]:
    return re.findall(r'<td><a href="/mo-hinh/\d+">([^<]+)</a>', page)


def test_the_supervisor_reads_the_accepted_dossier_and_nothing_else(client, login_as, sv):
    login_as(sv.mttq)
    page = client.get(f"/mo-hinh/{sv.accepted.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'data-testid="workflow-actions"' not in text and "Sửa hồ sơ" not in text  # read-only
    assert 'data-testid="record-opinion"' in text
    assert '<a href="/giam-sat">Giám sát mô hình</a>' in text  # the breadcrumb leads to its own list
    for other in (sv.draft, sv.submitted, sv.commune_accepted):
        assert client.get(f"/mo-hinh/{other.id}").status_code == 404
        assert client.get(f"/giam-sat/mo-hinh/{other.id}").status_code == 404
        assert client.post(f"/giam-sat/mo-hinh/{other.id}", data={"stance": "agree", "text": TEXT}).status_code == 404


def test_the_commune_supervisor_reads_neither_the_province_models_nor_its_opinions(client, login_as, sv):
    opinion = _opinion(sv)
    login_as(sv.mttq_commune)
    assert "Tư pháp gần dân" not in client.get("/giam-sat").get_data(as_text=True)
    assert "Dân vận ở thôn bản" in client.get("/giam-sat").get_data(as_text=True)
    assert client.get(f"/mo-hinh/{sv.accepted.id}").status_code == 404
    assert client.get(f"/giam-sat/phien-ban/{opinion.versions[0].id}/tep").status_code == 404
    commune_page = client.get(f"/mo-hinh/{sv.commune_accepted.id}").get_data(as_text=True)
    assert TEXT not in commune_page


def test_the_supervisor_cannot_score_review_or_read_rounds(client, login_as, sv):
    login_as(sv.mttq)
    submitted = sv.submitted
    assert client.post(f"/mo-hinh/{submitted.id}/tiep-nhan", data={"version": submitted.version}).status_code == 404
    assert client.post(f"/mo-hinh/{sv.accepted.id}/tra-lai", data={"reason": "x"}).status_code in (403, 302, 303)
    db.session.refresh(sv.accepted)
    assert sv.accepted.status.value == "accepted"
    for path in ("/cham-diem/", "/dot-danh-gia/", "/mo-hinh", "/thong-ke", "/nhat-ky"):
        assert client.get(path).status_code == 403, path


def test_anonymous_gets_the_login_page(client, sv):
    for path in ("/giam-sat", f"/giam-sat/mo-hinh/{sv.accepted.id}"):
        response = client.get(path)
        assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_the_evaluator_sees_the_opinion_on_the_scoring_page_beside_the_dossier(client, login_as, sv):
    _opinion(sv)
    province = sv.levels.province
    round_ = rounds.create_round(rounds.RoundSettings(name="Đợt 2026", year=2026, min_scorecards=1),
                                 by=province.secretariat, organiser_id=province.organiser.id)
    assignments.set_panel(round_, [province.evaluator], by=province.secretariat)
    assignments.assign(round_, sv.accepted, province.evaluator, by=province.secretariat, notify_evaluator=False)
    rounds.start_scoring(round_, by=province.secretariat)
    db.session.commit()
    login_as(province.evaluator)
    page = client.get(f"/cham-diem/{round_.id}/{sv.accepted.id}").get_data(as_text=True)
    panel_at = page.index('data-testid="supervision-panel"')
    assert page.index("Hồ sơ") < panel_at < page.index('data-testid="score-form"')  # after the dossier, before the criteria
    assert TEXT in page and "Đồng ý một phần" in page and "Ủy ban MTTQ Việt Nam tỉnh" in page
    assert 'data-testid="record-opinion"' not in page
    # Opinions are no scores: the scorecard is as empty as before.
    values = {c.id: Decimal("10") for c in round_.criteria}
    scorecards.save_scorecard(round_, sv.accepted, province.evaluator, values, submit=False)


def test_the_secretariat_sees_opinions_on_the_model_page_and_the_unit_does_not(client, login_as, sv):
    _opinion(sv)
    login_as(sv.levels.province.secretariat)
    page = client.get(f"/mo-hinh/{sv.accepted.id}").get_data(as_text=True)
    assert TEXT in page and 'data-testid="record-opinion"' not in page
    client.post("/dang-xuat")
    staff = login_as(Role.STAFF, unit=sv.accepted.unit)
    assert staff.unit_id == sv.accepted.unit_id
    page = client.get(f"/mo-hinh/{sv.accepted.id}").get_data(as_text=True)
    assert TEXT not in page and 'data-testid="supervision-panel"' not in page


def test_the_supervisor_has_a_menu_a_home_panel_and_its_guide(client, login_as, sv):
    login_as(sv.mttq)
    home = client.get("/trang-chu").get_data(as_text=True)
    assert 'data-panel="supervision"' in home and "Đã ghi ý kiến <strong>0</strong>/1 mô hình." in home
    assert 'href="/giam-sat"' in home and "Giám sát mô hình" in home
    assert 'href="/huong-dan/mttq' in home
    guide = client.get("/huong-dan/mttq")
    assert guide.status_code == 200 and "Ghi ý kiến giám sát" in guide.get_data(as_text=True)


def test_the_admin_grants_the_role_within_an_organiser(client, login_as, sv):
    login_as(Role.ADMIN)
    commune = sv.levels.commune.organiser
    form = client.get("/quan-tri/nguoi-dung/moi").get_data(as_text=True)
    assert "Mặt trận Tổ quốc, đoàn thể (giám sát)" in form
    response = client.post("/quan-tri/nguoi-dung/moi", data={
        "login": "hoinongdan.giavien", "full_name": "Trịnh Văn Nông", "position": "Hội Nông dân xã Gia Viễn",
        "unit_id": 0, "roles": ["supervisor"], "organiser_id": commune.id})
    assert response.status_code in (200, 302)
    user = db.session.scalar(select(User).where(User.login == "hoinongdan.giavien"))
    assert user is not None and user.organisers_with(Role.SUPERVISOR) == [commune.id]


def test_a_supervisor_who_is_also_staff_finds_no_draft_in_the_supervision_list(client, login_as, sv):
    both = make_user(Role.STAFF, Role.SUPERVISOR, unit=sv.draft.unit, login="canbo.mttq",
                     organiser_id=sv.levels.province.organiser.id)
    db.session.commit()
    login_as(both)
    page = client.get("/giam-sat").get_data(as_text=True)
    assert "Tư pháp gần dân" in page
    assert "Bản nháp của Sở Tư pháp" not in page and "Đã nộp chờ tiếp nhận" not in page
